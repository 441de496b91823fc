"""Preview links in the admin: make one (its address shown once, then never again),
see who made each and when it was last opened, revoke."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import ngettext

from .. import previews, roles
from ..models import Article, PreviewLink
from ..models.previews import DEFAULT_HOURS, DURATION_CHOICES

# The token waits here, under the link's id, for the one page that shows it.
TOKEN_SESSION_KEY = "preview-link-token:{}"
READ_ONLY_FIELDS = (
    "article",
    "state_label",
    "created_by",
    "created_at",
    "expires_at",
    "last_opened_at",
    "times_opened",
    "revoked_at",
    "revoked_by",
)


class PreviewLinkForm(forms.ModelForm):
    hours = forms.TypedChoiceField(
        label="Works for",
        choices=DURATION_CHOICES,
        coerce=int,
        initial=DEFAULT_HOURS,
        help_text="After this the link shows nothing; you can also revoke it sooner.",
    )

    class Meta:
        model = PreviewLink
        fields = ("article",)


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return PreviewLink.State.choices

    def queryset(self, request, queryset):
        by_state = {
            PreviewLink.State.ACTIVE: queryset.active,
            PreviewLink.State.EXPIRED: queryset.expired,
            PreviewLink.State.REVOKED: queryset.revoked,
        }
        chosen = by_state.get(self.value())
        return chosen() if chosen else queryset


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Links to drafts for people without an account; only links to articles the
    signed-in member may read themselves are listed or made."""

    form = PreviewLinkForm
    list_display = (
        "article",
        "created_by",
        "created_at",
        "expires_at",
        "last_opened_at",
        "times_opened",
        "state_label",
    )
    list_filter = (StateFilter,)
    list_select_related = ("article", "created_by")
    search_fields = ("article__title",)
    date_hierarchy = "created_at"
    autocomplete_fields = ("article",)
    actions = ("revoke_selected",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.can_publish(request.user):
            return queryset
        return queryset.filter(article__in=Article.objects.visible_to(request.user))

    def get_urls(self):
        made = path(
            "<int:object_id>/made/",
            self.admin_site.admin_view(self.made_view),
            name="articles_previewlink_made",
        )
        return [made, *super().get_urls()]

    # A link is made and revoked, never edited: its page is read-only.

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def get_fields(self, request, obj=None):
        return ("article", "hours") if obj is None else READ_ONLY_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else READ_ONLY_FIELDS

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["queryset"] = Article.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        """An article the member may not read is not found, whether asked for by the
        address (`?article=`) or by the form."""
        chosen = request.POST.get("article") or request.GET.get("article") or ""
        if chosen.isdigit() and not (
            Article.objects.visible_to(request.user).filter(pk=chosen).exists()
        ):
            raise Http404("No article to share here.")
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        link, token = previews.make_link(obj.article, request.user, form.cleaned_data["hours"])
        obj.pk = link.pk
        request.session[TOKEN_SESSION_KEY.format(link.pk)] = token

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:articles_previewlink_made", obj.pk)

    def made_view(self, request, object_id):
        """The new link's address, to copy: shown on the first visit only."""
        link = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, link):
            raise Http404
        token = request.session.pop(TOKEN_SESSION_KEY.format(link.pk), None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Preview link made" if token else "Preview link",
            "link": link,
            "url": previews.link_url(link, token) if token else None,
            "add_url": reverse("admin:articles_previewlink_add") + f"?article={link.article_id}",
        }
        return TemplateResponse(request, "admin/articles/previewlink/made.html", context)

    @admin.action(description="Revoke selected preview links", permissions=("change",))
    def revoke_selected(self, request, queryset):
        active = list(queryset.filter(revoked_at__isnull=True).select_related("article"))
        for link in active:
            previews.revoke(link, request.user)
        message = ngettext(
            "%d preview link revoked.", "%d preview links revoked.", len(active)
        ) % len(active)
        self.message_user(request, message, messages.SUCCESS)

    @admin.display(description="state")
    def state_label(self, link):
        return PreviewLink.State(link.state).label
