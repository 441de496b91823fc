"""
Server errors mailed to ADMINS through the outbox, when Sentry is not set up.

Django's own AdminEmailHandler sends inside the failing request (a slow mail server
holds it) and puts the whole request in the mail: cookies, session, form fields. This
handler queues the mail in the outbox (articles/tasks.py) and says only what an admin
needs: the error, where in the code, which view and URL pattern (never the raw path,
which can hold a reader's token), and the traceback.

Throttled through the shared cache: one mail per distinct error (its type and the line
that raised it) per MAGAZINE_ERROR_MAIL_MINUTES, at most MAGAZINE_ERROR_MAILS_PER_HOUR
in all; the next mail about an error says how many like it were not mailed. Nothing
here ever raises into the request: a failure is printed to the error log.
"""

import hashlib
import logging
import time
import traceback

from django.conf import settings
from django.core.cache import cache
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


def may_send(key):
    """Whether a mail about the error `key` may go now, and how many like it were held."""
    window = settings.MAGAZINE_ERROR_MAIL_MINUTES * 60
    held_key = f"{KEY_PREFIX}held:{key}"
    if not cache.add(f"{KEY_PREFIX}sent:{key}", True, window):
        cache.add(held_key, 0, 24 * 3600)
        cache.incr(held_key)
        return False, 0
    hour_key = f"{KEY_PREFIX}hour:{int(time.time() // 3600)}"
    cache.add(hour_key, 0, 3700)
    if cache.incr(hour_key) > settings.MAGAZINE_ERROR_MAILS_PER_HOUR:
        return False, 0
    held = cache.get(held_key, 0)
    cache.delete(held_key)
    return True, held


def describe(record, held):
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
    if held:
        lines.append(f"{held} more like it since the last mail were not mailed.")
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
            allowed, held = may_send(key)
            if not allowed:
                return
            subject, body = describe(record, held)
            window = int(time.time() // (settings.MAGAZINE_ERROR_MAIL_MINUTES * 60))
            for address in settings.ADMINS:
                queue_email(address, subject, body, key=f"error:{key}:{window}:{address}")
        except Exception:
            # The database or the cache is what failed, perhaps: say so in the log.
            self.handleError(record)
