"""gunicorn settings for production (`make serve`); each can be overridden by its variable."""

import gc
import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one: Django is synchronous and mostly waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that memory stays bounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Probes and metrics scrapes stay out of the access log (magazine/monitoring/gunicorn_logging.py).
logger_class = "magazine.monitoring.gunicorn_logging.ProbeQuietLogger"
# Several gunicorns on one machine would collide on the default control socket path.
control_socket_disable = True

# Metrics: each worker counts in its own files, which /metrics adds up; set before the
# app is loaded (prometheus-client reads it on import). A folder of its own per server
# unless the operator names one (magazine/monitoring/multiprocess.py).
_made_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _made_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="open-magazine-metrics-")


def pre_fork(server, worker):
    """Move everything the master loaded (Django, the app, its templates) out of the
    garbage collector's sight before forking: workers then neither scan it on each full
    collection, a pause of tens of milliseconds under load, nor copy the pages it lives
    on (see `gc.freeze`)."""
    gc.freeze()


def on_starting(server):
    """Counters start from zero with the server: no files of an earlier run count."""
    # Imported here, once the folder is set: prometheus-client picks its mode on import.
    from magazine.monitoring import multiprocess

    multiprocess.start_afresh(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def child_exit(server, worker):
    """A recycled worker's counts go into the archive files, so that they still count
    and the folder holds as many files as there are workers."""
    from magazine.monitoring import multiprocess

    multiprocess.fold_dead_worker(worker.pid, os.environ["PROMETHEUS_MULTIPROC_DIR"])


def on_exit(server):
    if _made_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
