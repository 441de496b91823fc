"""
Email subscriptions: subscribing, confirming, unsubscribing, and who gets which mail.

- Guests confirm by a signed link (valid `CONFIRM_MAX_AGE`); a signed-in reader
  subscribing their account's address needs no confirmation.
- A subscribe request does the same thing, visibly, for a known and an unknown
  address: one mail to the address (a link to confirm, or "you already follow
  this"), and the same answer on the page, so nobody can probe who follows what.
- When a comment becomes approved (`comments_approved`, called by
  `articles.moderation`), each confirmed subscriber of the article's follow-up
  comments, of replies to the parent comment's author, or of replies to the
  parent comment gets one mail, never its own author. A comment waiting for
  moderation (`comments_held`) is announced to the editors in
  MAGAZINE_MODERATION_EMAILS and the article's author.

Mails are built by this module's tasks and sent through the outbox (`articles.tasks`),
after the commit.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from . import tasks
from .models import Article, Comment, Subscription
from .ratelimit import Rule, allowed

CONFIRM_SALT = "articles.subscriptions.confirm"
CONFIRM_MAX_AGE = timedelta(days=7)
# Subscribe requests (each may send a mail): per address, and per client IP hash.
ADDRESS_RULE = Rule(limit=5, period=3600)
IP_RULE = Rule(limit=20, period=3600)
# When one comment matches several subscriptions of a reader, the mail names the
# most specific one (and its unsubscribe link stops that one).
SPECIFICITY = {
    Subscription.Kind.COMMENT: 0,
    Subscription.Kind.MY_COMMENTS: 1,
    Subscription.Kind.ARTICLE: 2,
}


def site_url(path):
    return settings.MAGAZINE_SITE_URL + path


def confirm_token(subscription):
    """The signed, dated secret in a confirmation link."""
    return signing.dumps(subscription.token, salt=CONFIRM_SALT)


def from_confirm_token(value):
    """The subscription a confirmation link is for; raises `signing.BadSignature`
    (`SignatureExpired` after CONFIRM_MAX_AGE) for a bad or old link."""
    token = signing.loads(value, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    return Subscription.objects.select_related("article").filter(token=token).first()


def links(subscription):
    return {
        "unsubscribe_url": site_url(reverse("articles:unsubscribe", args=[subscription.token])),
        "one_click_url": site_url(
            reverse("articles:unsubscribe-one-click", args=[subscription.token])
        ),
        "manage_url": site_url(reverse("articles:subscriptions", args=[subscription.token])),
    }


def is_verified(user, email):
    """An active account's own address counts as verified."""
    return (
        user is not None
        and user.is_active
        and bool(user.email)
        and user.email.strip().lower() == email.strip().lower()
    )


# --- Readers' actions ----------------------------------------------------------------


def request_allowed(ip_hash, email):
    """Count a subscribe request; False once the address or the client asked too often."""
    checks = [(f"email:{email.strip().lower()}", ADDRESS_RULE)]
    if ip_hash:
        checks.append((f"ip:{ip_hash}", IP_RULE))
    return allowed("subscribe", checks)


def subscribe(email, kind, article, comment=None, user=None, reader_hash=""):
    """Subscribe an address; returns the subscription. Subscribing twice adds nothing.

    The subscription records its reader once: their account (`user`), or a guest's
    token hash (`reader_hash`); an account that subscribes later takes it over.
    A verified address is confirmed at once and gets no mail. Otherwise the address
    gets one mail: a link to confirm, or, when it already follows this, a reminder
    with its manage link.
    """
    email = email.strip().lower()
    identity = {"email": email, "kind": kind, "article": article, "comment": comment}
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(**identity).first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(**identity)
            except IntegrityError:  # subscribed concurrently
                subscription = Subscription.objects.select_for_update().get(**identity)
        was_active = subscription.is_active
        if user is not None and subscription.user_id is None:
            subscription.user, subscription.reader_hash = user, ""
        elif user is None and not (subscription.user_id or subscription.reader_hash):
            subscription.reader_hash = reader_hash
        if is_verified(user, email):
            if not was_active:
                subscription.confirmed_at = timezone.now()
                subscription.unsubscribed_at = None
            subscription.save()
            return subscription
        if not was_active:
            # A new request, or one after unsubscribing: confirmed by the link only.
            subscription.confirmed_at = subscription.unsubscribed_at = None
        subscription.save()
        template = "already_subscribed" if was_active else "confirm"
        context = {
            "subscription": subscription,
            "article": article,
            "article_url": site_url(article.get_absolute_url()),
            "confirm_url": site_url(
                reverse("articles:subscription-confirm", args=[confirm_token(subscription)])
            ),
            "confirm_days": CONFIRM_MAX_AGE.days,
            **links(subscription),
        }
        subject = (
            f"You already follow {subscription.description}"
            if was_active
            else f"Confirm: notify me of {subscription.description}"
        )
        tasks.queue_email(
            email, subject, *tasks.render_email(f"articles/email/{template}", context)
        )
    return subscription


