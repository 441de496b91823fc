"""
The one way pages are kept: whole pages, their parts, each comment, and a cache in front.

A kept thing is named by the versions of what it shows. A view names that
(`depends_on(request, "article:12", "author:3", "site")`); each name has a version in
the shared cache, bumped by the domain function that changes it once its transaction
commits (`invalidate`: after queryset `update()`, `F()` and bulk writes too, which fire
no signals), which also bans the name in Varnish (articles/edge.py). Time is a change
too: `expire_by` keeps a page no later than its next scheduled publish or unpublish.
Whole pages for strangers are kept here; an article's parts and each comment in
articles/fragments.py, under a digest of those versions, the templates' source and
the address. No key lists fields by hand and no kept HTML is edited as text: what is
a reader's own (their votes, rating, comments, an editor's buttons, a form's token) is
rendered for them by its own macro around kept markup, and works without JavaScript.

This module: only requests with no cookie but the CSRF one are served from or stored
here; a page that used a CSRF token or changed while rendering is not kept. Pages live
in each process's memory ("local") under their whole address, scheme and host
included, plain and gzip-compressed, each with its ETag; `Cache-Control: public,
s-maxage` lets a shared cache hold them too, as they carry nothing per request. A hit
reads one version (`ANY_CHANGE`, bumped with every name) while nothing has changed.
What is alike for every reader but only part of a page (the home page's front) is
kept the same way, by `keep`, for readers the page cache cannot serve.
"""

import gzip
import hashlib
import math
import re
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from . import edge

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
VERSION_PREFIX = "pagecache:version:"
# Bumped with every name: while it stands still, nothing any kept page shows has changed.
ANY_CHANGE = "*"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "X-Robots-Tag")


def article_page(pk):
    """The name of what an article's own page shows (its text, rating, comments)."""
    return f"article:{pk}"


def article_page_names(article):
    """Everything an article's page shows: the article, its author, the site."""
    return (article_page(article.pk), f"author:{article.author_id}", "site")


def depends_on(request, *names):
    """Mark the page being rendered as showing these pieces of content."""
    if not hasattr(request, "page_cache_names"):
        request.page_cache_names = set()
    request.page_cache_names.update(names)


def invalidate(*names):
    """Once the current transaction commits, re-render every page showing these names."""

    def bump():
        now = time.time_ns()
        # The names first: a reader who sees ANY_CHANGE moved finds them moved too.
        cache.set_many({VERSION_PREFIX + name: now for name in (*names, ANY_CHANGE)}, None)
        edge.ban(names)

    transaction.on_commit(bump)


def expire_by(request, when):
    """Keep the page no later than `when` (a scheduled article goes live then), to the
    fraction of a second, here and in every cache in front."""
    if when is not None:
        until = when.timestamp()
        request.page_cache_until = min(getattr(request, "page_cache_until", until), until)


def versions(names, missing_value=None):
    """The current version of each name; a missing one is created with `missing_value`
    (by default now)."""
    if missing_value is None:
        missing_value = time.time_ns()
    keys = [VERSION_PREFIX + name for name in names]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, missing_value, None)  # add() keeps another server's value
        found |= cache.get_many(missing)
    return {key.removeprefix(VERSION_PREFIX): found.get(key) for key in keys}


def versions_for_page(request, names):
    """`versions()` as the page being rendered for `request` sees them: a name first
    created during the render counts as older than it (a name new to the cache is no
    change), so the page cache still keeps the page."""
    started = getattr(request, "page_cache_started", None)
    return versions(names, None if started is None else started - 1)


def _is_cacheable_request(request):
    return (
        settings.MAGAZINE_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}
    )


