"""
Site-wide values kept in the shared cache until an editor changes them, read once per
request: the category paths (URL resolution asks, then the view), the categories and
the menu, the site settings. Each read is a file read and an unpickle (a round trip
with Redis), and a page asked for them eight times.

Only inside a request is a value remembered, and only until the request ends: a
management command or the mail worker reads the shared cache each time. `forget`
drops a value at once and again once the transaction commits, so that what another
process read before the commit is not kept after it; the request that changed it
computes it anew on each read, and stores nothing its transaction may yet undo.
"""

from asgiref.local import Local
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

_current = Local()
_CHANGED_HERE = object()


def get_or_set(key, compute):
    """The shared value under `key`, `compute()` stored there when it is missing."""
    read = getattr(_current, "read", None)
    if read is None:
        return cache.get_or_set(key, compute, None)
    if read.get(key) is _CHANGED_HERE:
        return compute()
    if key not in read:
        read[key] = cache.get_or_set(key, compute, None)
    return read[key]


def forget(*keys):
    """The values under `keys` are read anew: by this request now, by every process
    once the current transaction commits."""
    cache.delete_many(keys)
    read = getattr(_current, "read", None)
    if read is not None:
        read.update(dict.fromkeys(keys, _CHANGED_HERE))
    transaction.on_commit(lambda: cache.delete_many(keys))


def _request_started(**kwargs):
    _current.read = {}


def _request_finished(**kwargs):
    _current.read = None


request_started.connect(_request_started, dispatch_uid="shared-values-start")
request_finished.connect(_request_finished, dispatch_uid="shared-values-end")
