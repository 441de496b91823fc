"""gunicorn settings for production (`make serve`); each can be overridden by its variable."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one: Django is synchronous and mostly waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that memory stays bounded.
max_requests = 5000
max_requests_jitter = 500
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Several gunicorns on one machine would collide on the default control socket path.
control_socket_disable = True


def pre_fork(server, worker):
    """Move everything the master loaded (Django, the app, its templates) out of the
    garbage collector's sight before forking: workers then neither scan it on each full
    collection, a pause of tens of milliseconds under load, nor copy the pages it lives
    on (see `gc.freeze`)."""
    gc.freeze()
