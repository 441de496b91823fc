"""
The submission workflow: storing what a contributor sends, the editors' steps
(review, changes requested, declined, accepted, published) and the email that
tells the contributor about each one. Views and admin actions call these
functions; nothing here runs from a signal.

Guarantees: a submission and its files are stored in one transaction, and
files written for a transaction that fails are deleted again; the same form sent
twice stores one submission (its form token, through `StoredOnce`, the guard
comments and votes use); mail is sent only after the commit, and a mail failure is
logged, never raised.
"""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone
from django.utils.text import slugify
from taggit.utils import parse_tags

from . import media, ratelimit, revisions, richtext
from .models import Article, Author, SiteSettings, Submission, SubmissionEvent, SubmissionImage
from .models.readers import StoredOnce
from .models.submissions import new_token
from .tasks import queue_email, render_email

logger = logging.getLogger(__name__)

Status = Submission.Status
MAX_IMAGES = 3
RATE_LIMITS = (ratelimit.Rule(limit=3, period=3600), ratelimit.Rule(limit=10, period=86400))

# Which steps an editor may take from which status.
ALLOWED_FROM = {
    Status.IN_REVIEW: {Status.RECEIVED},
    Status.CHANGES_REQUESTED: {Status.RECEIVED, Status.IN_REVIEW},
    Status.DECLINED: {Status.RECEIVED, Status.IN_REVIEW, Status.CHANGES_REQUESTED},
    Status.ACCEPTED: {Status.RECEIVED, Status.IN_REVIEW, Status.CHANGES_REQUESTED},
    Status.PUBLISHED: {Status.ACCEPTED},
    Status.RECEIVED: {Status.CHANGES_REQUESTED},  # the contributor sends it again
}

# What the contributor reads at each step when the editor wrote nothing more.
EXPLANATIONS = {
    Status.RECEIVED: "We received your story. An editor will read it soon.",
    Status.IN_REVIEW: "An editor is reading your story.",
    Status.CHANGES_REQUESTED: "An editor asked for changes. Edit your story and send it again.",
    Status.ACCEPTED: "Your story was accepted and is being prepared for publication.",
    Status.PUBLISHED: "Your story is published.",
    Status.DECLINED: "We will not publish this story.",
}

SUBJECTS = {
    Status.RECEIVED: "We received your story “{title}”",
    Status.IN_REVIEW: "Your story “{title}” is in review",
    Status.CHANGES_REQUESTED: "Changes requested for your story “{title}”",
    Status.ACCEPTED: "Your story “{title}” was accepted",
    Status.PUBLISHED: "Your story “{title}” is published",
    Status.DECLINED: "About your story “{title}”",
}


class InvalidTransition(ValueError):
    """The submission is not in a status this step can start from."""


class DuplicateSubmission(Exception):
    """The same email already sent a story with this title."""


def within_rate_limits(ip_hash, email):
    """Count one submission against the sender's address and email; False when over."""
    checks = [(ip_hash, rule) for rule in RATE_LIMITS]
    checks += [(email.strip().lower(), rule) for rule in RATE_LIMITS]
    return ratelimit.allowed("submission", checks)


# Storing what the contributor sends.


@contextmanager
def _files_removed_on_failure():
    """Collect the names of files written in a block; delete them if the block fails."""
    written = []
    try:
        yield written
    except BaseException:
        _delete_files(written)
        raise


def _delete_files(names):
    for name in names:
        default_storage.delete(name)


def _save_images(submission, image_data, written):
    for order, (upload, alt, credit) in enumerate(image_data):
        image = SubmissionImage(submission=submission, image=upload, alt=alt, credit=credit)
        image.order = order
        image.save()
        written.append(image.image.name)


