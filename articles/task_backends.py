"""
Development's task backend: Django's ImmediateBackend, run on a background thread.

With the immediate backend a task runs inside `enqueue()`, so the mail a comment
causes is sent before the reader's page is, and a mail server that accepts the
connection and never answers holds the request for EMAIL_TIMEOUT. Here `enqueue()`
only hands the task to one daemon thread per process, which runs tasks in order,
as ImmediateBackend would, and closes its database connections after each.
Production's worker (django-tasks-db, `manage.py db_worker`) is another process.

Nothing is lost if the process stops with tasks waiting: a mail's outbox row is
written in the request's transaction before its task is enqueued (articles.tasks),
and `manage.py send_queued_mail` sends what is still queued.
"""

import queue
import threading

from django.db import connections
from django.tasks.backends.immediate import ImmediateBackend

# One queue and one thread per process: Django makes a backend instance per thread.
_waiting = queue.Queue()
_worker = None
_worker_lock = threading.Lock()


def _run_tasks():
    while True:
        backend, task_result = _waiting.get()
        try:
            ImmediateBackend._execute_task(backend, task_result)
        finally:
            connections.close_all()
            _waiting.task_done()


def wait_for_tasks(timeout=None):
    """Wait until every task enqueued so far has run; False if `timeout` passed first."""
    with _waiting.all_tasks_done:
        return _waiting.all_tasks_done.wait_for(lambda: not _waiting.unfinished_tasks, timeout)


class BackgroundThreadBackend(ImmediateBackend):
    """Runs each task after `enqueue()` returns, on the process's one task thread."""

    def _execute_task(self, task_result):
        global _worker
        with _worker_lock:
            if _worker is None or not _worker.is_alive():
                _worker = threading.Thread(target=_run_tasks, name="tasks", daemon=True)
                _worker.start()
        _waiting.put((self, task_result))
