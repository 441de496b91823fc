"""Suggested changes: a writer who may no longer edit a published story (only editors
change what readers see) suggests a change to its text; an editor compares, accepts or
declines it.

A suggestion keeps the saved version it was written against. Accepting it applies its
fields as a new revision (`publishing.save_article`; readers are told only if the
editor chooses an update or a correction) and is refused when a field it changes was
changed since that version, so that nobody's work is overwritten. The editors are
mailed of a new suggestion, the writer of the decision, through the outbox.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import corrections, publishing, revisions, richtext, roles, workflow
from .models import Article, ChangeSuggestion, SiteSettings
from .models.suggestions import SUGGESTED_FIELDS
from .tasks import queue_email, render_email

logger = logging.getLogger(__name__)

State = ChangeSuggestion.State


def may_suggest(user, article):
    """A writer on a published story: they see it read-only, and suggest instead."""
    return (
        user.is_active
        and user.is_staff
        and not roles.can_publish(user)
        and article.is_published
        and Article.objects.on_story(user).filter(pk=article.pk).exists()
    )


def may_decide(user):
    return user.is_active and roles.can_publish(user)


def pending(article):
    return article.suggestions.pending().select_related("by", "base")


def suggest(article, values, by, base_id):
    """Store a writer's change to `article`'s text (`values`: title, standfirst, body),
    against the saved version `base_id` they opened; the editors are mailed."""
    if not may_suggest(by, article):
        raise PermissionDenied("You may not suggest a change to this story.")
    base = revisions.saved_revision_of(article, base_id)
    if base is None:
        raise ValidationError(
            "This form names no saved version of the story: open it again.", code="no_base"
        )
    opened = revisions.snapshot_of(base)
    values = {**values, "body": richtext.sanitize(values.get("body", ""))}
    changed = {
        name: values[name]
        for name in SUGGESTED_FIELDS
        if not revisions.same_value(name, opened[name], values[name])
    }
    if not changed:
        raise ValidationError("You changed nothing: there is nothing to suggest.", code="same")
    with transaction.atomic():
        suggestion = ChangeSuggestion.objects.create(
            article=article, by=by, base=base, fields=changed
        )
        _mail(suggestion, _editors(by), "new")
    return suggestion


def compare(suggestion):
    """[{"name", "label", "diff"}]: each suggested field, word by word, against the
    version it was suggested to."""
    opened = revisions.snapshot_of(suggestion.base) if suggestion.base else {}
    return [
        {
            "name": name,
            "label": revisions.label(name),
            "diff": revisions.text_diff(name, opened.get(name, ""), value),
        }
        for name, value in suggestion.fields.items()
    ]


def accept(suggestion, by, kind="silent", note=""):
    """Apply a pending suggestion as a new revision; the story stays published.

    Refused (ValidationError, nothing changed) when a field it changes was changed
    since the version it was suggested to. Readers are told as `kind` says
    (`corrections`): silently unless the editor chooses an update or a correction.
    """
    _check_decision(suggestion, by)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=suggestion.article_id)
        _check_unchanged_since(suggestion, article)
        for name, value in suggestion.fields.items():
            setattr(article, name, value)
        if kind in corrections.TOLD:
            corrections.save_article(article, kind, note, by=by)
        else:
            publishing.save_article(article, by, note=_history_note(suggestion))
        _decide(suggestion, State.ACCEPTED, by, "")
    return article


def decline(suggestion, by, note=""):
    """Keep a suggestion, marked declined, with the editor's note to the writer."""
    _check_decision(suggestion, by)
    with transaction.atomic():
        _decide(suggestion, State.DECLINED, by, note.strip())


def _check_decision(suggestion, by):
    if not may_decide(by):
        raise PermissionDenied("Only editors accept or decline suggested changes.")
    if suggestion.state != State.PENDING:
        raise ValidationError(
            f"This suggestion was already {suggestion.get_state_display().lower()}.",
            code="decided",
        )


def _check_unchanged_since(suggestion, article):
    if suggestion.base is None:
        raise ValidationError(
            "The version this change was suggested to is no longer kept: make the change by hand.",
            code="no_base",
        )
    opened, now = revisions.snapshot_of(suggestion.base), revisions.snapshot(article)
    changed = [
        revisions.label(name)
        for name in suggestion.fields
        if not revisions.same_value(name, opened[name], now[name])
    ]
    if changed:
        raise ValidationError(
            f"Not accepted: {', '.join(changed)} changed since this suggestion was made. "
            "The suggestion is kept: compare it with the story and make the change by hand.",
            code="changed_since",
        )


def _decide(suggestion, state, by, note):
    suggestion.state = state
    suggestion.decided_by = by
    suggestion.decided_at = timezone.now()
    suggestion.note = note
    suggestion.save(update_fields=["state", "decided_by", "decided_at", "note"])
    writer = suggestion.by
    if writer is not None and writer.is_active and writer.email and writer.pk != by.pk:
        _mail(suggestion, [writer], state)


def _name(user, otherwise):
    return (user.get_full_name() or user.get_username()) if user else otherwise


def _history_note(suggestion):
    return f"A change suggested by {_name(suggestion.by, 'a writer')}."


def _editors(by):
    """Whoever may accept it: everyone who may publish (`workflow.editors_to_tell`)."""
    return workflow.editors_to_tell(by)


SUBJECTS = {
    "new": "A change suggested to “{title}”",
    State.ACCEPTED: "Your suggested change was accepted: “{title}”",
    State.DECLINED: "Your suggested change was declined: “{title}”",
}


def _mail(suggestion, people, event):
    article = suggestion.article
    path = reverse("admin:articles_article_change", args=[article.pk])
    context = {
        "suggestion": suggestion,
        "article": article,
        "event": str(event),
        "writer": _name(suggestion.by, "a writer"),
        "editor": _name(suggestion.decided_by, "an editor"),
        "admin_url": settings.MAGAZINE_SITE_URL.rstrip("/") + path,
        "site_name": SiteSettings.load().site_name,
    }
    text, html = render_email("articles/email/suggestion", context)
    subject = SUBJECTS[event].format(title=article.title)
    for person in people:
        try:
            queue_email(
                person.email,
                subject,
                text,
                html=html,
                key=f"suggestion:{suggestion.pk}:{event}:{person.email.strip().lower()}",
            )
        except ValidationError:
            logger.warning("Suggestion mail %s: bad address of user %s", suggestion.pk, person.pk)
