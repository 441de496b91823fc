"""
Review: how a story goes from a writer's draft to the site, each step a named function.

As Wagtail's `WorkflowMixin` keeps approval apart from editing, these steps are the
only way a story enters or leaves review; the change form only edits it. Each step
checks who takes it (PermissionDenied), where the story is (ValidationError), moves
the status, is recorded in the story's history (`publishing.save_article`, with the
editor's note for a send-back) and queues mail through the outbox:

- writer: `submit_for_review` (a draft; whoever may publish is told), `withdraw` (only
  the story's own writers: an editor sends back with a note instead);
- editor: `approve_and_schedule`, `publish_now` (also again, for a story taken down),
  `send_back` (with a note); the writer (who started the story, and the byline's
  account) is told.

Each step locks the story's row and reads its stage afresh under the lock, so of two
steps taken at once the first wins and the second is refused.
"""

import logging
from contextlib import contextmanager

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
    return roles.can_publish(user) or Article.objects.on_story(user).filter(pk=article.pk).exists()


def _check_writer(user, article):
    if not may_edit(user, article):
        raise PermissionDenied("You may not edit this story.")


def _check_editor(user):
    if not (user.is_active and roles.can_publish(user)):
        raise PermissionDenied("Only editors can approve, publish or send back a story.")


def is_writer_of(user, article):
    """Whether `user` started the story or carries its byline: who may withdraw it."""
    return any(person.pk == user.pk for person in _writers_of(article))


def _check_own_writer(user, article):
    if not (may_edit(user, article) and is_writer_of(user, article)):
        raise PermissionDenied(
            "Only the story's writer withdraws it; an editor sends it back with a note."
        )


def _check_in(article, allowed, message):
    if article.stage not in allowed:
        raise ValidationError(message, code="wrong_stage")


@contextmanager
def _locked(article, allowed, message):
    """The story's row locked until the step is done, its stage read afresh under the
    lock and checked: a step taken a moment earlier by someone else counts."""
    with transaction.atomic():
        fresh = (
            Article.objects.select_for_update().filter(pk=article.pk).values(*LOCKED_FIELDS).get()
        )
        for field, value in fresh.items():
            setattr(article, field, value)
        _check_in(article, allowed, message)
        yield


LOCKED_FIELDS = ("status", "publish_at", "unpublish_at")


# The writer's steps.


def submit_for_review(article, by):
    """Send a draft to the editors; everyone who may publish it is mailed."""
    _check_writer(by, article)
    with _locked(article, {Status.DRAFT}, "Only a draft can be sent for review."):
        return _step(article, Status.IN_REVIEW, Kind.REVIEW, by, mail_to=editors_to_tell(by))


def withdraw(article, by):
    """Take a story back from review, to go on writing it: its own writers only."""
    _check_own_writer(by, article)
    with _locked(article, {Status.IN_REVIEW}, "Only a story in review can be withdrawn."):
        return _step(article, Status.DRAFT, Kind.WITHDRAW, by)


# The editor's steps.


def approve_and_schedule(article, when, by, unpublish_at=None):
    """Approve a story in review for publication at `when` (a time ahead), to come
    down at `unpublish_at`; None means it stays up (an older unpublish time goes)."""
    _check_editor(by)
    if when is None or when <= timezone.now():
        raise ValidationError(
            {"publish_at": "Choose a time ahead; to publish at once, use “Publish now”."},
            code="time_past",
        )
    with _locked(article, {Status.IN_REVIEW}, "Only a story in review can be approved."):
        article.check_ready_to_publish()
        article.publish_at, article.unpublish_at = when, unpublish_at
        if errors := article.clean_unpublish_time():
            raise ValidationError(errors, code="unpublish_before_publish")
        return _step(article, Status.PUBLISHED, Kind.APPROVE, by, mail_to=_writers(article, by))


def publish_now(article, by):
    """Put a story in review, scheduled or taken down on the site at once."""
    _check_editor(by)
    with _locked(
        article,
        EDITOR_STEPS["publish_now"],
        "Only a story in review, scheduled or taken down can be published from here.",
    ):
        article.check_ready_to_publish()
        article.publish_at = timezone.now()
        if article.unpublish_at is not None and article.unpublish_at <= article.publish_at:
            article.unpublish_at = None  # its time to come down had come before it went up
        return _step(article, Status.PUBLISHED, Kind.PUBLISH, by, mail_to=_writers(article, by))


def send_back(article, note, by):
    """Return a story in review (or scheduled) to its writer as a draft, with a note.

    A scheduled story loses its approved publish time: a draft has none to keep, and
    the next approval chooses one again."""
    _check_editor(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": "Say what needs changing: the writer reads this note."}, code="note_needed"
        )
    with _locked(
        article, EDITOR_STEPS["send_back"], "Only a story in review or scheduled can be sent back."
    ):
        if article.publish_at is not None and article.publish_at > timezone.now():
            article.publish_at = None
        return _step(
            article, Status.DRAFT, Kind.SEND_BACK, by, mail_to=_writers(article, by), note=note
        )


# What every step does.


def _step(article, status, kind, by, mail_to=(), note=""):
    """Inside `_locked`'s transaction: move, record, mail."""
    article.status = status
    revision = publishing.save_article(article, by, kind, note=note)
    _mail(article, revision, mail_to)
    return revision


def editors_to_tell(by):
    """Whoever may approve (`roles.can_publish`: superusers, and the publish permission
    by group or directly), active staff with an address, not `by`."""
    users = get_user_model().objects.with_perm(
        roles.PUBLISH_PERMISSION, is_active=True, include_superusers=True
    )
    return list(users.filter(is_staff=True).exclude(email="").exclude(pk=by.pk))


def _writers_of(article):
    """Who started the story and the accounts of its bylines, the lead's and the others'."""
    people = [article.created_by]
    if article.author_id and article.author.user_id:
        people.append(article.author.user)
    people += [byline.author.user for byline in article.co_bylines.select_related("author__user")]
    return [person for person in people if person is not None]


def _writers(article, by):
    """The story's people to mail: its writers and the staff put on it (`StoryMember`),
    active, with an address, not `by`."""
    members = [member.user for member in article.members.select_related("user")]
    found = {
        person.pk: person
        for person in [*_writers_of(article), *members]
        if person.is_active and person.email and person.pk != by.pk
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
        "down": newsroom_time.when(article.unpublish_at) if article.unpublish_at else "",
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
    "publish_now": {Stage.IN_REVIEW, Stage.SCHEDULED, Stage.TAKEN_DOWN},
    "send_back": {Stage.IN_REVIEW, Stage.SCHEDULED},
}
WRONG_STAGE = {
    "approve": "Only a story in review can be approved.",
    "send_back": "Only a story in review or scheduled can be sent back.",
}


def may_take(user, article, step):
    """Whether `user` is someone who takes `step` on `article` at all, whatever its stage."""
    if step in EDITOR_STEPS:
        return user.is_active and roles.can_publish(user)
    if step == "withdraw":
        return may_edit(user, article) and is_writer_of(user, article)
    return may_edit(user, article)


def available_steps(article, user):
    """The names of the steps `user` may take on `article` now, in the form's order."""
    stage = article.stage
    return [
        name
        for name, stages in {**WRITER_STEPS, **EDITOR_STEPS}.items()
        if stage in stages and may_take(user, article, name)
    ]


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
