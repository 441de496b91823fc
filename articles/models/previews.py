"""Links that show a draft to someone outside the newsroom (a source, a lawyer).

A link is a random token given once to the person who made it; only its SHA-256 is
stored, so the table (or a backup of it) opens no draft, and a link is revoked or
expires by its row. The workflow (who may make one, opening it) is `articles.previews`.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

DEFAULT_HOURS = 48
MAX_HOURS = 30 * 24
DURATION_CHOICES = (
    (1, "1 hour"),
    (24, "1 day"),
    (DEFAULT_HOURS, "2 days"),
    (7 * 24, "1 week"),
    (MAX_HOURS, "30 days"),
)


def hash_token(token):
    """What is stored of a token: a fast hash is enough for 256 random bits."""
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry():
    return timezone.now() + datetime.timedelta(hours=DEFAULT_HOURS)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        """Links that open their article now: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def expired(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__lte=now or timezone.now())

    def revoked(self):
        return self.filter(revoked_at__isnull=False)

    def for_token(self, article_id, token):
        """The link of `token` to this article (any state); a token of another article
        matches nothing."""
        return self.filter(article_id=article_id, token_hash=hash_token(token))


class PreviewLink(models.Model):
    """A shared link to an article's preview at its address by id."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="preview_links",
        help_text="Whoever has the link sees this article's preview until it expires.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="made by",
    )
    created_at = models.DateTimeField("made", default=timezone.now)
    expires_at = models.DateTimeField("expires", default=default_expiry)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_opened_at = models.DateTimeField("last opened", null=True, blank=True)
    times_opened = models.PositiveIntegerField(default=0)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="preview_link_expires_after_it_is_made",
            ),
        ]

    def __str__(self):
        return f"Preview link to “{self.article}”"

    def outlived(self, now=None):
        """Whether its article was published after the link was made: a link shows a
        story before readers do, and never again once they have (taken down, archived
        or back to draft, the story stays closed to it)."""
        publish_at = self.article.publish_at
        return publish_at is not None and self.created_at < publish_at <= (now or timezone.now())

    @property
    def state(self):
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.ACTIVE
