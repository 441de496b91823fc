"""
What tests/test_kept_pages_match_fresh.py compares: pages as served (caches on) and
rendered from scratch, for a stranger, a returning voter and an editor; the story and
its neighbours the changes are made to; a clock that moves only when told; varnishd.

The one normalizer (`normalized`) blanks only the value of a CSRF token input: signed
in, each render carries a new token. Nothing else on a page is per request.
"""

import datetime
import difflib
import itertools
import re
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from articles import readers, shared_values, voting
from articles.models import Agency, Article, Comment

from .factories import ArticleFactory, AuthorFactory, CategoryFactory, CommentFactory, make_editor
from .helpers import reader_cookie

VOTER = "a-returning-voter"
WORLDS = itertools.count()
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
NEXT_PAGE = re.compile(r'href="([^"]*after=[^"]*)"')
FRESH_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fresh"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fresh-kept"},
}
VIEWERS = ("stranger", "returning voter", "editor")


def normalized(body):
    """A page with its per-request values blanked: only CSRF tokens' values."""
    return CSRF_VALUE.sub(r"\1\2", body.decode())


@contextmanager
def from_scratch():
    """Pages rendered as if nothing had ever been kept: no page cache, no kept markup,
    and caches of their own, emptied first (settings, categories, versions)."""
    with override_settings(
        MAGAZINE_PAGE_CACHE_SECONDS=0, MAGAZINE_KEEP_FRAGMENTS=False, CACHES=FRESH_CACHES
    ):
        for each in caches.all():
            each.clear()
        shared_values.forget_in_process()
        yield


class Clock:
    """Time that stands still unless the test moves it: time.time, time.time_ns and
    timezone.now. Each reading is a nanosecond after the last, so the page cache's
    versions (times of changes) still order the changes."""

    def __init__(self, monkeypatch):
        self.ns = time.time_ns()
        monkeypatch.setattr(time, "time_ns", self.time_ns)
        monkeypatch.setattr(time, "time", lambda: self.time_ns() / 1e9)
        monkeypatch.setattr(
            timezone,
            "now",
            lambda: datetime.datetime.fromtimestamp(self.time_ns() / 1e9, datetime.UTC),
        )

    def time_ns(self):
        self.ns += 1
        return self.ns

    def move_to(self, when):
        self.ns = max(self.ns, int(when.timestamp() * 1e9))


class Viewers:
    """Each request carries only the viewer's own cookies: no messages, no sort cookie and
    no CSRF cookie from an earlier page."""

    def __init__(self, editor):
        signed_in = as_new({})
        signed_in.force_login(editor)
        self.cookies = {
            "stranger": {},
            "returning voter": {readers.COOKIE_NAME: reader_cookie(VOTER)},
            "editor": {
                settings.SESSION_COOKIE_NAME: signed_in.cookies[settings.SESSION_COOKIE_NAME].value
            },
        }

    def get(self, viewer, path, **headers):
        return as_new(self.cookies[viewer]).get(path, **headers)


# One client for every request: each new Client loads the middleware (WhiteNoise scans
# the static files), a tenth of a second a request.
_CLIENT = Client()


def as_new(cookies, **defaults):
    """The shared client with only these cookies and request defaults (REMOTE_ADDR)."""
    _CLIENT.cookies.clear()
    _CLIENT.defaults = defaults
    for name, value in cookies.items():
        _CLIENT.cookies[name] = value
    return _CLIENT


def diff(kept, fresh):
    """The first lines of a unified diff, one tag a line."""
    lines = [re.sub(r">\s*<", ">\n<", page).splitlines() for page in (kept, fresh)]
    found = difflib.unified_diff(*lines, "kept", "fresh", lineterm="", n=1)
    return "\n".join(list(found)[:24])


def compare(viewers, viewer, path, stats):
    """Assert the page as served equals the page rendered from scratch; returns it."""
    served = viewers.get(viewer, path)
    with from_scratch():
        fresh = viewers.get(viewer, path)
    if viewer == "stranger":
        stats["stranger pages"] += 1
        stats["hits"] += served.get("X-Page-Cache") == "hit"
    where = f"{viewer}, {path}"
    assert served.status_code == fresh.status_code, f"{where}: status"
    kept, new = normalized(served.content), normalized(fresh.content)
    assert kept == new, f"{where}: the served page differs from a fresh render\n{diff(kept, new)}"
    return new


class World:
    """What one example starts from: a story with comments (threads on two pages, one
    on a passage, one pending), a second story by the same author, a draft."""

    def __init__(self):
        n = next(WORLDS)
        self.tag = f"trains-{n}"
        self.author = AuthorFactory(name="Ann Author", bio="Writes about trains.")
        self.category = CategoryFactory(name=f"Railways {n}", slug=f"railways-{n}")
        self.agency = Agency.objects.create(name=f"Rail Wire {n}")
        self.story = ArticleFactory(
            title="Night trains of Minsk",
            body="<p>The night train leaves at ten.</p><p>Economic ties grow by rail.</p>",
            author=self.author,
            category=self.category,
            tags=[self.tag],
        )
        self.story.agencies.add(self.agency)
        block = re.search(r'id="(b-[0-9a-f]+)"', self.story.body_html).group(1)
        first = CommentFactory(article=self.story, body="The first remark.")
        CommentFactory(article=self.story, parent=first, depth=first.depth + 1, body="A reply.")
        for i in range(3):
            CommentFactory(article=self.story, body=f"Remark {i}.")
        CommentFactory(article=self.story, block_id=block, quote="night train", body="On it.")
        CommentFactory(article=self.story, status=Comment.Status.PENDING, body="Held back.")
        # The returning voter rated the story and voted on the first remark.
        voter = readers.Reader(user=None, token=VOTER)
        voting.rate_article(self.story, voter, 4, "an-address")
        voting.vote_on_comment(first, voter, 1, "an-ip", "an-address")
        ArticleFactory(author=self.author, category=self.category, tags=[self.tag])
        self.draft = ArticleFactory(
            title="A scheduled story",
            author=self.author,
            category=self.category,
            tags=[self.tag],
            status=Article.Status.DRAFT,
            publish_at=None,
        )
        self.editor = make_editor()

    def pages(self):
        story = Article.objects.get(pk=self.story.pk)
        comments = reverse("articles:comments", args=[story.pk])
        return [
            story.get_absolute_url(),
            story.get_absolute_url() + "?sort=votes",
            story.get_absolute_url() + "?feedback=inline",
            comments,
            reverse("articles:home"),
            self.category.get_absolute_url(),
            reverse("articles:tag", args=[self.tag]),
            reverse("articles:author", args=[self.author.slug]),
            reverse("articles:feed"),
            reverse("articles:sitemap"),
        ]
