"""The staff on a story beyond its byline and its creator (a co-reporter, a lawyer on
the desk, a photo editor). While a story is unpublished only its people and the
editors see it (`ArticleQuerySet.visible_to`); the rest of the newsroom does not."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class StoryMember(models.Model):
    """One staff member added to one story."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="story_memberships",
        limit_choices_to={"is_staff": True, "is_active": True},
        verbose_name="staff member",
        help_text="Sees this story, and may edit it, before it is published.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    added_at = models.DateTimeField("added", default=timezone.now, editable=False)

    class Meta:
        ordering = ("added_at", "id")
        verbose_name = "person on this story"
        verbose_name_plural = "people on this story"
        constraints = [
            models.UniqueConstraint(fields=("article", "user"), name="story_member_once_per_story"),
        ]
        indexes = [models.Index(fields=("user", "article"), name="story_member_user_idx")]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
