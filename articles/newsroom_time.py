"""Times as the newsroom reads them: in its own zone (settings.TIME_ZONE, set by
DJANGO_TIME_ZONE), with the zone's name, and how long until then.

Editors in several places read one clock: the newsroom's, whatever zone a request
has activated.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timeuntil


def zone_name():
    return timezone.get_default_timezone_name()


def local(value):
    return timezone.localtime(value, timezone.get_default_timezone())


def when(value):
    """“Tue 1 Dec 2026, 14:00 (Europe/Minsk)”; in the hour the clocks pass twice,
    with the UTC offset that tells the two apart: “(Europe/Berlin, +01:00)”."""
    moment = local(value)
    zone = zone_name()
    if _ambiguous(moment):
        zone = f"{zone}, {moment.isoformat(timespec='minutes')[-6:]}"  # “+01:00”
    return f"{date_format(moment, 'D j M Y, H:i')} ({zone})"


def _ambiguous(moment):
    """Whether the same wall-clock time comes twice in its zone (the autumn change)."""
    return moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset()


def time_left(value, now=None):
    """“in 3 hours”, “in 2 days, 4 hours”, “in under a minute”; “now” once it has come."""
    now = now or timezone.now()
    if value <= now:
        return "now"
    if value - now < datetime.timedelta(minutes=1):
        return "in under a minute"  # timeuntil would say “0 minutes”
    return f"in {timeuntil(value, now, depth=2)}"
