"""A writer's suggested change to a published story, for an editor to accept or
decline (`articles.suggestions`). It keeps the saved version it was written against,
so that accepting it never overwrites what changed since."""

from django.conf import settings
from django.db import models
from django.utils import timezone

# What a writer may suggest: the story's text.
SUGGESTED_FIELDS = ("title", "standfirst", "body")


class ChangeSuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ChangeSuggestion.State.PENDING)


class ChangeSuggestion(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an editor"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="suggestions"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="suggested by",
    )
    created_at = models.DateTimeField("suggested", default=timezone.now)
    base = models.ForeignKey(
        "articles.ArticleRevision",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text="The saved version the writer suggested the change to.",
    )
    fields = models.JSONField(help_text="The fields it changes, with their new values.")
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="The editor's word to the writer.")

    objects = ChangeSuggestionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("article", "state"), name="suggestion_article_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="pending", decided_at__isnull=True)
                | (~models.Q(state="pending") & models.Q(decided_at__isnull=False)),
                name="suggestion_decided_when_not_pending",
            ),
        ]

    def __str__(self):
        return f"Suggested change to “{self.article}”"
