"""
Server errors mailed to ADMINS through the outbox, when Sentry is not set up.

Django's own AdminEmailHandler sends inside the failing request (a slow mail server
holds it) and puts the whole request in the mail: cookies, session, form fields. This
handler queues the mail in the outbox (articles/tasks.py) and says only what an admin
needs: the error, where in the code, which view and URL pattern (never the raw path,
which can hold a reader's token), and the traceback.

Throttled through the shared cache: one mail per distinct error (its type and the line
that raised it) per MAGAZINE_ERROR_MAIL_MINUTES, at most MAGAZINE_ERROR_MAILS_PER_HOUR
in all; the next mail about an error says how many like it were not mailed, and the
next mail of all how many the hourly cap held back. While the shared cache is down the
throttle counts in this process's memory. Nothing here ever raises into the request: a
failure is printed to the error log.
"""

import hashlib
import logging
import time
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

KEY_PREFIX = "error-mail:"


def signature(record):
    """What makes two errors the same: the exception's type and the line that raised it."""
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        what = f"{type(error).__module__}.{type(error).__qualname__}@{where}"
    else:
        what = f"{record.name}:{record.msg}"
    return hashlib.sha256(what.encode()).hexdigest()[:24]


# The throttle's memory when the shared cache is down (that may be the very error being
# reported): counted in this process alone, but the mail still goes.
_fallback = LocMemCache("error-mail-throttle", {"OPTIONS": {"MAX_ENTRIES": 1000}})


@dataclass(frozen=True)
class Allowance:
    send: bool
    held: int = 0  # like errors not mailed since the last mail about this one
    capped: int = 0  # errors of any kind not mailed because of the hourly cap


def may_send(key):
    """Whether a mail about the error `key` may go now (an `Allowance`)."""
    try:
        return _may_send(cache, key)
    except Exception:
        return _may_send(_fallback, key)


def _may_send(store, key):
    """One mail per error per window, at most so many an hour; what was not mailed is
    counted, to be told in the next mail (an error over the cap is mailed the next time
    it happens, not kept quiet for a window)."""
    window = settings.MAGAZINE_ERROR_MAIL_MINUTES * 60
    sent_key, held_key = f"{KEY_PREFIX}sent:{key}", f"{KEY_PREFIX}held:{key}"
    capped_key = f"{KEY_PREFIX}capped"
    if not store.add(sent_key, True, window):
        _count(store, held_key)
        return Allowance(send=False)
    hour_key = f"{KEY_PREFIX}hour:{int(time.time() // 3600)}"
    store.add(hour_key, 0, 3700)
    if store.incr(hour_key) > settings.MAGAZINE_ERROR_MAILS_PER_HOUR:
        store.delete(sent_key)
        _count(store, held_key)
        _count(store, capped_key)
        return Allowance(send=False)
    held, capped = store.get(held_key, 0), store.get(capped_key, 0)
    store.delete_many([held_key, capped_key])
    return Allowance(send=True, held=held, capped=capped)


def _count(store, key):
    store.add(key, 0, 24 * 3600)
    store.incr(key)


def describe(record, allowance):
    """(subject, body) of the mail about `record`."""
    request = getattr(record, "request", None)
    match = getattr(request, "resolver_match", None)
    view = (match.view_name or match.route) if match else "no view"
    error = record.exc_info[1] if record.exc_info else None
    status = getattr(record, "status_code", "")
    headline = f"{type(error).__name__ if error else status} in {view}"
    lines = [
        f"Server error on {settings.MAGAZINE_SITE_URL} at "
        f"{timezone.localtime():%Y-%m-%d %H:%M:%S %Z}.",
        "",
        f"View:    {view}",
        f"Pattern: {request.method if request else ''} /{match.route if match else ''}",
        f"Status:  {status}",
    ]
    if allowance.held:
        lines.append(f"{allowance.held} more like it since the last mail were not mailed.")
    if allowance.capped:
        lines.append(
            f"{allowance.capped} error{'s were' if allowance.capped > 1 else ' was'} not mailed: "
            f"the hourly cap ({settings.MAGAZINE_ERROR_MAILS_PER_HOUR}) was reached."
        )
    lines.append("")
    if record.exc_info:
        lines.append("".join(traceback.format_exception(*record.exc_info)))
    lines += [
        "",
        "Cookies, form fields and addresses are left out; the server's log has the request.",
        f"At most one mail per error every {settings.MAGAZINE_ERROR_MAIL_MINUTES} minutes "
        f"and {settings.MAGAZINE_ERROR_MAILS_PER_HOUR} an hour (MAGAZINE_ERROR_MAIL_MINUTES, "
        "MAGAZINE_ERROR_MAILS_PER_HOUR).",
    ]
    subject = " ".join(f"[Open Magazine] Server error: {headline}".split())[:200]
    return subject, "\n".join(lines)


class OutboxAdminEmailHandler(logging.Handler):
    """Queues a mail to each of ADMINS for a server error (see the module docstring)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)

    def emit(self, record):
        if settings.DEBUG or not settings.ADMINS:
            return
        # Logging is configured before the apps are loaded, the outbox's models with them.
        from articles.tasks import queue_email

        try:
            key = signature(record)
            allowance = may_send(key)
            if not allowance.send:
                return
            subject, body = describe(record, allowance)
            window = int(time.time() // (settings.MAGAZINE_ERROR_MAIL_MINUTES * 60))
            for address in settings.ADMINS:
                queue_email(address, subject, body, key=f"error:{key}:{window}:{address}")
        except Exception:
            # The database or the cache is what failed, perhaps: say so in the log.
            self.handleError(record)
