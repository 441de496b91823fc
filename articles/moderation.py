"""
The comment moderation queue, with no third-party service.

Who waits: a comment from an email address with no approved comment yet (a
first-timer), or with more than `MAX_LINKS` links. Comments from a blocked
address go straight to spam, and their author is told the same as a held one,
so blocking cannot be probed. Editors' comments and everybody else post directly.

Every status change (approve, mark as spam, remove) goes through `set_status`,
used by the public views and the admin alike: it keeps the article's
approved-comment count exact with F() updates in the same transaction.
"""

from collections import Counter

from django.db import transaction
from django.db.models import F, Q

from . import pagecache, subscriptions
from .models import Article, BlockedEmail, Comment
from .models.comments import render_body

MAX_LINKS = 2


def is_blocked(email):
    return BlockedEmail.objects.filter(email=email.strip().lower()).exists()


def has_approved_comment(email):
    return Comment.objects.approved().filter(email=email.strip().lower()).exists()


def count_links(body_html):
    return body_html.count("<a ")


def initial_status(comment, user=None):
    """The status a new comment starts with, by the queue rules above."""
    if is_blocked(comment.email):
        return Comment.Status.SPAM
    if user is not None and user.has_perm("articles.change_comment"):
        return Comment.Status.APPROVED
    if count_links(comment.body_html) > MAX_LINKS:
        return Comment.Status.PENDING
    if not has_approved_comment(comment.email):
        return Comment.Status.PENDING
    return Comment.Status.APPROVED


def hold_reason(comment):
    """Why a comment waits, in words for its author."""
    if count_links(comment.body_html) > MAX_LINKS:
        return f"it has more than {MAX_LINKS} links"
    return "it is the first comment from your email address"


def _count_changes(rows, new_status):
    """{article_id: change of its approved count} if `rows` all took `new_status`."""
    changes = Counter()
    approved = Comment.Status.APPROVED
    for _, article_id, status in rows:
        if status != new_status:
            if new_status == approved:
                changes[article_id] += 1
            elif status == approved:
                changes[article_id] -= 1
    return changes


def set_status(comments, status, *, tell_moderators=True):
    """Give these comments a status; their articles' counts follow. Returns how many changed.

    `tell_moderators=False` when the caller sends the moderators a mail of its own (a
    comment held after readers' reports: `articles.reports`)."""
    with transaction.atomic():
        rows = list(
            Comment.objects.select_for_update()
            .filter(pk__in=comments.values("pk") if hasattr(comments, "values") else comments)
            .exclude(status=status)
            .order_by("pk")
            .values_list("pk", "article_id", "status")
        )
        if not rows:
            return 0
        Comment.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(status=status)
        pagecache.invalidate(*{pagecache.article_page(article_id) for _, article_id, _ in rows})
        for article_id, change in sorted(_count_changes(rows, status).items()):
            if change:
                Article.objects.filter(pk=article_id).update(
                    comment_count=F("comment_count") + change
                )
        # Mail (after commit): subscribers when a comment becomes approved, moderators
        # when one starts to wait. The outbox keys keep it to once per comment.
        if status == Comment.Status.APPROVED:
            subscriptions.comments_approved([pk for pk, _, _ in rows])
        elif status == Comment.Status.PENDING and tell_moderators:
            subscriptions.comments_held([pk for pk, _, _ in rows])
    return len(rows)


def approve(comments):
    return set_status(comments, Comment.Status.APPROVED)


def mark_spam(comments):
    return set_status(comments, Comment.Status.SPAM)


def remove(comments):
    return set_status(comments, Comment.Status.REMOVED)


def set_featured(comments, featured=True):
    """Make approved comments editors' picks (or picks no more); their articles' pages
    show it at once. Returns how many changed."""
    with transaction.atomic():
        changed = Comment.objects.filter(
            pk__in=comments.values("pk") if hasattr(comments, "values") else comments
        ).exclude(is_featured=featured)
        if featured:
            changed = changed.approved()
        articles = set(changed.values_list("article_id", flat=True))
        count = changed.update(is_featured=featured)
        pagecache.invalidate(*map(pagecache.article_page, articles))
    return count


def block_emails(emails, reason=""):
    """Block addresses: their future comments go to spam. Returns how many were new."""
    added = 0
    for email in {e.strip().lower() for e in emails if e}:
        _, created = BlockedEmail.objects.get_or_create(email=email, defaults={"reason": reason})
        added += created
    return added


def post(comment, user=None):
    """Save a new comment with the status the queue rules give it; count it if approved."""
    comment.body_html = render_body(comment.body)  # the link rule reads it
    comment.status = initial_status(comment, user)
    with transaction.atomic():
        comment.save()
        if comment.is_approved:
            Article.objects.filter(pk=comment.article_id).update(
                comment_count=F("comment_count") + 1
            )
            subscriptions.comments_approved([comment.pk])
        elif comment.status == Comment.Status.PENDING:
            subscriptions.comments_held([comment.pk])
    return comment


def delete(comments):
    """Delete comments and their replies for good; their articles' counts follow."""
    with transaction.atomic():
        roots = list(
            Comment.objects.filter(pk__in=comments.values("pk")).values_list("thread_id", "path")
        )
        affected = Q(pk__in=[])
        for thread_id, path in roots:
            affected |= Q(thread_id=thread_id, path=path) | Q(
                thread_id=thread_id, path__startswith=path + "/"
            )
        doomed = Comment.objects.filter(affected)
        articles = set(doomed.values_list("article_id", flat=True))
        pagecache.invalidate(*map(pagecache.article_page, articles))
        set_status(doomed, Comment.Status.REMOVED)
        deleted, _ = doomed.delete()
    return deleted
