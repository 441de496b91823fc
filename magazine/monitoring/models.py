"""The mail worker's heartbeat: one row per worker process, renewed while it runs."""

from django.db import models
from django.db.models import Max


class WorkerHeartbeatQuerySet(models.QuerySet):
    def last_beat(self):
        """When any worker last showed it was alive (None: no worker has ever run)."""
        return self.aggregate(last=Max("beat_at"))["last"]


class WorkerHeartbeat(models.Model):
    worker = models.CharField(
        max_length=200, unique=True, help_text="The worker process: host name and process id."
    )
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(
        db_index=True, help_text="The last time the worker was alive and not stuck on a task."
    )

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        ordering = ("-beat_at",)
        verbose_name = "mail worker heartbeat"

    def __str__(self):
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
