"""
prometheus-client's multiprocess mode, with the files of gone workers folded together.

Each gunicorn worker writes its counters to its own files in PROMETHEUS_MULTIPROC_DIR
and a scrape adds them up. gunicorn recycles workers (`max_requests`), and every dead
worker's files would stay and be read on every scrape: thousands after a few weeks.
So when a worker exits, the master adds its counts into one archive file per type and
removes its files. The sums are what they were; the files stay as many as the workers.

A scrape holds a shared lock and the fold an exclusive one, so no scrape ever sees a
worker's counts twice (in its file and the archive) or not at all: a counter that went
down would look like a restart to Prometheus.

Imports no Django: the gunicorn master runs this (gunicorn.conf.py).
"""

import contextlib
import fcntl
import glob
import os
from pathlib import Path

from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.multiprocess import mark_process_dead

# Types whose values add up across processes (gauges are computed at scrape time).
SUMMED_TYPES = ("counter", "histogram")


@contextlib.contextmanager
def _locked(path, mode):
    with open(Path(path) / ".lock", "a") as lock:
        fcntl.flock(lock, mode)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def reading(path):
    """Hold while reading the files for a scrape."""
    return _locked(path, fcntl.LOCK_SH)


def fold_dead_worker(pid, path):
    """Add a dead worker's counts into the archive files and remove its own."""
    with _locked(path, fcntl.LOCK_EX):
        for typ in SUMMED_TYPES:
            source = Path(path) / f"{typ}_{pid}.db"
            if not source.exists():
                continue
            archive = MmapedDict(str(Path(path) / f"{typ}_archive.db"))
            try:
                for key, value, timestamp, _ in MmapedDict.read_all_values_from_file(source):
                    total, _ = archive.read_value(key)
                    archive.write_value(key, total + value, timestamp)
            finally:
                archive.close()
            source.unlink()
        mark_process_dead(pid, path)


def start_afresh(path):
    """Remove the files of an earlier run: counters start from zero with the server."""
    os.makedirs(path, exist_ok=True)
    with _locked(path, fcntl.LOCK_EX):
        for name in glob.glob(os.path.join(path, "*.db")):
            os.remove(name)