def subscribe_to_replies(comment, user, ip_hash):
    """The comment form's "Notify me of new replies"; returns a sentence for its author."""
    if comment.status == Comment.Status.SPAM:
        pass  # a blocked address: told the same, nothing stored or sent
    elif request_allowed(ip_hash, comment.email):
        subscribe(
            comment.email,
            Subscription.Kind.COMMENT,
            comment.article,
            comment=comment,
            user=user,
            reader_hash="" if user else comment.reader_hash,
        )
    if is_verified(user, comment.email):
        return " We will email you when someone replies."
    return " To be emailed when someone replies, open the link we have sent you to confirm."


def confirm(subscription):
    if subscription.is_active:
        return False
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmed_at=timezone.now(), unsubscribed_at=None
    )
    subscription.refresh_from_db()
    return True


def unsubscribe(subscriptions):
    """Stop these subscriptions (a queryset); returns how many were active or pending."""
    return subscriptions.filter(unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())


def erase(emails):
    """Delete every subscription of these addresses (an editor's privacy action)."""
    emails = {email.strip().lower() for email in emails if email}
    deleted, _ = Subscription.objects.filter(email__in=emails).delete()
    return deleted


# --- Moderation hooks (called by articles.moderation) --------------------------------


def comments_approved(comment_ids):
    """These comments just became approved: notify their subscribers after commit."""
    for comment_id in comment_ids:
        tasks.enqueue_on_commit(notify_subscribers, comment_id)


def comments_held(comment_ids):
    """These comments now wait for moderation: tell the moderators after commit."""
    for comment_id in comment_ids:
        tasks.enqueue_on_commit(notify_moderators, comment_id)


@task
def notify_subscribers(comment_id):
    """Mail the subscribers who hear of this newly approved comment."""
    with transaction.atomic():
        return send_notifications(comment_id)


@task
def notify_moderators(comment_id):
    """Mail editors and the article's author about a comment waiting for moderation."""
    with transaction.atomic():
        return send_moderation_requests(comment_id)


# --- Who gets what -------------------------------------------------------------------


def recipients_for(comment):
    """{email: subscription} of everyone to tell about this approved comment, one each."""
    wanted = Q(kind=Subscription.Kind.ARTICLE, article_id=comment.article_id)
    parent = comment.parent
    if parent is not None:
        parent_author = Q(email=parent.email)
        if parent.user_id:
            parent_author |= Q(user_id=parent.user_id)
        wanted |= Q(
            parent_author, kind=Subscription.Kind.MY_COMMENTS, article_id=comment.article_id
        )
        wanted |= Q(kind=Subscription.Kind.COMMENT, comment_id=parent.pk)
    found = Subscription.objects.active().filter(wanted).exclude(email=comment.email)
    if comment.user_id:
        found = found.exclude(user_id=comment.user_id)
        if comment.user.email:
            found = found.exclude(email=comment.user.email.strip().lower())
    chosen = {}
    for subscription in found.order_by("pk"):
        best = chosen.get(subscription.email)
        if best is None or SPECIFICITY[subscription.kind] < SPECIFICITY[best.kind]:
            chosen[subscription.email] = subscription
    return chosen


def _comment_context(comment):
    return {
        "comment": comment,
        "article": comment.article,
        "article_url": site_url(comment.article.get_absolute_url()),
        "comment_url": site_url(comment.get_absolute_url()),
    }


def send_notifications(comment_id):
    """Queue one mail per recipient of a newly approved comment; returns how many."""
    comment = (
        Comment.objects.select_related("article__category", "parent", "user")
        .filter(pk=comment_id, article__in=Article.objects.published())
        .first()
    )
    if comment is None or not comment.is_approved:
        return 0  # removed or unpublished before the task ran
    queued = 0
    for email, subscription in recipients_for(comment).items():
        context = _comment_context(comment) | links(subscription) | {"subscription": subscription}
        text, html = tasks.render_email("articles/email/new_comment", context)
        who = comment.name
        subject = (
            f"{who} replied on “{comment.article}”"
            if comment.parent_id
            else f"{who} commented on “{comment.article}”"
        )
        headers = {
            "List-Unsubscribe": f"<{context['one_click_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        }
        key = f"comment:{comment.pk}:{email}"
        queued += (
            tasks.queue_email(email, subject, text, html=html, headers=headers, key=key) is not None
        )
    return queued


def moderators_for(comment):
    emails = [email.strip().lower() for email in settings.MAGAZINE_MODERATION_EMAILS]
    author = comment.article.author
    if (
        author is not None
        and author.user is not None
        and author.user.is_active
        and author.user.email
    ):
        emails.append(author.user.email.strip().lower())
    return [email for email in dict.fromkeys(emails) if email and email != comment.email]


def send_moderation_requests(comment_id):
    """Queue a mail per moderator about a comment that waits; returns how many."""
    comment = (
        Comment.objects.select_related("article__category", "article__author__user")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.status != Comment.Status.PENDING:
        return 0  # handled before the task ran
    context = _comment_context(comment) | {
        "admin_url": site_url(reverse("admin:articles_comment_change", args=[comment.pk])),
        "queue_url": site_url(
            reverse("admin:articles_comment_changelist") + "?status__exact=pending"
        ),
    }
    text, html = tasks.render_email("articles/email/moderation", context)
    subject = f"A comment by {comment.name} on “{comment.article}” awaits moderation"
    queued = 0
    for email in moderators_for(comment):
        key = f"held:{comment.pk}:{email}"
        queued += tasks.queue_email(email, subject, text, html=html, key=key) is not None
    return queued
