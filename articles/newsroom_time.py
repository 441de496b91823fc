"""Times as the newsroom reads them: in its own zone (settings.TIME_ZONE, set by
DJANGO_TIME_ZONE), with the zone's name, and how long until then.

Editors in several places read one clock: the newsroom's, whatever zone a request
has activated.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timeuntil


def zone_name():
    return timezone.get_default_timezone_name()


def local(value):
    return timezone.localtime(value, timezone.get_default_timezone())


def when(value):
    """“Tue 1 Dec 2026, 14:00 (Europe/Minsk)”."""
    return f"{date_format(local(value), 'D j M Y, H:i')} ({zone_name()})"


def time_left(value, now=None):
    """“in 3 hours”, “in 2 days, 4 hours”; “now” once it has come."""
    now = now or timezone.now()
    if value <= now:
        return "now"
    return f"in {timeuntil(value, now, depth=2)}"
