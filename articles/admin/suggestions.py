"""“Suggest a change”: the admin's pages for a writer's suggested change to a published
story (`articles.suggestions`), and an editor's compare, accept and decline.

`ArticleAdmin.get_urls` puts `extra_urls(self.admin_site.admin_view)` before its own.
Who sees which story is the article admin's own queryset, as on its change form.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from .. import suggestions
from ..models import Article, ChangeNote, ChangeSuggestion
from ..models.suggestions import SUGGESTED_FIELDS
from ..revisions import current_version

NAME = "articles_article"


BASE_UNREADABLE = (
    "We could not tell which version of the story you started from. Your text is kept: "
    "check it against the story as it is now, and send it again."
)


class SuggestionForm(forms.Form):
    """The story's text as the writer would have it."""

    base = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": BASE_UNREADABLE, "invalid": BASE_UNREADABLE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SUGGESTED_FIELDS:
            self.fields[name] = Article._meta.get_field(name).formfield()


class AcceptForm(forms.Form):
    kind = forms.ChoiceField(
        label="Readers are told",
        choices=[("silent", "Nothing (a silent change)"), *ChangeNote.Kind.choices],
        initial="silent",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note for readers", required=False, max_length=2000, widget=forms.Textarea
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Note for the writer", required=False, max_length=5000, widget=forms.Textarea
    )


def extra_urls(admin_view):
    """The suggestion pages, to go before ArticleAdmin's own patterns."""
    return [
        path("<path:object_id>/suggest/", admin_view(suggest_view), name=f"{NAME}_suggest"),
        path(
            "<path:object_id>/suggestions/<int:suggestion_id>/",
            admin_view(suggestion_view),
            name=f"{NAME}_suggestion",
        ),
        path(
            "<path:object_id>/suggestions/<int:suggestion_id>/accept/",
            admin_view(require_POST(accept_view)),
            name=f"{NAME}_suggestion_accept",
        ),
        path(
            "<path:object_id>/suggestions/<int:suggestion_id>/decline/",
            admin_view(require_POST(decline_view)),
            name=f"{NAME}_suggestion_decline",
        ),
    ]


def _model_admin():
    return admin.site.get_model_admin(Article)


def _article(request, object_id):
    """The story, if the article admin shows it to this person (404 otherwise)."""
    model_admin = _model_admin()
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404("No such article.")
    return obj


def _change_url(article):
    return reverse(f"admin:{NAME}_change", args=[article.pk])


def _context(request, article, title, **extra):
    return {
        **admin.site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": title,
        "subtitle": None,
        **extra,
    }


def suggest_view(request, object_id):
    """A writer's form: the story's title, standfirst and body, to change and send."""
    article = _article(request, object_id)
    if not suggestions.may_suggest(request.user, article):
        raise PermissionDenied
    initial = {name: getattr(article, name) for name in SUGGESTED_FIELDS}
    form = SuggestionForm(
        request.POST or None, initial={**initial, "base": current_version(article)}
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in SUGGESTED_FIELDS}
        try:
            suggestions.suggest(article, values, request.user, form.cleaned_data["base"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your suggested change is with the editors.")
            return redirect(_change_url(article))
    elif "base" in form.errors:
        # Sent again, the text is compared with the story as it is now.
        form.data = form.data.copy()
        form.data["base"] = current_version(article)
    context = _context(request, article, f"Suggest a change: {article}", form=form)
    return TemplateResponse(
        request,
        "admin/articles/article/suggest_form.html",
        context,
        status=400 if form.errors else 200,
    )


def _suggestion(request, object_id, suggestion_id):
    article = _article(request, object_id)
    suggestion = get_object_or_404(
        ChangeSuggestion.objects.select_related("by", "base", "decided_by"),
        pk=suggestion_id,
        article=article,
    )
    if not (suggestions.may_decide(request.user) or suggestion.by_id == request.user.pk):
        raise PermissionDenied
    return article, suggestion


def suggestion_view(request, object_id, suggestion_id, accept_form=None, decline_form=None):
    """The suggested change word by word, with accept and decline for an editor."""
    article, suggestion = _suggestion(request, object_id, suggestion_id)
    context = _context(
        request,
        article,
        f"Suggested change: {article}",
        suggestion=suggestion,
        changes=suggestions.compare(suggestion),
        may_decide=suggestions.may_decide(request.user)
        and suggestion.state == ChangeSuggestion.State.PENDING,
        accept_form=accept_form or AcceptForm(prefix="accept"),
        decline_form=decline_form or DeclineForm(prefix="decline"),
        forms_with_errors=[f for f in (accept_form, decline_form) if f is not None and f.errors],
    )
    status = 400 if context["forms_with_errors"] else 200
    return TemplateResponse(
        request, "admin/articles/article/suggestion.html", context, status=status
    )


def accept_view(request, object_id, suggestion_id):
    article, suggestion = _suggestion(request, object_id, suggestion_id)
    form = AcceptForm(request.POST, prefix="accept")
    if form.is_valid():
        try:
            suggestions.accept(
                suggestion, request.user, form.cleaned_data["kind"], form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The suggested change is accepted: it is on the site.")
            return redirect(_change_url(article))
    return suggestion_view(request, object_id, suggestion_id, accept_form=form)


def decline_view(request, object_id, suggestion_id):
    article, suggestion = _suggestion(request, object_id, suggestion_id)
    form = DeclineForm(request.POST, prefix="decline")
    if form.is_valid():
        try:
            suggestions.decline(suggestion, request.user, form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The suggested change is declined; the writer is told.")
            return redirect(_change_url(article))
    return suggestion_view(request, object_id, suggestion_id, decline_form=form)
