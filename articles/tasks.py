"""
Background work, through Django's Tasks framework (`django.tasks`), and the outbox.

The layer under the workflows: it imports models only. A workflow that needs work done
after the commit defines that task beside the work (`subscriptions.notify_subscribers`)
and enqueues it with `enqueue_on_commit()`.

Mail never goes out inside a reader's request: `queue_email()` stores it in the
outbox (`OutgoingMail`) in the caller's transaction and enqueues `send_email`
once that transaction commits. The backend is a setting: immediate execution
in development, django-tasks-db's `DatabaseBackend` and `manage.py db_worker`
in production (see the README).

Django does not retry tasks. `send_email` catches a failure, logs it and
enqueues itself again with a later `run_after` (exponential back-off), up to
`MAX_ATTEMPTS`; the mail is then marked failed, visible in the admin. A backend
that cannot defer (the immediate one) leaves the mail queued for
`manage.py send_queued_mail`. A failing mail server never touches the data
that caused the mail: the comment or submission committed before.
"""

import email.policy
import logging
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Waits before the 2nd, 3rd, ... attempt: 1 minute, 5 minutes, 30 minutes, 2 hours.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
SUBJECT_LENGTH = 200


class _MailPolicy(email.policy.EmailPolicy):
    """Python's default policy, except that a long List-Unsubscribe URL stays one word.

    The default folds a word longer than a line into RFC 2047 encoded words, which
    mail clients cannot read as a URL. RFC 5322 allows lines up to 998 characters.
    """

    _long_lines = email.policy.default.clone(max_line_length=998)

    def fold(self, name, value):
        if name.lower().startswith("list-unsubscribe"):
            return self._long_lines.fold(name, value)
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower().startswith("list-unsubscribe"):
            return self._long_lines.fold_binary(name, value)
        return super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy()


class OutboxMessage(EmailMultiAlternatives):
    def message(self, *, policy=MAIL_POLICY):
        return super().message(policy=policy)


def one_line(text, limit=SUBJECT_LENGTH):
    """Text safe for a mail header: no CR, LF or other line breaks, bounded length."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_email(template_name, context):
    """(plain text, HTML) from `<template_name>.txt` and `<template_name>.html`."""
    return (
        render_to_string(f"{template_name}.txt", context),
        render_to_string(f"{template_name}.html", context),
    )


def enqueue(task_, *args, run_after=None):
    return (task_.using(run_after=run_after) if run_after else task_).enqueue(*args)


def enqueue_on_commit(task_, *args, run_after=None):
    """Enqueue a task once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(enqueue, task_, *args, run_after=run_after))


def queue_email(to, subject, body, html="", *, headers=None, key=None):
    """Store a mail in the outbox and send it in the background after commit.

    `key` names the mail (e.g. "comment:12:ann@example.com"): a second call with the
    same key stores and sends nothing and returns None. Subject and address are
    checked here, so nothing a reader typed can add a header.
    """
    to = to.strip().lower()
    if "\n" in to or "\r" in to:
        raise ValidationError("An email address is one line.", code="invalid")
    validate_email(to)
    fields = {
        "to": to,
        "subject": one_line(subject),
        "body": body,
        "html": html,
        "headers": {name: one_line(value, 2000) for name, value in (headers or {}).items()},
    }
    if key:
        fields["key"] = key[:200]
    try:
        with transaction.atomic():
            mail = OutgoingMail.objects.create(**fields)
    except IntegrityError:
        if key and OutgoingMail.objects.filter(key=fields["key"]).exists():
            return None
        raise
    enqueue_on_commit(send_email, mail.pk)
    return mail


def _retry_later(mail, error):
    """After a failed attempt: queue the mail again later, or give up after MAX_ATTEMPTS."""
    backend = send_email.get_backend()
    if mail.attempts >= MAX_ATTEMPTS:
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=OutgoingMail.Status.FAILED, last_error=error
        )
        logger.error(
            "Mail %s to %s failed %s times; giving up: %s", mail.pk, mail.to, mail.attempts, error
        )
        return "failed"
    run_after = timezone.now() + BACKOFF[min(mail.attempts, len(BACKOFF)) - 1]
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.QUEUED, last_error=error, next_attempt_at=run_after
    )
    if backend.supports_defer:
        enqueue_on_commit(send_email, mail.pk, run_after=run_after)
        logger.warning(
            "Mail %s to %s failed (attempt %s), retrying after %s: %s",
            mail.pk, mail.to, mail.attempts, run_after.isoformat(), error,
        )  # fmt: skip
    else:
        logger.warning(
            "Mail %s to %s failed (attempt %s); this task backend cannot defer, so it waits "
            "for `manage.py send_queued_mail`: %s",
            mail.pk, mail.to, mail.attempts, error,
        )  # fmt: skip
    return "retry"


@task
def send_email(mail_id):
    """Send one outbox mail, at most once: claim it, send it, mark it sent."""
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"  # sent already, being sent, given up on, or erased
    mail = OutgoingMail.objects.get(pk=mail_id)
    message = OutboxMessage(mail.subject, mail.body, to=[mail.to], headers=mail.headers)
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    try:
        message.send()
    except Exception as error:  # SMTP errors, timeouts, refused connections, bad headers
        return _retry_later(mail, f"{type(error).__name__}: {error}"[:2000])
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"
