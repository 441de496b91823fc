"""
The Jinja2 environment of the public pages (templates in jinja2/; the admin and the
mails stay on Django's templates). What Django's template tags and filters gave those
pages, the same Python functions give here as globals and filters.

Lookups are as lenient as Django's: a missing variable, or an attribute of one, renders
as nothing (`ChainableUndefined`). Templates are read once per process unless DEBUG.
"""

import datetime
import functools

from django.conf import settings
from django.template import defaultfilters
from django.utils import dateformat
from django.utils.timezone import get_current_timezone, is_naive
from django.utils.translation import get_language
from jinja2 import ChainableUndefined, Environment, pass_context

from articles import addresses, markup
from articles.forms.security import form_token
from articles.templatetags.newsroom import newsroom_when


@pass_context
def url(context, name, *args):
    """`{% url %}`: the address of a named view, reversed once per process
    (articles/addresses.py); the URLconf and script prefix are read once per request."""
    return addresses.reversed_once(
        name, args, (), *_per_request(context, "_address_base", addresses.current_base)
    )


def _per_request(context, name, read):
    """read(), once per request: what only changes between requests. A render without
    one (a kept comment's markup, drawn for every reader) reads it once per render."""
    holder = context.get("request") or context
    found = getattr(holder, name, None)
    if found is None:
        found = read()
        setattr(holder, name, found)
    return found


@functools.cache
def _date_pieces(format_string):
    """((text, is a format character), ...): Django's `dateformat` splits the format
    on every call; a page uses the same three formats sixty times."""
    pieces = dateformat.re_formatchars.split(format_string)
    return tuple(
        (piece, True) if i % 2 else (dateformat.re_escaped.sub(r"\1", piece), False)
        for i, piece in enumerate(pieces)
        if piece
    )


@pass_context
def date(context, value, format_string):
    """Django's `date` filter: the time in the current zone, in Django's format. The
    zone and the language (thread-locals, slow to read) are read once per request; a
    page shows the same stories' and comments' times on every request, so each is
    formatted once per process."""
    if value in (None, ""):
        return ""
    zone, language = _per_request(context, "_date_base", _date_base)
    return _formatted(value, format_string, zone, language)


@functools.lru_cache(maxsize=8192)
def _formatted(value, format_string, zone, language):
    if isinstance(value, datetime.datetime) and settings.USE_TZ and not is_naive(value):
        value = value.astimezone(zone)  # what template_localtime() does
    if format_string == "c":
        return value.isoformat()  # what Django's "c" gives
    formatter = dateformat.DateFormat(value)
    return "".join(
        (
            _month_name(piece, value.month, language)
            if piece in "FM"
            else str(getattr(formatter, piece)())
        )
        if is_format
        else piece
        for piece, is_format in _date_pieces(format_string)
    )


def _date_base():
    return get_current_timezone(), get_language()


@functools.lru_cache(maxsize=256)
def _month_name(char, month, language):
    """The month's name (`F`) or its abbreviation (`M`) in `language`, the active one."""
    return str(getattr(dateformat.DateFormat(datetime.date(2000, month, 1)), char)())


def linebreaksbr(value):
    return defaultfilters.linebreaksbr(value, autoescape=True)


def linebreaks(value):
    return defaultfilters.linebreaks_filter(value, autoescape=True)


GLOBALS = {
    "url": url,
    "static": addresses.static,
    "form_token": form_token,
    "absolute_url": markup.absolute_url,
    "breadcrumb_json_ld": markup.breadcrumb_json_ld,
    "canonical_url": markup.canonical_url,
    "home_json_ld": markup.home_json_ld,
    "responsive_image": markup.responsive_image,
    "score_choices": markup.score_choices,
    "search_snippet": markup.search_snippet,
    "notify_form": markup.notify_form,
}

FILTERS = {
    "capfirst": defaultfilters.capfirst,
    "date": date,
    "filesizeformat": defaultfilters.filesizeformat,
    "floatformat": defaultfilters.floatformat,
    "json_ld": markup.json_ld,
    "linebreaks": linebreaks,
    "linebreaksbr": linebreaksbr,
    "newsroom_when": newsroom_when,
    "pluralize": defaultfilters.pluralize,
    "star_fills": markup.star_fills,
}


def environment(**options):
    options["undefined"] = ChainableUndefined  # not Django's DebugUndefined, which prints "{{ x }}"
    options["auto_reload"] = settings.DEBUG
    env = Environment(**options)
    env.globals.update(GLOBALS)
    env.filters.update(FILTERS)
    return env
