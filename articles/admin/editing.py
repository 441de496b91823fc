"""The article admin's editing session: history, compare, restore, autosave, presence,
and saves that merge instead of overwriting (the form's part is in editing_form.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Media
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import presence, publishing, revisions
from .bylines import byline_change_refused
from .editing_form import editing_form, plain_form_value, revision_number

# Posted keys that are not the article's content.
NOT_CONTENT = ("csrfmiddlewaretoken", "revision_base", "_save", "_continue", "_addanother")
HISTORY_PAGE = 100


class ArticleEditingMixin:
    """First base of ArticleAdmin."""

    @property
    def media(self):
        return super().media + Media(
            js=("articles/js/editing.js",), css={"all": ("articles/css/editing.css",)}
        )

    # The change form.

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if not change or obj is None:
            return form_class
        autosave = None
        wanted = revision_number(request.GET.get("autosave"))
        if request.method == "GET" and wanted is not None:
            autosave = (
                revisions.history(obj)
                .autosaves()
                .filter(pk=wanted, revision__user=request.user)
                .first()
            )
        opened_on = revisions.ensure_version(obj) if request.method == "GET" else None
        return editing_form(form_class, opened_on=opened_on, autosave=autosave)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if obj is not None:  # a failed save's page autosaves and beats too
            context.update(self._editing_context(request, obj))
        return super().change_view(request, object_id, form_url, context)

    def _editing_context(self, request, obj):
        offer = None
        if request.method == "GET" and "autosave" not in request.GET:
            offer = revisions.autosave_offer(obj, request.user)
        presence.beat(obj.pk, request.user)
        return {
            "autosave_offer": offer,
            "also_open": presence.describe(presence.others(obj.pk, request.user)),
            "editing_urls": self._editing_urls(obj),
            "editing_seconds": {
                "autosave": settings.MAGAZINE_AUTOSAVE_SECONDS,
                "presence": settings.MAGAZINE_PRESENCE_SECONDS,
            },
        }

    def _editing_urls(self, obj):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        return {
            "autosave": reverse(f"{name}_autosave", args=[obj.pk]),
            "presence": reverse(f"{name}_presence", args=[obj.pk]),
            "history": reverse(f"{name}_history", args=[obj.pk]),
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The revision recorded on saving the article learns its new tags and agencies.
        revisions.amend_relations(form.instance)

    # The list: who else has an article open.

    def get_list_display(self, request):
        def open_now(article):
            people = presence.others(article.pk, request.user)
            return format_html('<span class="also-open">{}</span>', presence.describe(people))

        open_now.short_description = "open now"
        return (*super().get_list_display(request), open_now)

    # Revisions: history, compare, restore; autosave and heartbeat endpoints.

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/autosave/", view(self.autosave_view), name=f"{name}_autosave"),
            path("<path:object_id>/presence/", view(self.presence_view), name=f"{name}_presence"),
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name=f"{name}_compare",
            ),
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                view(self.restore_view),
                name=f"{name}_restore",
            ),
            *super().get_urls(),
        ]

    def _article(self, request, object_id, change=False):
        """The article if this person may see it (404 otherwise), and change it if asked."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such article.")
        allowed = self.has_change_permission if change else self.has_view_or_change_permission
        if not allowed(request, obj):
            raise PermissionDenied
        return obj

    def _revision(self, obj, revision_id):
        saved = revisions.history(obj).filter(pk=revision_id).first()
        if saved is None:
            raise Http404("No such revision of this article.")
        return saved

    def history_view(self, request, object_id, extra_context=None):
        obj = self._article(request, object_id)
        page = Paginator(revisions.history(obj), HISTORY_PAGE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "revision_list": page.object_list,
            "page_obj": page,
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def compare_view(self, request, object_id):
        obj = self._article(request, object_id)
        older_id, newer_id = request.GET.get("a", ""), request.GET.get("b", "live")
        older_id, newer_id = (
            revision_number(older_id),
            newer_id == "live" or revision_number(newer_id),
        )
        if older_id is None or newer_id is None:
            return HttpResponseBadRequest("Choose two revisions to compare.")
        older = self._revision(obj, older_id)
        newer = None if newer_id is True else self._revision(obj, newer_id)
        if newer is not None and newer.pk < older.pk:
            older, newer = newer, older
        after = revisions.snapshot(obj) if newer is None else revisions.snapshot_of(newer)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare revisions: {obj}",
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "older": older,
            "newer": newer,
            "changes": revisions.compare(revisions.snapshot_of(older), after),
            "can_restore": self.has_change_permission(request, obj),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        obj = self._article(request, object_id, change=True)
        saved = self._revision(obj, revision_id)
        if request.method != "POST":
            return redirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_compare", args=[obj.pk]
                )
                + f"?a={saved.pk}&b=live"
            )
        values = revisions.snapshot_of(saved)
        refused = byline_change_refused(request.user, obj, values["author"], values["bylines"])
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return redirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk]
                )
            )
        publishing.restore(obj, saved, by=request.user)
        when = timezone.localtime(saved.created_at).strftime("%-d %B %Y, %H:%M")
        self.message_user(request, f"Restored the revision of {when} as a new revision.")
        return redirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk])
        )

    @staticmethod
    def _typed(request):
        return {k: request.POST.getlist(k) for k in sorted(request.POST) if k not in NOT_CONTENT}

    def autosave_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "Autosave takes a POST.")
        obj = self._article(request, object_id, change=True)
        form = super().get_form(request, obj, change=True)(request.POST, instance=obj)
        if not form.fields.keys() & request.POST.keys():
            return HttpResponseBadRequest("Nothing to autosave: this is not the article's form.")
        base = request.POST.get("revision_base", "")
        if base and revisions.saved_revision_of(obj, revision_number(base)) is None:
            return HttpResponseBadRequest("The form names no version of this article: reload it.")
        form.is_valid()  # puts the valid fields on `obj`, which is not saved
        cleaned = getattr(form, "cleaned_data", {})
        saved = revisions.autosave(
            obj,
            self._typed(request),
            request.user,
            base=revision_number(base),
            tags=plain_form_value(cleaned["tags"]) if "tags" in cleaned else None,
            agencies=plain_form_value(cleaned["agencies"]) if "agencies" in cleaned else None,
        )
        return JsonResponse({"saved": saved is not None, "at": saved and saved.created_at})

    def presence_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "The heartbeat takes a POST.")
        obj = self._article(request, object_id)
        presence.beat(obj.pk, request.user, editing=request.POST.get("editing") == "1")
        people = presence.others(obj.pk, request.user)
        return JsonResponse({"others": people, "text": presence.describe(people)})
