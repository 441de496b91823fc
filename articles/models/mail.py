"""
The outbox: every email the site sends is a row here before it is a task.

A row is written in the transaction that decided to send the mail, and its
`key` is unique, so asking twice for the same mail (one notification per
recipient and comment) stores it once. `articles.tasks.send_email` claims a
row before sending and marks it sent afterwards, so a duplicated or retried
task never sends it twice.
"""

import uuid

from django.db import models
from django.utils import timezone


def new_key():
    return uuid.uuid4().hex


class OutgoingMailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Queued mails whose next attempt time has come (see `send_queued_mail`)."""
        return self.filter(
            status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        )


class OutgoingMail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(
        max_length=200,
        unique=True,
        default=new_key,
        help_text="What this mail is, e.g. “comment:12:ann@example.com”: the same mail is never stored twice.",
    )
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "outgoing email"
        verbose_name_plural = "outgoing emails"
        indexes = [models.Index(fields=("status", "next_attempt_at"), name="mail_status_next_idx")]

    def __str__(self):
        return f"{self.subject} → {self.to}"
