"""
What readers do with comments: post one (or a reply), edit it, delete it. Views and
the admin call these, so the rules hold wherever a comment changes:

- a new comment takes the status the moderation queue gives it (`articles.moderation`),
  is counted if approved and, when asked, subscribes its author to replies, all in one
  transaction;
- the same form sent twice (a double click, a replayed request) stores one comment:
  its idempotency key names it, and `StoredOnce` returns the first one;
- an edit that brings in more links than the queue lets through waits for an editor
  again, unless an editor made it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from . import moderation, subscriptions
from .models import Comment
from .models.readers import StoredOnce, reader_filter
from .ratelimit import Rule, allowed

POST_RULES = (Rule(limit=1, period=15), Rule(limit=20, period=3600))


class TooFast(Exception):
    """Over a rate limit: try again after `retry_after` seconds."""

    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Posted:
    comment: Comment
    again: bool = False  # the same form sent a second time: this is the first one's comment
    note: str = ""  # what became of the subscription to replies, for the author


def post_comment(comment, reader, ip_hash, *, notify_replies=False):
    """Store a new comment for `reader` (an unsaved Comment with its article, parent,
    text and idempotency key), or return the one this very form stored before.

    Raises ValidationError (code "duplicate") when the reader posted this text on the
    article already, and TooFast past the posting limits.
    """
    key = comment.idempotency_key
    once = StoredOnce(
        Comment.objects.filter(idempotency_key=key) if key else Comment.objects.none()
    )
    earlier = once.earlier()
    if earlier is not None:
        return Posted(earlier, again=True)
    if _is_duplicate(comment, reader):
        raise ValidationError("You already posted this comment here.", code="duplicate")
    checks = [(identity, rule) for rule in POST_RULES for identity in (reader.key, ip_hash)]
    if not allowed("comment", checks):
        raise TooFast(POST_RULES[0].period)
    for field, value in comment.written_by(reader).items():
        setattr(comment, field, value)
    if comment.parent is not None:
        comment.depth = comment.parent.depth + 1
    note = ""

    def write():
        nonlocal note
        # The comment, its count and its subscription are stored together or not at all.
        moderation.post(comment, user=reader.user)
        if notify_replies:
            note = subscriptions.subscribe_to_replies(comment, reader.user, ip_hash)
        return comment

    stored, created = once.store(write)
    return Posted(stored, again=not created, note=note)


def _is_duplicate(comment, reader):
    """The same text from the same person (address, account or guest token) on the article."""
    same_person = Q(email=comment.email.strip().lower())
    if reader.user or reader.token:
        same_person |= reader_filter(reader)
    return (
        Comment.objects.filter(same_person, article=comment.article, body=comment.body)
        .exclude(status=Comment.Status.REMOVED)
        .exists()
    )


def edit_comment(comment, body, user=None):
    """Change a comment's text; True when the edit sends it back to the moderation queue.

    An approved comment whose edit brings in more links than the queue lets through
    waits for an editor again, unless `user` is an editor.
    """
    comment.edit(body)
    if (
        comment.is_approved
        and moderation.count_links(comment.body_html) > moderation.MAX_LINKS
        and not (user and user.has_perm("articles.change_comment"))
    ):
        moderation.set_status([comment.pk], Comment.Status.PENDING)
        return True
    return False


def delete_comment(comment):
    """A reader deletes their comment: it shows as removed while it has replies."""
    moderation.remove([comment.pk])
