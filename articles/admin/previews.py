"""Preview links in the admin: make one (its address shown once, on the answer to the
form, and never stored), see who made each and when it was last opened, revoke."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import newsroom_time, previews, roles
from ..models import PreviewLink
from ..models.previews import DEFAULT_HOURS, DURATION_CHOICES
from ..pagination import MAX_INT

READ_ONLY_FIELDS = (
    "article",
    "state_label",
    "created_by",
    "made",
    "expires",
    "last_opened",
    "times_opened",
    "revoked",
    "revoked_by",
)


def _article_id(value):
    """The article id an address or a form names, or None for anything else."""
    if value.isascii() and value.isdigit() and int(value) <= MAX_INT:
        return int(value)
    return None


def _when(value):
    return newsroom_time.when(value) if value else "–"


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

    def clean_article(self):
        article = self.cleaned_data["article"]
        if article.is_published:
            raise forms.ValidationError(previews.LIVE.format(article), code="live")
        return article


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
        "made",
        "expires",
        "last_opened",
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
        """Editors see every link; writers the links to the stories they work on (not
        those to every published story, which they may read but not share)."""
        queryset = super().get_queryset(request)
        if roles.can_publish(request.user):
            return queryset
        return queryset.filter(article__in=previews.shareable(request.user))

    def get_urls(self):
        made = path(
            "<int:object_id>/made/",
            self.admin_site.admin_view(self.made_view),
            name="articles_previewlink_made",
        )
        revoke = path(
            "<int:object_id>/revoke/",
            self.admin_site.admin_view(require_POST(self.revoke_view)),
            name="articles_previewlink_revoke",
        )
        return [made, revoke, *super().get_urls()]

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
            kwargs["queryset"] = previews.shareable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        """An article the member may not read is not found, whether asked for by the
        address (`?article=`) or by the form."""
        chosen = request.POST.get("article") or request.GET.get("article") or ""
        if chosen:
            article_id = _article_id(chosen)
            shareable = previews.shareable(request.user)
            if article_id is None or not shareable.filter(pk=article_id).exists():
                raise Http404("No article to share here.")
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        link, token = previews.make_link(obj.article, request.user, form.cleaned_data["hours"])
        obj.pk, obj.created_at, obj.expires_at = link.pk, link.created_at, link.expires_at
        # Only on this instance, for the answer to this request: never stored.
        obj.new_token = token

    def response_add(self, request, obj, post_url_continue=None):
        """The address, on the answer to the form itself (a reload asks before sending
        the form again, and makes another link)."""
        return self._made_page(request, obj, obj.new_token)

    def made_view(self, request, object_id):
        """A made link's page: its address was shown once and is not kept."""
        link = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, link):
            raise Http404
        return self._made_page(request, link, None)

    def _made_page(self, request, link, token):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Preview link made" if token else "Preview link",
            "link": link,
            "expires": newsroom_time.when(link.expires_at),
            "url": previews.link_url(link, token) if token else None,
            "add_url": reverse("admin:articles_previewlink_add") + f"?article={link.article_id}",
        }
        response = TemplateResponse(request, "admin/articles/previewlink/made.html", context)
        response["Referrer-Policy"] = "no-referrer"
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        link = self.get_object(request, unquote(object_id))
        can_revoke = (
            link is not None
            and link.state == PreviewLink.State.ACTIVE
            and previews.may_revoke(request.user, link)
        )
        extra_context = {**(extra_context or {}), "can_revoke": can_revoke}
        return super().change_view(request, object_id, form_url, extra_context)

    def revoke_view(self, request, object_id):
        """The "Revoke" button of a link's page: the link stops, its record stays."""
        link = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not previews.may_revoke(request.user, link):
            raise PermissionDenied
        previews.revoke(link, request.user)
        message = f"The preview link to “{link.article}” is revoked: it no longer opens it."
        self.message_user(request, message, messages.SUCCESS)
        return redirect("admin:articles_previewlink_change", link.pk)

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

    @admin.display(description="made", ordering="created_at")
    def made(self, link):
        return _when(link.created_at)

    @admin.display(description="expires", ordering="expires_at")
    def expires(self, link):
        return _when(link.expires_at)

    @admin.display(description="last opened", ordering="last_opened_at")
    def last_opened(self, link):
        return _when(link.last_opened_at)

    @admin.display(description="revoked", ordering="revoked_at")
    def revoked(self, link):
        return _when(link.revoked_at)
