"""
Is mail being sent? The mail worker (`manage.py db_worker`, see the command of this app)
renews its heartbeat every MAGAZINE_WORKER_HEARTBEAT_SECONDS while it is alive and not
stuck on one task. Mail is not being sent when the heartbeat is older than
MAGAZINE_WORKER_STALE_SECONDS, or when a queued mail has been due for longer than
MAGAZINE_MAIL_MAX_WAIT_SECONDS (a worker that runs but cannot keep up, or a crash
between a commit and its enqueue).

Only a database task backend has a worker to watch: in development tasks run on a
thread of the web process (articles/task_backends.py), and there is nothing to notice.
"""

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from articles.models import OutgoingMail

from .models import WorkerHeartbeat

# Rows of workers gone this long are removed when a worker starts.
FORGET_AFTER = timedelta(days=7)


def worker_expected():
    """Whether mail waits for a separate worker process (a database task backend)."""
    return isinstance(task_backends["default"], DatabaseBackend)


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def beat(worker, started_at, now=None):
    """Record that `worker` is alive now."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker=worker,
        defaults={"beat_at": now},
        create_defaults={"started_at": started_at, "beat_at": now},
    )


def forget_old_workers(now=None):
    WorkerHeartbeat.objects.filter(beat_at__lt=(now or timezone.now()) - FORGET_AFTER).delete()


@dataclass(frozen=True)
class MailStatus:
    """What the admin notice, /readyz and the metrics say about sending mail."""

    expected: bool
    now: datetime
    last_beat: datetime | None = None
    oldest_due: datetime | None = None

    @property
    def beat_is_stale(self):
        stale_after = timedelta(seconds=settings.MAGAZINE_WORKER_STALE_SECONDS)
        return self.last_beat is None or self.now - self.last_beat > stale_after

    @property
    def mail_waits_too_long(self):
        limit = timedelta(seconds=settings.MAGAZINE_MAIL_MAX_WAIT_SECONDS)
        return self.oldest_due is not None and self.now - self.oldest_due > limit

    @property
    def failing(self):
        return self.expected and (self.beat_is_stale or self.mail_waits_too_long)

    @property
    def waited_seconds(self):
        """How long the oldest due mail has waited (0 when none waits)."""
        if self.oldest_due is None:
            return 0.0
        return max(0.0, (self.now - self.oldest_due).total_seconds())

    def problem(self):
        """One line for an operator, or "" while mail is being sent."""
        if not self.failing:
            return ""
        if self.last_beat is None:
            return "the mail worker has never run"
        if self.beat_is_stale:
            return f"the mail worker last ran at {timezone.localtime(self.last_beat):%Y-%m-%d %H:%M %Z}"
        return f"a queued mail has waited {duration(self.waited_seconds)}"


def duration(seconds):
    """45 seconds, 14 minutes, 3 hours: a limit may be shorter than a minute."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= 2 * size:
            count = int(seconds // size)
            return f"{count} {unit}s"
    count = int(seconds)
    return f"{count} second{'' if count == 1 else 's'}"


def mail_status(now=None):
    """The mail worker's state: the oldest due mail, and the heartbeat where a worker
    is expected (two indexed queries)."""
    now = now or timezone.now()
    oldest_due = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now
    ).aggregate(oldest=Min("next_attempt_at"))["oldest"]
    if not worker_expected():
        return MailStatus(expected=False, now=now, oldest_due=oldest_due)
    return MailStatus(
        expected=True, now=now, last_beat=WorkerHeartbeat.objects.last_beat(), oldest_due=oldest_due
    )
