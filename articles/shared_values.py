"""
Site-wide values kept in the shared cache until an editor changes them: the category
paths (URL resolution asks, then the view), the categories and the menu, the site
settings. Each read from there is a file read and an unpickle (a round trip with
Redis), and a page asked for them eight times.

So each process keeps its own copy, under the version of "site" (articles/pagecache.py)
it read first in the request: one small read a request while nothing changed. The
shared cache holds each value under that version too (Django's cache key versions): a
worker that read the rows before an editor's change committed, and stores them after,
stores them for a version already gone. `forget` drops a value from the shared cache at
once and again once the transaction commits, then moves "site"; the request that
changed it computes it anew on each read and stores nothing its transaction may yet
undo. Outside a request (a management command, the mail worker) the version and the
shared cache are read each time.
"""

import time

from asgiref.local import Local
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

from . import pagecache

SITE = "site"
_current = Local()
_CHANGED_HERE, _UNREAD = object(), object()
_in_process = {}  # {key: (the site's version when read, value)}


def get_or_set(key, compute):
    """The shared value under `key`, `compute()` stored there when it is missing."""
    read = getattr(_current, "read", None)
    if read is None:
        version = _site_version(time.time_ns())
        return cache.get_or_set(key, compute, None, version=version)
    if read.get(key) is _CHANGED_HERE:
        return compute()
    if key not in read:
        read[key] = _kept_in_process(key, compute)
    return read[key]


def _kept_in_process(key, compute):
    # The version before the value: a value read after it is never older than it.
    version = _current.site_version
    if version is _UNREAD:
        version = _current.site_version = _site_version(_current.started)
    kept = _in_process.get(key)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    value = cache.get_or_set(key, compute, None, version=version)
    if version is not None:  # None: a cache that keeps nothing, so no version either
        _in_process[key] = (version, value)
    return value


def _site_version(started):
    # A version new to the cache is no change: older than the request, as for pages.
    return pagecache.versions([SITE], missing_value=started - 1)[SITE]


def forget(*keys):
    """The values under `keys` are read anew: by this request now, by every process
    once the current transaction commits."""
    version = _site_version(time.time_ns())
    cache.delete_many(keys, version=version)
    read = getattr(_current, "read", None)
    if read is not None:
        read.update(dict.fromkeys(keys, _CHANGED_HERE))
    transaction.on_commit(lambda: cache.delete_many(keys, version=version))
    pagecache.invalidate(SITE)  # on commit too, after the line above


def forget_in_process():
    """Drop this process's copies, as `ContentType.objects.clear_cache()` does: for tests,
    whose emptied caches and still clocks may give "site" a version seen before."""
    _in_process.clear()


def _request_started(**kwargs):
    _current.read, _current.site_version, _current.started = {}, _UNREAD, time.time_ns()


def _request_finished(**kwargs):
    _current.read = _current.site_version = None


request_started.connect(_request_started, dispatch_uid="shared-values-start")
request_finished.connect(_request_finished, dispatch_uid="shared-values-end")
