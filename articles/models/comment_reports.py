"""A reader's report of an abusive comment (wpDiscuz has one; our editors found abuse alone)."""

from django.db import models
from django.utils import timezone

from .comments import Comment
from .readers import ReaderAction, one_per_reader_constraints
from .votes import address_hash_field


class CommentReport(ReaderAction):
    """A reader's report of a comment as abusive: once per reader, with a reason."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        PERSONAL = "personal", "Shares someone's private details"
        OFF_TOPIC = "off-topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=12, choices=Reason)
    note = models.CharField(
        max_length=500, blank=True, help_text="What the reader added, if anything."
    )
    address_hash = address_hash_field()
    created_at = models.DateTimeField("reported at", default=timezone.now, editable=False)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "comment report"
        constraints = [*one_per_reader_constraints("comment", "comment_report")]

    def __str__(self):
        return f"{self.get_reason_display()} on comment {self.comment_id}"
