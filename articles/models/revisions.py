"""What reversion's revisions of an article do not say themselves.

django-reversion stores each revision (who, when) and the article's fields in it
(`Version`, Django's JSON serialization, agencies as ids). This row adds what kind of
save made it (a review step too, with an editor's note), the tag names (taggit's
manager is not serialized), the other authors' ids in order (`ArticleByline` rows,
not the article's fields) and, for an autosave, the form as typed and the version
that form was opened on.
"""

import reversion
from django.db import models
from django.utils import timezone

from .articles import Article

# The fields a revision keeps: what an editor edits, not counters or rendered markup.
REVISION_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "body",
    "category",
    "author",
    "agencies",
    "image",
    "image_alt",
    "image_caption",
    "image_credit",
    "seo_title",
    "meta_description",
    "status",
    "publish_at",
    "unpublish_at",
    "comments_enabled",
    "rating_enabled",
)

reversion.register(Article, fields=REVISION_FIELDS)


class ArticleRevisionQuerySet(models.QuerySet):
    def saved(self):
        """Revisions that changed the article (autosaves only kept a form)."""
        return self.exclude(kind=ArticleRevision.Kind.AUTOSAVE)

    def autosaves(self):
        return self.filter(kind=ArticleRevision.Kind.AUTOSAVE)

    def with_versions(self):
        return self.select_related("revision__user").prefetch_related("revision__version_set")


class ArticleRevision(models.Model):
    class Kind(models.TextChoices):
        SAVE = "save", "Saved"
        AUTOSAVE = "autosave", "Autosaved"
        RESTORE = "restore", "Restored"
        PUBLISH = "publish", "Published"
        UNPUBLISH = "unpublish", "Unpublished"
        SUBMISSION = "submission", "Accepted from a submission"
        # The review steps (`articles.workflow`).
        REVIEW = "review", "Sent for review"
        WITHDRAW = "withdraw", "Withdrawn from review"
        APPROVE = "approve", "Approved and scheduled"
        SEND_BACK = "send_back", "Sent back"

    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="article_revision"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SAVE)
    tags = models.JSONField(default=list, blank=True)
    bylines = models.JSONField(
        default=list, blank=True, help_text="The other authors' ids, in their order."
    )
    form_data = models.JSONField(
        null=True, blank=True, help_text="An autosave: the change form as it was typed."
    )
    base = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="An autosave: the saved version its form was opened on.",
    )
    note = models.TextField(
        blank=True, default="", help_text="A review step: what the editor asked the writer."
    )
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ArticleRevisionQuerySet.as_manager()

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=("article", "kind", "-id"), name="revision_article_kind_idx"),
            models.Index(fields=("kind", "created_at"), name="revision_kind_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.article_id} #{self.pk}"

    @property
    def version(self):
        """The article's stored fields (reversion's `Version`) in this revision."""
        return next(iter(self.revision.version_set.all()), None)
