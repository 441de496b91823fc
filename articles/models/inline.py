"""
Inline feedback: questions editors attach to a passage of an article.

A passage is a body block (its stable id, see `articles.richtext`) and the exact
words within it. Readers' comments on a passage are ordinary comments carrying
the same anchor (`Comment.block_id`, `Comment.quote`); `articles.inline` checks
anchors and finds them again when the body changes.
"""

from django.db import models

from .. import pagecache
from .articles import Article

QUOTE_MAX_LENGTH = 500


class FeedbackQuestion(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="feedback_questions"
    )
    block_id = models.CharField(
        "passage",
        max_length=20,
        blank=True,
        help_text="The paragraph the question is about. Empty when an edit removed its words.",
    )
    quote = models.CharField(
        max_length=QUOTE_MAX_LENGTH,
        blank=True,
        help_text="The exact words within the paragraph; leave empty for the whole paragraph.",
    )
    question = models.CharField(
        max_length=255, help_text="Shown to readers beside the passage, e.g. “Do you agree?”"
    )
    starts_open = models.BooleanField(
        "form starts open",
        default=False,
        help_text="Show the question and its answer form open on the page, not behind a marker.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("article", "order", "id")
        verbose_name = "feedback question"
        indexes = [models.Index(fields=("article", "block_id"), name="question_article_block_idx")]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        pagecache.invalidate(pagecache.article_page(self.article_id))

    def delete(self, *args, **kwargs):
        pagecache.invalidate(pagecache.article_page(self.article_id))
        return super().delete(*args, **kwargs)

    @property
    def is_orphaned(self):
        """Its words are gone from the article: no marker until an edit brings them back."""
        return not self.block_id