def receive_submission(data, image_data, ip_hash, form_token):
    """Store a new submission and its images, then send the receipt after commit.

    `data` holds the model fields from the form, `image_data` (upload, alt, credit)
    triples, all already validated. Raises DuplicateSubmission when the same email
    sent this title before; returns the earlier submission when `form_token` was
    already used (a double click, also one that raced this one to the database).
    """
    once = _stored_once(form_token)
    earlier = once.earlier()
    if earlier is not None:
        return earlier
    submission = Submission(
        **data,
        ip_hash=ip_hash,
        form_token=form_token,
        rights_confirmed_at=timezone.now(),
    )
    with _files_removed_on_failure() as written:

        def write():
            submission.save()
            _save_images(submission, image_data, written)
            _add_event(submission, Status.RECEIVED)
            return submission

        try:
            stored, created = once.store(write)
        except IntegrityError:
            if _is_duplicate(submission):
                raise DuplicateSubmission from None
            raise
        if not created:  # the other sending's story was kept, not this one's files
            _delete_files(written)
    return stored


def sent_before(form_token):
    """The submission this very form stored already (a double click, a replayed request)."""
    return _stored_once(form_token).earlier() if form_token else None


def _stored_once(form_token):
    return StoredOnce(Submission.objects.filter(form_token=form_token))


def _is_duplicate(submission):
    return (
        Submission.objects.not_spam()
        .filter(email__iexact=submission.email, title__iexact=submission.title)
        .exclude(pk=submission.pk)
        .exists()
    )


def store_spam(data, ip_hash):
    """Keep an obvious bot's submission for the record, silently: no mail, no count.

    `data` is what passed validation; the fields that did not are stored empty.
    """
    Submission.objects.create(
        **{field: data.get(field) or "" for field in ("name", "email", "title", "story", "note")},
        status=Status.SPAM,
        ip_hash=ip_hash,
        form_token=new_token(),
    )


def resubmit(submission, data, image_data):
    """The contributor's changed story, sent again from the status page.

    New images replace the previous ones; without new images the old ones stay.
    """
    with _files_removed_on_failure() as written, transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        _check_transition(locked, Status.RECEIVED)
        for field, value in data.items():
            setattr(locked, field, value)
        locked.rights_confirmed_at = timezone.now()
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            if _is_duplicate(locked):
                raise DuplicateSubmission from None
            raise
        if image_data:
            old_names = [image.image.name for image in locked.images.all()]
            locked.images.all().delete()
            _save_images(locked, image_data, written)
            transaction.on_commit(lambda: _delete_files(old_names))
        _add_event(locked, Status.RECEIVED, "Sent again with changes.")
    return locked


def delete_submissions(queryset):
    """Delete submissions and, once that is committed, their image files."""
    with transaction.atomic():
        names = list(
            SubmissionImage.objects.filter(submission__in=queryset).values_list("image", flat=True)
        )
        queryset.delete()
        transaction.on_commit(lambda: _delete_files(names))


# The editors' steps.


def _check_transition(submission, status):
    if submission.status not in ALLOWED_FROM[status]:
        raise InvalidTransition(
            f"“{submission}” is {submission.get_status_display().lower()}; "
            f"it cannot become {Status(status).label.lower()}."
        )


def _add_event(submission, status, message="", by=None):
    """Record a step, set the status, and email the contributor once it is committed."""
    submission.status = status
    Submission.objects.filter(pk=submission.pk).update(status=status, updated_at=timezone.now())
    event = SubmissionEvent.objects.create(
        submission=submission, status=status, message=message, created_by=by
    )
    transaction.on_commit(lambda: notify_contributor(submission, event))
    return event


def _step(submission, status, message="", by=None):
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        _check_transition(locked, status)
        _add_event(locked, status, message, by)
    submission.status = status
    return submission


def start_review(submission, by=None):
    return _step(submission, Status.IN_REVIEW, by=by)


def request_changes(submission, message, by=None):
    return _step(submission, Status.CHANGES_REQUESTED, message, by)


def decline_submission(submission, message, by=None):
    return _step(submission, Status.DECLINED, message, by)


def author_for(submission):
    """The contributor's author profile: the one of their earlier accepted story, or a new one."""
    earlier = (
        Submission.objects.filter(email__iexact=submission.email, article__isnull=False)
        .exclude(pk=submission.pk)
        .select_related("article__author")
        .first()
    )
    if earlier is not None:
        return earlier.article.author
    base = slugify(submission.name)[:140] or "contributor"
    slug, n = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Author.objects.create(name=submission.name, slug=slug)


