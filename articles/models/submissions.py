"""
"Post Your Story": the packs contributors choose from, their submissions, the
images they send and the history of each submission (what the contributor sees
on their private status page). The workflow lives in `articles/submissions.py`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from .. import images
from .articles import Article
from .categories import Category


def new_token():
    """The contributor's private key to their status page: 43 unguessable characters."""
    return secrets.token_urlsafe(32)


class PackQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Pack(models.Model):
    """A way to publish with the magazine, listed on /packs/ and chosen in the form."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(max_length=500, help_text="One or two sentences.")
    included = models.TextField(
        "what is included", blank=True, help_text="One item per line, shown as a list."
    )
    price = models.CharField(
        max_length=100,
        blank=True,
        help_text="Optional wording such as “Free” or “From €50”. No payment is taken on the site.",
    )
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    is_active = models.BooleanField(
        "active", default=True, help_text="Only active packs are listed and can be chosen."
    )

    objects = PackQuerySet.as_manager()

    class Meta:
        ordering = ("order", "name")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The form with this pack chosen."""
        return f"{reverse('articles:submit')}?pack={self.slug}"

    def included_items(self):
        return [line.strip() for line in self.included.splitlines() if line.strip()]


class SubmissionQuerySet(models.QuerySet):
    def new(self):
        """Received and not yet looked at: what the admin index counts (never spam)."""
        return self.filter(status=Submission.Status.RECEIVED)

    def not_spam(self):
        return self.exclude(status=Submission.Status.SPAM)


class Submission(models.Model):
    """A story sent by a contributor; nothing in it is public until its article is."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ACCEPTED = "accepted", "Accepted"
        PUBLISHED = "published", "Published"
        DECLINED = "declined", "Declined"
        SPAM = "spam", "Spam"

    name = models.CharField("contributor", max_length=150)
    email = models.EmailField()
    title = models.CharField(max_length=200)
    story = models.TextField(help_text="Plain text as the contributor typed it.")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, related_name="submissions"
    )
    tags = models.CharField(max_length=300, blank=True)
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, null=True, related_name="submissions")
    note = models.TextField("note to the editors", blank=True)
    rights_confirmed_at = models.DateTimeField(
        null=True, help_text="When the contributor stated they own the rights and accept the terms."
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # A random value from the form page: a double click sends it twice, stored once.
    form_token = models.CharField(max_length=64, unique=True, editable=False)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    article = models.OneToOneField(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
        help_text="The draft article made from this submission when it was accepted.",
    )
    created_at = models.DateTimeField("sent", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("status", "-created_at"), name="submission_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                Lower("title"),
                condition=~models.Q(status="spam"),
                name="submission_unique_email_title",
                violation_error_code="duplicate",
                violation_error_message=(
                    "You have already sent a story with this title. Follow it with the link "
                    "in your receipt email, or choose another title."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:submission-status", kwargs={"token": self.token})

    @property
    def can_be_edited(self):
        """The contributor may change and resend it only when an editor asked them to."""
        return self.status == self.Status.CHANGES_REQUESTED


class SubmissionImage(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="images")
    image = images.CheckedImageField(
        upload_to=images.UploadPath("submissions"),
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField("alt text", max_length=250)
    credit = models.CharField(max_length=150)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("order", "id")

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        # Re-encoded in its own format: GPS position and other metadata are dropped.
        images.store_new_upload(self, "image")
        super().save(*args, **kwargs)


class SubmissionEvent(models.Model):
    """One step in a submission's history, with the editor's message to the contributor."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Submission.Status)
    message = models.TextField(blank=True, help_text="Shown to the contributor and emailed.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor; empty when the contributor acted.",
    )

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self):
        return self.get_status_display()
