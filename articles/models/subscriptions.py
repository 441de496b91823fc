"""
Readers' email subscriptions: "Notify of new follow-up comments" on an article,
"new replies to my comments" on an article, and "new replies to this comment".

A subscription counts once it is confirmed and until it is unsubscribed; the
rules for who gets which mail live in `articles.subscriptions`. Who subscribed is
kept as for every reader action (`ReaderAction`): their account, or a guest's
token hash, never both.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from .articles import Article
from .comments import Comment
from .readers import ReaderAction, ReaderActionQuerySet, user_or_guest_constraint


def new_token():
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(ReaderActionQuerySet):
    def active(self):
        """Confirmed and not unsubscribed: the only ones that receive notifications."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def for_email(self, email):
        return self.filter(email=email.strip().lower())


class Subscription(ReaderAction):
    class Kind(models.TextChoices):
        ARTICLE = "article", "New follow-up comments"
        MY_COMMENTS = "my-comments", "New replies to my comments"
        COMMENT = "comment", "New replies to one comment"

    email = models.EmailField(max_length=254)
    kind = models.CharField(max_length=12, choices=Kind)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="subscriptions")
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        help_text="For “new replies to one comment” only.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account that subscribed, if the reader was signed in.",
    )
    token = models.CharField(
        max_length=64,
        unique=True,
        default=new_token,
        editable=False,
        help_text="The secret in this subscription's unsubscribe and manage links.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ("email", "-created_at")
        indexes = [
            models.Index(fields=("article", "kind"), name="subscription_article_kind_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("email", "kind", "article"),
                condition=Q(comment__isnull=True),
                name="subscription_one_per_article_kind",
            ),
            models.UniqueConstraint(
                fields=("email", "comment"),
                condition=Q(comment__isnull=False),
                name="subscription_one_per_comment",
            ),
            models.CheckConstraint(
                condition=Q(kind="comment", comment__isnull=False)
                | (~Q(kind="comment") & Q(comment__isnull=True)),
                name="subscription_comment_iff_kind_comment",
            ),
            user_or_guest_constraint("subscription"),
        ]

    def __str__(self):
        return f"{self.email}: {self.description}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def description(self):
        """What the reader follows, in words for them."""
        if self.kind == self.Kind.ARTICLE:
            return f"new comments on “{self.article}”"
        if self.kind == self.Kind.MY_COMMENTS:
            return f"new replies to your comments on “{self.article}”"
        return f"new replies to a comment on “{self.article}”"