class AnonymousPageCacheMiddleware:
    """Serves and stores anonymous readers' pages; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_cacheable_request(request):
            return self.get_response(request)
        # The whole address: a page's links and canonical URL carry its scheme and host.
        address = request.build_absolute_uri()
        key = "pagecache:page:" + hashlib.sha256(address.encode()).hexdigest()
        entry = caches["local"].get(key)
        # For the metrics' hit ratio (magazine/monitoring/metrics.py).
        if entry and time.time() < entry["until"] and _unchanged(key, entry):
            request.page_cache_result = "hit"
            request.page_cache_names = set(entry["names"])  # what it shows, as when rendered
            return self._serve(request, entry)
        request.page_cache_result = "miss"
        return self._render_and_store(request, key)

    def _render_and_store(self, request, key):
        started = request.page_cache_started = time.time_ns()
        latest_change = _latest_change()
        response = self.get_response(request)
        names = getattr(request, "page_cache_names", None)
        if (
            not names
            or response.status_code != 200
            or response.streaming
            or response.cookies
            or response.has_header("Cache-Control")
            # The page used this reader's CSRF token: it is theirs alone.
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            return response
        current = _versions_since(names, started)
        if current is None:
            return response
        until = min(
            started / 1e9 + settings.MAGAZINE_PAGE_CACHE_SECONDS,
            getattr(request, "page_cache_until", math.inf),
        )
        if until <= time.time():
            return response
        entry = {
            "until": until,
            "names": sorted(names),
            "versions": current,
            "latest_change": latest_change,
            "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
            "plain": _copy(response.content),
            # Compressed once, here, not for every hit by GZipMiddleware (which leaves a
            # response with Content-Encoding alone). The page holds no secret, so the
            # padding GZipMiddleware adds against BREACH is not needed.
            "gzip": _copy(gzip.compress(response.content, mtime=0)),
        }
        _store(key, entry)
        return self._serve(request, entry, hit=False)

    def _serve(self, request, entry, hit=True):
        encoding = (
            "gzip" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else None
        )
        copy = entry["gzip"] if encoding else entry["plain"]
        if request.headers.get("If-None-Match") == copy["etag"]:
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(copy["content"])
            for header, value in entry["headers"].items():
                response[header] = value
            if encoding:
                response["Content-Encoding"] = encoding
        if hit:
            response["X-Page-Cache"] = "hit"
        response["ETag"] = copy["etag"]
        # No cache in front keeps it past the moment it must change by itself.
        left = max(0, int(entry["until"] - time.time()))
        response["Cache-Control"] = (
            f"public, max-age={min(settings.MAGAZINE_BROWSER_CACHE_SECONDS, left)}, "
            f"s-maxage={min(settings.MAGAZINE_SHARED_CACHE_SECONDS, left)}"
        )
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        return response


def keep(request, key, compute, until):
    """`compute()` → (a value, the names of what it shows), run once per process and
    kept until `until` or until one of those names changes; returns the same pair. For
    what is alike for every reader but costs queries to find, such as the home page's
    front, which the page cache cannot serve to a reader with a cookie."""
    if not settings.MAGAZINE_KEEP_FRAGMENTS:
        return compute()
    key = "pagecache:kept:" + hashlib.sha256(repr(key).encode()).hexdigest()
    entry = caches["local"].get(key)
    if entry and time.time() < entry["until"] and _unchanged(key, entry):
        return entry["value"], entry["names"]
    # As old as the page being rendered: a name new to the cache is no change to it.
    started = getattr(request, "page_cache_started", None) or time.time_ns()
    latest_change = _latest_change()
    value, names = compute()
    current = _versions_since(names, started)
    until = until.timestamp()
    if current is not None and until > time.time():
        entry = {
            "until": until,
            "names": sorted(names),
            "versions": current,
            "latest_change": latest_change,
            "value": value,
        }
        _store(key, entry)
    return value, names


def _versions_since(names, started):
    """The versions of `names` if none changed since `started`, else None: what was
    drawn meanwhile may show the old content, so it is not kept. A name new to the
    cache starts just before."""
    current = versions(names, started - 1)
    if any(version is None or version > started for version in current.values()):
        return None
    return current


def _latest_change():
    return versions([ANY_CHANGE], time.time_ns())[ANY_CHANGE]


def _unchanged(key, entry):
    """Whether what the kept page shows is as it was: one read while nothing changed
    anywhere, else one per name it shows, after which the page is one read again."""
    latest_change = _latest_change()  # before the names: a change meanwhile shows in them
    if latest_change == entry["latest_change"]:
        return True
    if versions(entry["names"], time.time_ns()) != entry["versions"]:
        return False
    entry["latest_change"] = latest_change
    _store(key, entry)
    return True


def _store(key, entry):
    """Keep an entry in this process's memory until its `until`."""
    caches["local"].set(key, entry, math.ceil(entry["until"] - time.time()))


def _copy(content):
    """One kept copy of a page: its bytes and their ETag."""
    return {"content": content, "etag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"'}
