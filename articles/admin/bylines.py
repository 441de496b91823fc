"""Bylines on the article form: the lead byline, "Other authors" in order, and who may
put which name on a story.

A writer bylines only themselves (WordPress's contributors cannot pick another author
either): for them the lead byline and the other authors offer their own Author profile
(and names the story already carries, so that saving keeps them), and a crafted POST
naming someone else gets a form error. Editors byline anyone, guest authors without an
account too. A writer's read-only view of a published story shows its body rendered.
"""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import roles
from ..models import Article, ArticleByline, Author

COLLEAGUES_BYLINE = (
    "Only an editor changes a colleague's byline: you may add or remove your own name."
)
ONLY_YOUR_BYLINE = (
    "You can put only your own byline on a story: choose your name, or ask an editor "
    "to add another author."
)


def byline_choices(user, keep=()):
    """The authors `user` may put on a story: anyone for editors; for writers their own
    profile and the authors in `keep` (those the story carries already)."""
    if roles.can_publish(user):
        return Author.objects.all()
    return Author.objects.filter(Q(user=user) | Q(pk__in=[pk for pk in keep if pk]))


def byline_change_refused(user, article, lead_id, co_ids):
    """Why `user` may not give `article` this lead byline and these other authors, or
    None. A writer adds or removes only their own name: a colleague's is an editor's."""
    if roles.can_publish(user) or article.pk is None:
        return None
    before = Article.objects.filter(pk=article.pk).values_list("author_id", flat=True).first()
    changed = set(article.co_author_ids()) ^ set(co_ids)
    if lead_id != before:
        changed |= {before, lead_id}
    own = set(Author.objects.filter(user=user).values_list("pk", flat=True))
    return COLLEAGUES_BYLINE if changed - own - {None} else None


def writers_byline_field(user, keep, field):
    """A plain choice of the authors a writer may use, refusing any other."""
    return forms.ModelChoiceField(
        queryset=byline_choices(user, keep),
        required=field.required,
        label=field.label,
        help_text=field.help_text,
        error_messages={"invalid_choice": ONLY_YOUR_BYLINE},
    )


class BylineForm(forms.ModelForm):
    def validate_constraints(self):
        """ "Each author once on a story" is checked across the posted rows (the formset's
        own check), not against the rows as stored: those may change in the same save,
        as when two other authors swap places."""
        exclude = self._get_validation_exclusions() | {"author"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class BylineFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        total = f"{self.prefix}-{TOTAL_FORM_COUNT}"
        self.posted = self.is_bound and total in self.data
        if self.is_bound and total not in self.data:
            # A form posted without this section (a script, a page opened before it
            # existed) leaves the other authors as they are.
            self.data = self.data.copy()
            self.data.update({total: "0", f"{self.prefix}-{INITIAL_FORM_COUNT}": "0"})

    byline_user = None  # set per request by the inline (`get_formset`)

    def clean(self):
        super().clean()
        self._check_colleagues_bylines()
        lead = self.instance.author_id
        for form in self.forms:
            author = form.cleaned_data.get("author") if hasattr(form, "cleaned_data") else None
            if author is not None and author.pk == lead and not self._should_delete_form(form):
                form.add_error(
                    "author",
                    forms.ValidationError(
                        "%(name)s is the lead byline already.",
                        code="lead_also_other_author",
                        params={"name": author.name},
                    ),
                )

    def save_existing_objects(self, commit=True):
        """Rows given another author are stored afresh (same ids) before the rest is
        saved, so a swap never meets the database's "each author once" half-way."""
        if commit:
            moved = [
                form.instance
                for form in self.initial_forms
                if "author" in form.changed_data and not self._should_delete_form(form)
            ]
            ArticleByline.objects.filter(pk__in=[row.pk for row in moved]).delete()
            for row in moved:
                row.save(force_insert=True)
        return super().save_existing_objects(commit)

    def _check_colleagues_bylines(self):
        if self.byline_user is None or not self.posted:
            return
        kept = [
            form.cleaned_data["author"].pk
            for form in self.forms
            if getattr(form, "cleaned_data", {}).get("author")
            and not self._should_delete_form(form)
        ]
        refused = byline_change_refused(
            self.byline_user, self.instance, self.instance.author_id, kept
        )
        if refused:
            raise forms.ValidationError(refused, code="colleagues_byline")


class ArticleBylineInline(admin.TabularInline):
    """ "Other authors", after the lead byline, ordered by their position number."""

    model = ArticleByline
    form = BylineForm
    formset = BylineFormSet
    fields = ("author", "position")
    extra = 1
    verbose_name = "other author"
    verbose_name_plural = "Other authors"

    def _article_admin(self):
        return self.admin_site.get_model_admin(self.parent_model)

    # Whoever may change the article may change its other authors (the names they may
    # use are limited below): no permission of its own.

    def has_view_permission(self, request, obj=None):
        return self._article_admin().has_view_or_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._article_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._article_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._article_admin().has_change_permission(request, obj)

    def get_autocomplete_fields(self, request):
        return ("author",) if roles.can_publish(request.user) else ()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.byline_user = request.user
        field = formset.form.base_fields.get("author")
        if field is not None and not roles.can_publish(request.user):
            keep = obj.co_author_ids() if obj is not None else []
            formset.form.base_fields["author"] = writers_byline_field(request.user, keep, field)
        return formset


class BylinesAdminMixin:
    """First base of ArticleAdmin (it adjusts the form the other mixins made)."""

    def get_inlines(self, request, obj):
        return (ArticleBylineInline, *super().get_inlines(request, obj))

    def get_autocomplete_fields(self, request):
        fields = super().get_autocomplete_fields(request)
        if roles.can_publish(request.user):
            return fields
        return tuple(name for name in fields if name != "author")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        field = form_class.base_fields.get("author")
        if field is not None and not roles.can_publish(request.user):
            keep = [obj.author_id] if obj is not None else []
            form_class.base_fields["author"] = writers_byline_field(request.user, keep, field)
        return form_class

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        own = Author.objects.filter(user=request.user).values_list("pk", flat=True).first()
        if own is not None and not roles.can_publish(request.user):
            initial.setdefault("author", own)
        return initial

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "body_rendered")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: the body as readers see it, not its markup.
        return tuple(
            (name, {**options, "fields": _body_shown(options["fields"])})
            for name, options in fieldsets
        )

    @admin.display(description="body")
    def body_rendered(self, article):
        # `body_html` is sanitized on save (`richtext.render_body`), as readers get it.
        return format_html('<div class="body-rendered">{}</div>', mark_safe(article.body_html))


def _body_shown(fields):
    return tuple(
        _body_shown(name) if isinstance(name, (list, tuple)) else _shown_name(name)
        for name in fields
    )


def _shown_name(name):
    return "body_rendered" if name == "body" else name
