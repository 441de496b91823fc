"""Addresses whose comments go straight to spam (see `articles.moderation`)."""

from django.db import models


class BlockedEmail(models.Model):
    """An address whose comments go straight to spam (see `articles.moderation`)."""

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField("blocked at", auto_now_add=True)

    class Meta:
        ordering = ("email",)
        verbose_name = "blocked email address"
        verbose_name_plural = "blocked email addresses"

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
