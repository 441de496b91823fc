"""
Readiness: can this server serve the site? Each check returns "" when all is well or
a short reason; `/readyz` answers 503 naming every part that failed.

A check never raises: whatever goes wrong (a refused connection, a full disk) is the
answer; it names hosts and paths, so it goes to the log and to whoever may read
/metrics, while others are told only which part failed (views.py). The checks that
write run at most once a second per process, so probing often costs nothing more. Migrations, once all applied, stay applied for the life of the process (new
migrations come with new code, hence a restart), so that check then costs nothing.
"""

import os
import secrets
import tempfile
import time

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from . import worker

_migrations_applied = False
# The checks that write (to the cache, to the media folder) run at most once a second in
# each process, whoever asks and however often: {name: (when, reason)}.
WRITE_CHECK_SECONDS = 1.0
_recent_writes = {}
# What a check that needs the database says while the database is unavailable.
NOT_CHECKED = "not checked: the database is unavailable"


def _describe(error):
    return f"{type(error).__name__}: {error}".strip()[:300]


def check_database():
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return _describe(error)
    return ""


def check_cache():
    """The shared cache keeps and returns a value (page versions and rate limits live there)."""
    key, value = "readyz:" + secrets.token_hex(8), secrets.token_hex(8)
    try:
        cache = caches["default"]
        cache.set(key, value, 10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as error:
        return _describe(error)
    return "" if found == value else "a value written to the cache could not be read back"


def check_migrations():
    global _migrations_applied
    if _migrations_applied:
        return ""
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return _describe(error)
    if plan:
        return f"{len(plan)} not applied (run `manage.py migrate`)"
    _migrations_applied = True
    return ""


def check_media():
    """Uploads can be written: a file is created in MEDIA_ROOT and removed."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return ""  # object storage: its own service watches it
    try:
        # A folder not made yet is made by the first upload, as Django's storage does.
        os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.MEDIA_ROOT, prefix=".readyz-") as probe:
            probe.write(b"ok")
            probe.flush()
    except Exception as error:
        return _describe(error)
    return ""


def check_mail_worker():
    try:
        return worker.mail_status().problem()
    except Exception as error:
        return _describe(error)


def at_most_once_a_second(name, check):
    def throttled():
        now = time.monotonic()
        when, reason = _recent_writes.get(name, (None, ""))
        if when is None or now - when >= WRITE_CHECK_SECONDS:
            reason = check()
            _recent_writes[name] = (now, reason)
        return reason

    return throttled


CHECKS = {
    "database": check_database,
    "cache": at_most_once_a_second("cache", check_cache),
    "migrations": check_migrations,
    "media": at_most_once_a_second("media", check_media),
    "mail worker": check_mail_worker,
}


def readiness(skip=()):
    """{part: reason or ""} for every check not skipped; the database first, since the
    migrations and mail worker checks cannot pass without it."""
    results = {}
    for name, check in CHECKS.items():
        if name in skip:
            continue
        if name in ("migrations", "mail worker") and results.get("database"):
            results[name] = NOT_CHECKED
            continue
        results[name] = check()
    return results


def public_reason(reason):
    """What anyone may be told about a part: not its hosts, ports, paths or errors."""
    if not reason:
        return "ok"
    return "not checked" if reason == NOT_CHECKED else "unavailable"


def failed_parts(results):
    """The parts that failed (not those left unchecked because another failed)."""
    return [part for part, reason in results.items() if reason and reason != NOT_CHECKED]
