"""
Readers report abusive comments, as wpDiscuz lets them: a reason and a note, once per
reader and comment (the model's constraint), within rate limits.

When readers from enough different networks (`MAGAZINE_REPORTS_TO_HOLD`, 3 by default)
have reported an approved comment, it goes back to the moderation queue, leaving the
public pages at once (`moderation.set_status` bumps their versions), and the moderators
get a mail through the outbox (`tasks.queue_email`: stored with the hold, retried until
sent). Counting networks, not reports, keeps one person clearing their cookies from
hiding a comment alone; an editor who approves it again has the last word.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from . import moderation, subscriptions, tasks
from .comments import TooFast
from .models import Comment, CommentReport
from .ratelimit import Rule, allowed

REPORT_RULES = (Rule(limit=5, period=600), Rule(limit=30, period=86400))


class AlreadyReported(Exception):
    """This reader reported this comment before."""


def reports_to_hold():
    """How many networks' reports send a comment back to moderation."""
    return settings.MAGAZINE_REPORTS_TO_HOLD


def report_comment(comment, reader, reason, note, ip_hash, address_hash):
    """Store `reader`'s report of `comment`; hold the comment once enough networks have.

    Raises TooFast past the rate limits and AlreadyReported for a second report. Returns
    whether this report sent the comment back to moderation.
    """
    checks = [(identity, rule) for rule in REPORT_RULES for identity in (reader.key, ip_hash)]
    if not allowed("report", checks):
        raise TooFast(REPORT_RULES[0].period)
    report = CommentReport(
        comment=comment,
        **CommentReport.written_by(reader),
        reason=reason,
        note=note,
        address_hash=address_hash,
    )
    try:
        with transaction.atomic():
            report.save()
            return _hold_if_reported_enough(comment)
    except IntegrityError:
        raise AlreadyReported from None


def _hold_if_reported_enough(comment):
    # Held when the count reaches the mark, not above it: an editor who approves the
    # comment again has the last word.
    networks = comment.reports.values("address_hash").distinct().count()
    if networks != reports_to_hold():
        return False
    if not moderation.set_status([comment.pk], Comment.Status.PENDING, tell_moderators=False):
        return False  # not approved (any more): nothing to hold
    tell_moderators(comment)
    return True


def tell_moderators(comment):
    """Queue a mail per moderator about a comment readers' reports sent back to them."""
    comment = Comment.objects.select_related("article__category", "article__author__user").get(
        pk=comment.pk
    )
    reports = list(comment.reports.order_by("created_at"))
    context = {
        "comment": comment,
        "article": comment.article,
        "reports": reports,
        "article_url": subscriptions.site_url(comment.article.get_absolute_url()),
        "admin_url": subscriptions.site_url(
            reverse("admin:articles_comment_change", args=[comment.pk])
        ),
    }
    text, html = tasks.render_email("articles/email/reported", context)
    subject = f"Readers reported a comment by {comment.name} on “{comment.article}”"
    for email in subscriptions.moderators_for(comment):
        key = f"reported:{comment.pk}:{email}"
        tasks.queue_email(email, subject, text, html=html, key=key)
