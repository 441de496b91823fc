"""
A shared HTTP cache in front (Varnish, varnish/default.vcl): what it may keep, and bans.

A page names what it shows (`pagecache.depends_on`); `EdgeCacheTagsMiddleware` sends
those names in X-Cache-Tags ("article:12 author:3 site"), which the cache keeps with the
page and never delivers. When `pagecache.invalidate()` bumps names after a commit,
`ban(names)` sends one BAN with them to each cache in MAGAZINE_EDGE_CACHE_URLS, which
drops every kept page naming one of them: one ban for all of an article's pages.

Bans never run inside a request: `send_ban` is a task (one per cache), so production's
worker sends it (within its poll interval) and a failure (the cache down or slow) is
tried again later (BAN_RETRY_SECONDS), as mail is. A backend that cannot defer (the
immediate one) tries again from a timer thread of the process. Given up on, a page is
kept no longer than its Cache-Control lets the cache keep it.
With MAGAZINE_EDGE_CACHE_URLS empty (the default) nothing is added and nothing is sent.
"""

import logging
import re
import threading
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

TAGS_HEADER = "X-Cache-Tags"
BAN_HEADER = "X-Ban-Tags"
# What the VCL accepts in a ban: names are words, digits, ":" and "-".
NAME = re.compile(r"[A-Za-z0-9_:-]+")
BAN_TIMEOUT_SECONDS = 5
# Waits before the 2nd, 3rd, ... attempt; then the ban is given up on (and logged).
BAN_RETRY_SECONDS = (1, 5, 30, 120, 600, 3600)
# Never through an HTTP proxy of the environment: the caches are ours, on our network.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _valid(names):
    return all(NAME.fullmatch(name) for name in names)


def ban(names):
    """Clear every page naming one of `names` from each cache in front; never raises."""
    names = sorted(set(names))
    if not settings.MAGAZINE_EDGE_CACHE_URLS or not names:
        return
    if not _valid(names):
        logger.error("Not banned: a name the edge cache cannot match: %s", names)
        return
    for url in settings.MAGAZINE_EDGE_CACHE_URLS:
        try:
            send_ban.enqueue(url, names)
        except Exception:  # the task store unreachable: the page expires by its TTL
            logger.exception("Could not queue the ban of %s for %s", names, url)


def _send(url, names):
    request = urllib.request.Request(url, method="BAN", headers={BAN_HEADER: "|".join(names)})
    with _opener.open(request, timeout=BAN_TIMEOUT_SECONDS) as response:
        response.read()


@task
def send_ban(url, names, attempt=1):
    """Send one BAN to one cache; on failure, queue it again later."""
    try:
        _send(url, names)
    except OSError as error:  # refused, timed out, or an error status (HTTPError)
        return _retry_later(url, names, attempt, error)
    return "banned"


def _retry_later(url, names, attempt, error):
    if attempt > len(BAN_RETRY_SECONDS):
        logger.error("Ban of %s at %s failed %s times; giving up: %s", names, url, attempt, error)
        return "failed"
    delay = BAN_RETRY_SECONDS[attempt - 1]
    logger.warning(
        "Ban of %s at %s failed (attempt %s), retrying in %s s: %s",
        names, url, attempt, delay, error,
    )  # fmt: skip
    if send_ban.get_backend().supports_defer:
        later = send_ban.using(run_after=timezone.now() + timedelta(seconds=delay))
        later.enqueue(url, names, attempt + 1)
    else:
        timer = threading.Timer(delay, send_ban.enqueue, (url, names, attempt + 1))
        timer.daemon = True
        timer.start()
    return "retry"


class EdgeCacheTagsMiddleware:
    """Names what a page shows in X-Cache-Tags, for the cache in front to ban by."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        names = getattr(request, "page_cache_names", None)
        if settings.MAGAZINE_EDGE_CACHE_URLS and names and _valid(names):
            response[TAGS_HEADER] = " ".join(sorted(names))
        return response
