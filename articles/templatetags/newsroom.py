"""Times in templates as the newsroom reads them (`articles.newsroom_time`)."""

from django import template

from .. import newsroom_time

register = template.Library()


@register.filter
def newsroom_when(value):
    """“Tue 1 Dec 2026, 14:00 (Europe/Minsk)”; empty for no time."""
    return newsroom_time.when(value) if value else ""
