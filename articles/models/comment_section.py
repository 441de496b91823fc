"""
The comment section as one reader sees it: which threads, in which order, and what
each comment shows them (their own pending comments, their votes, their buttons).

The article page (its first threads) and "View all comments" (every thread, a keyset
page at a time) read comments only through here; templates and kept markup
(`articles.fragments`) get the comments ready, with nothing left to look up.
"""

import functools
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q

from .articles import Article
from .comments import THREAD_ORDER, Comment, CommentVote, visible_q
from .compiled import Compiled, int_slot, text_slot

# Threads started on a passage of the article ("Inline Feedbacks", ?feedback=inline).
PASSAGE_THREADS = ~Q(quote="")


def threads(article, reader, sort, feedback_only=False):
    """The article's top-level comments in the reader's chosen order.

    A removed one stays (shown as removed) while its thread has approved replies.
    """
    answered = Exists(
        Comment.objects.filter(thread=OuterRef("pk"), status=Comment.Status.APPROVED).exclude(
            pk=OuterRef("pk")
        )
    )
    removed_but_answered = Q(status=Comment.Status.REMOVED) & answered
    found = Comment.objects.filter(PASSAGE_THREADS if feedback_only else Q(), article=article)
    return (
        found.top_level()
        .filter(visible_q(reader) | removed_but_answered)
        .order_by(*THREAD_ORDER[sort])
    )


def prune_for_display(comments, reader):
    """Mark what each loaded comment shows; drop removed ones nobody replied to visibly.

    `comments` is in tree order, so children come after their parents.
    """
    kept, needed = [], set()
    for comment in reversed(comments):
        comment.shown = comment.is_approved or (
            comment.status == Comment.Status.PENDING and comment.is_by(reader)
        )
        if comment.shown or comment.pk in needed:
            kept.append(comment)
            if comment.parent_id:
                needed.add(comment.parent_id)
    kept.reverse()
    return kept


def _prepare(comments, article, reader):
    """Attach what the template shows per comment, from data already loaded.

    A known reader costs the same queries with or without comments: their votes on
    the article and their permissions are looked up either way.
    """
    by_id = {comment.pk: comment for comment in comments}
    my_votes = {}
    if reader.user or reader.token:
        my_votes = dict(
            CommentVote.objects.by_reader(reader)
            .filter(comment__article=article)
            .values_list("comment_id", "value")
        )
    is_editor = bool(reader.user) and reader.user.has_perm("articles.change_comment")
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        comment.reply_to_name = parent.name if parent is not None and parent.shown else ""
        comment.my_vote = my_votes.get(comment.pk)
        comment.changeable = comment.shown and (is_editor or comment.can_change(reader))
    return comments


# What the "staff" and "author" marks (Comment.newsroom_role) need of the commenter's
# account, as columns: no query per comment, and a query `raw()` can run.
COMMENTER_COLUMNS = {
    "commenter_is_staff": F("user__is_staff"),
    "commenter_author_id": F("user__author_profile__id"),
}


def _in_threads(comments, thread_ids, reader, sort):
    # Filtering by article too lets the database use the article's index, not scan by status.
    return comments.in_threads(thread_ids, reader, sort).annotate(**COMMENTER_COLUMNS)


def comments_in(article, thread_ids, reader, sort):
    """The comments of these threads, in order, ready to show to `reader`."""
    comments = list(_in_threads(article.comments, thread_ids, reader, sort))
    return _prepare(prune_for_display(comments, reader), article, reader)


ARTICLE, ACCOUNT, GUEST = int_slot("article", 1), int_slot("account", 2), text_slot("guest")


def _stand_in(kind):
    """A reader of this kind, with stand-in values, and the slots they fill."""
    if kind == "account":
        account = get_user_model()(pk=ACCOUNT.value)
        return SimpleNamespace(user=account, token=None, token_hash=""), (ACCOUNT,)
    if kind == "guest":
        return SimpleNamespace(user=None, token="stand-in", token_hash=GUEST.value), (GUEST,)
    return SimpleNamespace(user=None, token=None, token_hash=""), ()


def _reader_kind(reader):
    if reader.user:
        return "account", {"account": reader.user.pk}
    if reader.token:
        return "guest", {"guest": reader.token_hash}
    return "stranger", {}


@functools.cache
def _first_threads_query(kind, sort, feedback_only, limit):
    """The comments of an article's first `limit` threads, compiled once per kind of reader."""
    reader, slots = _stand_in(kind)
    article = Article(pk=ARTICLE.value)
    first = threads(article, reader, sort, feedback_only).values("pk")[:limit]
    comments = _in_threads(Comment.objects.filter(article=article), first, reader, sort)
    return Compiled.of(comments, ARTICLE, *slots)


def first_threads(article, reader, sort, feedback_only=False):
    """The comments of the article's first threads, in order, ready to show to `reader`."""
    kind, values = _reader_kind(reader)
    limit = settings.MAGAZINE_COMMENT_THREADS_ON_ARTICLE
    query = _first_threads_query(kind, sort, feedback_only, limit)
    comments = query.raw(Comment, article=article.pk, **values)
    for comment in comments:
        comment.article = article
    return _prepare(prune_for_display(comments, reader), article, reader)


# Editors' picks pinned above an article's first page of comments, newest first.
PICKS_SHOWN = 3


@functools.cache
def _picks_query():
    picks = Comment.objects.filter(
        article=Article(pk=ARTICLE.value), is_featured=True, status=Comment.Status.APPROVED
    )
    picks = picks.annotate(**COMMENTER_COLUMNS).order_by("-created_at", "-id")
    return Compiled.of(picks[:PICKS_SHOWN], ARTICLE)


def editors_picks(article):
    """The article's approved comments editors picked, ready to show to anyone."""
    picks = _picks_query().raw(Comment, article=article.pk)
    for pick in picks:
        pick.article, pick.shown = article, True
    return picks


@dataclass
class CommentSection:
    """The first threads under an article, as one reader sees them."""

    comments: list
    sort: str
    more_comments: bool  # whether "View all comments" has more to show


def comment_section(article, reader, sort, feedback_only=False):
    """The comment section under an article: its first threads, as `reader` sees them."""
    comments = first_threads(article, reader, sort, feedback_only)
    shown = sum(1 for c in comments if c.shown and c.is_approved)
    return CommentSection(comments, sort, more_comments=article.comment_count > shown)