def accept_submission(submission, by=None, message=""):
    """Accept a submission: make a draft article from it, linked to it, and return the article.

    The article gets the title, the story as paragraphs, the category and tags, the
    contributor as its author; the images go into the media library with their alt
    text and credit, the first one featured.
    """
    with _files_removed_on_failure() as written, transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        _check_transition(locked, Status.ACCEPTED)
        article = Article(
            title=locked.title,
            body=richtext.paragraphs_to_html(locked.story),
            category=locked.category,
            author=author_for(locked),
            status=Article.Status.DRAFT,
            created_by=by,
        )
        library = _move_images_into_library(locked, by, written)
        if library:
            article.image = library[0]
        article.save()
        article.tags.add(*parse_tags(locked.tags))
        revisions.record(article, by, revisions.Kind.SUBMISSION)
        locked.article = article
        locked.save(update_fields=["article", "updated_at"])
        _add_event(locked, Status.ACCEPTED, message, by)
    submission.status, submission.article = Status.ACCEPTED, article
    return article


def _move_images_into_library(submission, by, written):
    """Copy a submission's images into the library (the contributor keeps seeing theirs)."""
    added = []
    for sent in submission.images.all():
        with sent.image.open("rb") as f:
            content = ContentFile(f.read(), name=sent.image.name)
        image = media.add_image(content, alt=sent.alt, credit=sent.credit, uploaded_by=by)
        written.append(image.file.name)
        added.append(image)
    return added


def article_published(article, by=None):
    """Called when an article is published: its submission, if any, becomes published."""
    for submission in Submission.objects.filter(article=article, status=Status.ACCEPTED):
        message = ""
        if article.publish_at and article.publish_at > timezone.now():
            when = dateformat.format(timezone.localtime(article.publish_at), "j F Y, H:i")
            message = f"Your story is scheduled to appear on {when}."
        _step(submission, Status.PUBLISHED, message, by)


# Mail.


def status_url(submission):
    return settings.MAGAZINE_SITE_URL.rstrip("/") + submission.get_absolute_url()


def notify_contributor(submission, event):
    """Email the contributor about one step, through the outbox and a background task.

    Never raises: a failure is logged, and the outbox retries what it could not send.
    """
    context = {
        "submission": submission,
        "event": event,
        "explanation": EXPLANATIONS.get(event.status, ""),
        "status_url": status_url(submission),
        "is_receipt": event.status == Status.RECEIVED,
        "site_name": "Open Magazine",
    }
    try:
        context["site_name"] = SiteSettings.load().site_name
        queue_email(
            submission.email,
            SUBJECTS[event.status].format(title=submission.title),
            *render_email("articles/email/submission_update", context),
            key=f"submission:{submission.pk}:event:{event.pk}",
        )
    except Exception:
        logger.exception(
            "Could not email the contributor of submission %s about %s",
            submission.pk,
            event.status,
        )


# Default packs, so that /packs/ is not empty on a fresh install (a data migration step).

DEFAULT_PACKS = (
    {
        "name": "Single story",
        "slug": "single-story",
        "description": "One written story, read and edited by our editors before it is published.",
        "included": "Editing by a magazine editor\nYour name as the author\nOne featured image",
        "price": "Free",
    },
    {
        "name": "Photo story",
        "slug": "photo-story",
        "description": "A story told mostly in pictures, with a short text around them.",
        "included": "Up to three images with credits\nA short text edited by us\nYour name as the author",
        "price": "Free",
    },
    {
        "name": "Column",
        "slug": "column",
        "description": "Your opinion on a subject you know well, in your own voice.",
        "included": "Editing for length and clarity\nYour name as the columnist",
        "price": "Free",
    },
)


def load_default_packs(apps, schema_editor=None):
    Pack = apps.get_model("articles", "Pack")
    for order, pack in enumerate(DEFAULT_PACKS):
        Pack.objects.get_or_create(slug=pack["slug"], defaults={**pack, "order": order})
