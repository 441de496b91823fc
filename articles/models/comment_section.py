"""
The comment section as one reader sees it: which threads, in which order, and what
each comment shows them (their own pending comments, their votes, their buttons).

The article page (its first threads) and "View all comments" (every thread, a keyset
page at a time) read comments only through here; templates and kept markup
(`articles.fragments`) get the comments ready, with nothing left to look up.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from .comments import THREAD_ORDER, Comment, CommentVote, visible_q

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


def comments_in(article, thread_ids, reader, sort):
    """The comments of these threads, in order, ready to show to `reader`."""
    # Filtering by article too lets the database use the article's index, not scan by status.
    # Each comment's article and commenter's author profile come along: the "staff" and
    # "author" marks (Comment.newsroom_role) cost no query per comment.
    comments = list(
        article.comments.in_threads(thread_ids, reader, sort).select_related("user__author_profile")
    )
    return _prepare(prune_for_display(comments, reader), article, reader)


@dataclass
class CommentSection:
    """The first threads under an article, as one reader sees them."""

    comments: list
    sort: str
    more_comments: bool  # whether "View all comments" has more to show


def comment_section(article, reader, sort, feedback_only=False):
    """The comment section under an article: its first threads, as `reader` sees them."""
    limit = settings.MAGAZINE_COMMENT_THREADS_ON_ARTICLE
    first = threads(article, reader, sort, feedback_only).values("pk")[:limit]
    comments = comments_in(article, first, reader, sort)
    shown = sum(1 for c in comments if c.shown and c.is_approved)
    return CommentSection(comments, sort, more_comments=article.comment_count > shown)
