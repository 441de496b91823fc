"""
Review: how a story goes from a writer's draft to the site, each step a named function.

As Wagtail's `WorkflowMixin` keeps approval apart from editing, these steps are the
only way a story enters or leaves review; the change form only edits it. Each step
checks who takes it (PermissionDenied), where the story is (ValidationError), moves
the status, is recorded in the story's history (`publishing.save_article`, with the
editor's note for a send-back) and queues mail through the outbox:

- writer: `submit_for_review` (a draft; the editors are told), `withdraw`;
- editor: `approve_and_schedule`, `publish_now`, `send_back` (with a note); the writer
  (who started the story, and the byline's account) is told.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import newsroom_time, publishing, roles
from .models import Article, ArticleRevision, SiteSettings
from .models.scheduling import Stage
from .tasks import queue_email, render_email

logger = logging.getLogger(__name__)

Status = Article.Status
Kind = ArticleRevision.Kind


def may_edit(user, article):
    """Editors edit every story; a writer those they started or carry the byline of."""
    if not (user.is_active and user.is_staff and user.has_perm("articles.change_article")):
        return False
    return (
        roles.can_publish(user) or Article.objects.written_by(user).filter(pk=article.pk).exists()
    )


def _check_writer(user, article):
    if not may_edit(user, article):
        raise PermissionDenied("You may not edit this story.")


def _check_editor(user):
    if not (user.is_active and roles.can_publish(user)):
        raise PermissionDenied("Only editors can approve, publish or send back a story.")


def _check_in(article, allowed, message):
    if article.stage not in allowed:
        raise ValidationError(message, code="wrong_stage")


# The writer's steps.


def submit_for_review(article, by):
    """Send a draft to the editors; each active editor is mailed."""
    _check_writer(by, article)
    _check_in(article, {Status.DRAFT}, "Only a draft can be sent for review.")
    return _step(article, Status.IN_REVIEW, Kind.REVIEW, by, mail_to=_editors(by))


def withdraw(article, by):
    """Take a story back from review, to go on writing it."""
    _check_writer(by, article)
    _check_in(article, {Status.IN_REVIEW}, "Only a story in review can be withdrawn.")
    return _step(article, Status.DRAFT, Kind.WITHDRAW, by)


# The editor's steps.


def approve_and_schedule(article, when, by, unpublish_at=None):
    """Approve a story in review for publication at `when` (a time ahead)."""
    _check_editor(by)
    _check_in(article, {Status.IN_REVIEW}, "Only a story in review can be approved.")
    if when is None or when <= timezone.now():
        raise ValidationError(
            {"publish_at": "Choose a time ahead; to publish at once, use “Publish now”."},
            code="time_past",
        )
    article.check_ready_to_publish()
    article.publish_at = when
    if unpublish_at is not None:
        article.unpublish_at = unpublish_at
    if errors := article.clean_unpublish_time():
        raise ValidationError(errors, code="unpublish_before_publish")
    return _step(article, Status.PUBLISHED, Kind.APPROVE, by, mail_to=_writers(article, by))


def publish_now(article, by):
    """Put a story in review (or a scheduled one) on the site at once."""
    _check_editor(by)
    _check_in(
        article,
        {Status.IN_REVIEW, Stage.SCHEDULED},
        "Only a story in review or scheduled can be published from here.",
    )
    article.check_ready_to_publish()
    article.publish_at = timezone.now()
    if article.unpublish_at is not None and article.unpublish_at <= article.publish_at:
        article.unpublish_at = None  # its time to come down had come before it went up
    return _step(article, Status.PUBLISHED, Kind.PUBLISH, by, mail_to=_writers(article, by))


def send_back(article, note, by):
    """Return a story in review (or scheduled) to its writer as a draft, with a note."""
    _check_editor(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": "Say what needs changing: the writer reads this note."}, code="note_needed"
        )
    _check_in(
        article,
        {Status.IN_REVIEW, Stage.SCHEDULED},
        "Only a story in review or scheduled can be sent back.",
    )
    return _step(
        article, Status.DRAFT, Kind.SEND_BACK, by, mail_to=_writers(article, by), note=note
    )


# What every step does.


def _step(article, status, kind, by, mail_to=(), note=""):
    with transaction.atomic():
        article.status = status
        revision = publishing.save_article(article, by, kind, note=note)
        _mail(article, revision, mail_to)
    return revision


def _editors(by):
    """Active editors with an address, not the person taking the step."""
    users = get_user_model().objects.filter(
        groups__name=roles.EDITORS, is_active=True, is_staff=True
    )
    return list(users.exclude(email="").exclude(pk=by.pk).distinct())


def _writers(article, by):
    """Who started the story and the byline's account: active, with an address."""
    people = [article.created_by]
    if article.author_id and article.author.user_id:
        people.append(article.author.user)
    found = {
        person.pk: person
        for person in people
        if person is not None and person.is_active and person.email and person.pk != by.pk
    }
    return list(found.values())


def _mail(article, revision, people):
    if not people:
        return
    context = {
        "article": article,
        "revision": revision,
        "by": revision.revision.user,
        "note": revision.note,
        "when": newsroom_time.when(article.publish_at) if article.publish_at else "",
        "admin_url": _site_url(reverse("admin:articles_article_change", args=[article.pk])),
        "site_name": SiteSettings.load().site_name,
    }
    text, html = render_email("articles/email/review_step", context)
    subject = SUBJECTS[revision.kind].format(title=article.title)
    for person in people:
        try:
            queue_email(
                person.email,
                subject,
                text,
                html=html,
                key=f"review:{revision.pk}:{person.email.strip().lower()}",
            )
        except ValidationError:
            logger.warning(
                "Review mail for article %s: bad address of user %s", article.pk, person.pk
            )


def _site_url(path):
    return settings.MAGAZINE_SITE_URL.rstrip("/") + path


SUBJECTS = {
    Kind.REVIEW: "For review: “{title}”",
    Kind.APPROVE: "Approved and scheduled: “{title}”",
    Kind.PUBLISH: "Published: “{title}”",
    Kind.SEND_BACK: "Sent back with a note: “{title}”",
}


# What the change form offers.

WRITER_STEPS = {"submit_for_review": {Stage.DRAFT}, "withdraw": {Stage.IN_REVIEW}}
EDITOR_STEPS = {
    "approve": {Stage.IN_REVIEW},
    "publish_now": {Stage.IN_REVIEW, Stage.SCHEDULED},
    "send_back": {Stage.IN_REVIEW, Stage.SCHEDULED},
}


def available_steps(article, user):
    """The names of the steps `user` may take on `article` now, in the form's order."""
    steps = []
    if may_edit(user, article):
        steps += [name for name, stages in WRITER_STEPS.items() if article.stage in stages]
    if user.is_active and roles.can_publish(user):
        steps += [name for name, stages in EDITOR_STEPS.items() if article.stage in stages]
    return steps


def last_note(article):
    """The editor's note a draft was sent back with, while it is still a draft, or None."""
    if article.pk is None or article.status != Status.DRAFT:
        return None
    steps = (Kind.REVIEW, Kind.WITHDRAW, Kind.APPROVE, Kind.PUBLISH, Kind.SEND_BACK)
    latest = (
        ArticleRevision.objects.filter(article=article, kind__in=steps)
        .select_related("revision__user")
        .first()
    )
    return latest if latest is not None and latest.kind == Kind.SEND_BACK else None
