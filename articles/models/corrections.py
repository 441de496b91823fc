"""Corrections and updates readers see.

An editor saving a published article says what the change is: silent (a typo, nothing
shown), an update (a new "Updated" time, an optional note) or a correction (a new
"Updated" time and a note, which also goes on /corrections/). `Article.revised_at` is
the time readers see; each note keeps the revision it came with, so the desk can see
exactly what changed.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .. import pagecache
from .articles import Article
from .revisions import ArticleRevision


class ChangeNoteQuerySet(models.QuerySet):
    def public(self):
        """Notes readers see: those of published articles."""
        return self.filter(article__in=Article.objects.published())

    def corrections(self):
        return self.filter(kind=ChangeNote.Kind.CORRECTION)

    def for_page(self):
        """Notes shown under an article, oldest first, as they happened."""
        return self.exclude(note="").order_by("created_at", "id")


class ChangeNote(models.Model):
    class Kind(models.TextChoices):
        UPDATE = "update", "Update"
        CORRECTION = "correction", "Correction"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="change_notes")
    kind = models.CharField(max_length=20, choices=Kind)
    note = models.TextField(
        blank=True,
        max_length=1000,
        help_text="Shown to readers under the article, as plain text.",
    )
    # The revision saved with the change (django-reversion): what exactly changed.
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ChangeNoteQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("kind", "-created_at"), name="changenote_kind_created_idx"),
            models.Index(fields=("article", "created_at"), name="changenote_article_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="correction") | ~models.Q(note=""),
                name="changenote_correction_has_note",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of “{self.article}”"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The box is part of the article's page; /corrections/ shows every correction.
        pagecache.invalidate(pagecache.article_page(self.article_id), "corrections")

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"{self.kind}-{self.pk}"

    def revision_url(self):
        """The desk's comparison of the revision this note came with and the one before
        it (admin History), or "" without a revision."""
        saved = getattr(self.revision, "article_revision", None) if self.revision_id else None
        if saved is None:
            return ""
        before = (
            ArticleRevision.objects.saved()
            .filter(article_id=self.article_id, pk__lt=saved.pk)
            .values_list("pk", flat=True)
            .first()
        )
        url = reverse("admin:articles_article_compare", args=[self.article_id])
        return f"{url}?{urlencode({'a': before or saved.pk, 'b': saved.pk})}"
