"""
django-tasks-db's `db_worker`, with a heartbeat: this app comes before django_tasks_db
in INSTALLED_APPS, so `manage.py db_worker` (and `make worker`) runs this one.

A thread renews the worker's heartbeat (magazine/monitoring/worker.py) every
MAGAZINE_WORKER_HEARTBEAT_SECONDS, except while one task has run for longer than
MAGAZINE_WORKER_TASK_SECONDS: a worker stuck on a task sends no mail either.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from magazine.monitoring import worker

logger = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    def __init__(self):
        super().__init__(name="heartbeat", daemon=True)
        self.stopping = threading.Event()
        self.task_started_at = None
        self.name_of_worker = worker.worker_name()
        self.started_at = timezone.now()

    def task_started(self, **kwargs):
        self.task_started_at = time.monotonic()

    def task_finished(self, **kwargs):
        self.task_started_at = None

    def stuck(self):
        started = self.task_started_at
        return (
            started is not None
            and time.monotonic() - started > settings.MAGAZINE_WORKER_TASK_SECONDS
        )

    def run(self):
        try:
            worker.forget_old_workers()
        except Exception:
            logger.exception("Could not remove the heartbeats of old workers.")
        while True:
            if not self.stuck():
                try:
                    worker.beat(self.name_of_worker, self.started_at)
                except Exception:
                    logger.exception("Could not record the mail worker's heartbeat.")
                finally:
                    connections.close_all()  # this thread's own connections
            if self.stopping.wait(settings.MAGAZINE_WORKER_HEARTBEAT_SECONDS):
                return

    def stop(self):
        self.stopping.set()
        self.join(5)


class Command(db_worker.Command):
    help = "Run the database task worker (sends the outbox's mail), recording a heartbeat."

    def handle(self, *args, **options):
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only watches files; its child is the worker.
            return super().handle(*args, **options)
        heartbeat = Heartbeat()
        task_started.connect(heartbeat.task_started, weak=False)
        task_finished.connect(heartbeat.task_finished, weak=False)
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
            task_started.disconnect(heartbeat.task_started)
            task_finished.disconnect(heartbeat.task_finished)
