from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.models import OutgoingMail

from .. import worker

register = template.Library()


@register.simple_tag(takes_context=True)
def mail_worker_notice(context):
    """“Mail is not being sent: the worker last ran at 14:02”, for staff who may see the
    outbox, while no worker sends it (never where tasks need no worker: development)."""
    if not context["request"].user.has_perm("articles.view_outgoingmail"):
        return ""
    status = worker.mail_status()
    if not status.failing:
        return ""
    outbox = reverse("admin:articles_outgoingmail_changelist") + "?status__exact=queued"
    if status.last_beat is None:
        reason = "the worker has never run"
    elif status.beat_is_stale:
        reason = f"the worker last ran at {_when(status.last_beat)}"
    else:
        reason = f"the oldest queued mail has waited since {_when(status.oldest_due)}"
    queued = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED).count()
    return format_html(
        '<p class="mail-worker-notice" role="alert"><strong>Mail is not being sent: {}.</strong> '
        '<a href="{}">{} mail{} waiting</a>. Start the worker (<code>make worker</code>, '
        "see the README’s “Operations”).</p>",
        reason,
        outbox,
        queued,
        "" if queued == 1 else "s",
    )


def _when(moment):
    """14:02 today, “3 March 14:02” before, in the newsroom's time zone."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local.day} {local:%B %H:%M}"
