"""
Addresses of named views and of static files, each worked out once per process.

A page names the same few addresses: a reverse() is some 20 µs (twenty on the story
before its comments), a static file's hashed name from the manifest some 40 µs (ten a
page). A view's address is a pure function of its name, its arguments, the URLconf and
the script prefix; the last two are thread-locals, read on each call here (once per
request in the templates' `url()`, magazine/jinja2.py). A row's own links (each comment
has five) are one pattern per view, filled with its ids, so they never crowd the rest out. A static file's changes only
with a deploy, which restarts the processes; with DEBUG on it is looked up each time.
"""

import functools

from django.conf import settings
from django.templatetags.static import static as static_file_address
from django.urls import get_script_prefix, get_urlconf, reverse


def address(name, *args, **kwargs):
    """reverse(name, args=args, kwargs=kwargs), once per process."""
    return reversed_once(name, args, tuple(kwargs.items()), *current_base())


def current_base():
    """What a view's address depends on besides the view and its arguments."""
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


@functools.lru_cache(maxsize=4096)
def reversed_once(name, args, kwargs, urlconf, script_prefix):
    return reverse(name, args=args, kwargs=dict(kwargs), urlconf=urlconf)


def row_address(name, *ids):
    """reverse(name, args=ids) for a row's own links: the view's pattern, once per process."""
    return _pattern(name, get_script_prefix(), len(ids)).format(*ids)


@functools.cache
def _pattern(name, script_prefix, arity):
    stand_ins = [987654321 + n for n in range(arity)]
    pattern = reverse(name, args=stand_ins)
    for stand_in in stand_ins:
        pattern = pattern.replace(str(stand_in), "{}")
    return pattern


def static(path):
    """`{% static %}`: the address of a static file, by its name in the manifest."""
    return (static_file_address if settings.DEBUG else _deployed_static)(path)


_deployed_static = functools.lru_cache(maxsize=256)(static_file_address)
