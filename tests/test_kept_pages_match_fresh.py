"""
Kept pages always equal a fresh render (issue 17): a state machine makes random
sequences of real changes, through the views as a person would or the domain functions
the admin calls, and after each step every page, as a stranger, a returning voter and
an editor get it with the caches on (as in production), must equal the same page
rendered from scratch for them: the page cache and kept markup off, and empty caches,
so no kept settings, categories or versions either.

The one normalizer (`normalized`) blanks only the value of a CSRF token input: signed
in, each render carries a new token. Nothing else is per request.

The clock is a movable one (`Clock`): a scheduled publish goes live when the test moves
time past it, not when a sleep ends, so the checks never straddle the moment.
"""

import datetime
import difflib
import html
import re
import time
from collections import Counter
from contextlib import contextmanager

import hypothesis
import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from taggit.models import Tag

from articles import moderation, publishing, readers, voting
from articles.models import Agency, Article, Comment, SiteSettings

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    CommentFactory,
    article_admin_data,
    make_editor,
)
from .helpers import post_comment, reader_cookie

VOTER = "a-returning-voter"
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
        yield


class Clock:
    """Time that moves only when told: time.time, time.time_ns and timezone.now."""

    def __init__(self, monkeypatch):
        self.offset = 0.0
        real_time, real_ns = time.time, time.time_ns
        monkeypatch.setattr(time, "time", lambda: real_time() + self.offset)
        monkeypatch.setattr(time, "time_ns", lambda: real_ns() + int(self.offset * 1e9))
        monkeypatch.setattr(
            timezone,
            "now",
            lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=self.offset),
        )

    def move_to(self, when):
        self.offset += max(0.0, when.timestamp() - time.time())


class Viewers:
    """A new client per request, carrying only the viewer's own cookies: no messages, no
    sort cookie and no CSRF cookie from an earlier page."""

    def __init__(self, editor):
        signed_in = Client()
        signed_in.force_login(editor)
        self.cookies = {
            "stranger": {},
            "returning voter": {readers.COOKIE_NAME: reader_cookie(VOTER)},
            "editor": {
                settings.SESSION_COOKIE_NAME: signed_in.cookies[settings.SESSION_COOKIE_NAME].value
            },
        }

    def get(self, viewer, path):
        client = Client()
        for name, value in self.cookies[viewer].items():
            client.cookies[name] = value
        return client.get(path)


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
        self.author = AuthorFactory(name="Ann Author", bio="Writes about trains.")
        self.category = CategoryFactory(name="Railways", slug="railways")
        self.agency = Agency.objects.create(name="Rail Wire")
        self.story = ArticleFactory(
            title="Night trains of Minsk",
            body="<p>The night train leaves at ten.</p><p>Economic ties grow by rail.</p>",
            author=self.author,
            category=self.category,
            tags=["trains"],
        )
        self.story.agencies.add(self.agency)
        block = re.search(r'id="(b-[0-9a-f]+)"', self.story.body_html).group(1)
        first = CommentFactory(article=self.story, body="The first remark.")
        CommentFactory(article=self.story, parent=first, depth=first.depth + 1, body="A reply.")
        for n in range(3):
            CommentFactory(article=self.story, body=f"Remark {n}.")
        CommentFactory(article=self.story, block_id=block, quote="night train", body="On it.")
        CommentFactory(article=self.story, status=Comment.Status.PENDING, body="Held back.")
        # The returning voter rated the story and voted on the first remark.
        voter = readers.Reader(user=None, token=VOTER)
        voting.rate_article(self.story, voter, 4, "an-address")
        voting.vote_on_comment(first, voter, 1, "an-ip", "an-address")
        ArticleFactory(author=self.author, category=self.category, tags=["trains"])
        self.draft = ArticleFactory(
            title="A scheduled story",
            author=self.author,
            category=self.category,
            tags=["trains"],
            status=Article.Status.DRAFT,
            publish_at=None,
        )
        self.editor = make_editor()
        self.editor_client = Client()
        self.editor_client.force_login(self.editor)

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
            reverse("articles:tag", args=["trains"]),
            reverse("articles:author", args=[self.author.slug]),
            reverse("articles:feed"),
            reverse("articles:sitemap"),
        ]


class KeptPages(RuleBasedStateMachine):
    """Real changes, one after another; after each, every page equals a fresh render."""

    stats = clock = None  # given by the test

    def __init__(self):
        super().__init__()
        # Each example is rolled back; the code's own atomic blocks still commit (and
        # run their on-commit callbacks) as outermost ones, as the test's blocks do.
        self.example = transaction.atomic()
        self.example._from_testcase = True
        self.example.__enter__()
        try:
            for each in caches.all():
                each.clear()
            self.world = World()
            self.viewers = Viewers(self.world.editor)
        except BaseException:
            self.teardown()
            raise
        self.changes = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)

    def _next(self):
        self.changes += 1
        return self.changes

    def _story_comments(self, status):
        found = Comment.objects.filter(article=self.world.story, status=status).order_by("pk")
        return list(found.values_list("pk", flat=True))

    @rule(
        who=st.sampled_from(["stranger", "returning reader"]),
        known=st.booleans(),
        reply=st.booleans(),
    )
    def post_a_comment(self, who, known, reply):
        n = self._next()
        client = Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")
        if who == "returning reader":
            client.cookies[readers.COOKIE_NAME] = reader_cookie(f"returning-{n}")
        approved = self._story_comments(Comment.Status.APPROVED)
        email = Comment.objects.get(pk=approved[0]).email if known and approved else None
        fields = {"parent": approved[-1]} if reply and approved else {}
        response = post_comment(
            client,
            self.world.story,
            body=f"Remark number {n}.",
            name=f"Reader {n}",
            email=email or f"new{n}@example.com",
            **fields,
        )
        assert response.status_code == 302, response.content.decode()[:500]

    @rule(approve=st.booleans(), pick=st.integers(0, 30))
    def moderate(self, approve, pick):
        status = Comment.Status.PENDING if approve else Comment.Status.APPROVED
        if found := self._story_comments(status):
            chosen = Comment.objects.filter(pk=found[pick % len(found)])
            (moderation.approve if approve else moderation.remove)(chosen)

    @rule(pick=st.integers(0, 30), value=st.sampled_from(["1", "-1"]))
    def vote(self, pick, value):
        if found := self._story_comments(Comment.Status.APPROVED):
            client = Client()
            client.cookies[readers.COOKIE_NAME] = reader_cookie(VOTER)
            url = reverse("articles:comment-vote", args=[found[pick % len(found)]])
            assert client.post(url, {"value": value}).status_code == 302

    @rule(score=st.integers(1, 5))
    def rate(self, score):
        client = Client()
        client.cookies[readers.COOKIE_NAME] = reader_cookie(VOTER)
        url = reverse("articles:rate", args=[self.world.story.pk])
        assert client.post(url, {"score": score}).status_code == 302

    def _edit_in_the_admin(self, article, **changes):
        url = reverse("admin:articles_article_change", args=[article.pk])
        response = self.world.editor_client.post(url, article_admin_data(article, **changes))
        assert response.status_code == 302, response.content.decode()[:2000]

    @rule(field=st.sampled_from(["title", "body", "tags"]))
    def edit_the_story(self, field):
        n, story = self._next(), Article.objects.get(pk=self.world.story.pk)
        change = {
            "title": f"Night trains of Minsk, take {n}",
            "body": f"<p>The night train leaves at {n}.</p><p>Economic ties grow by rail.</p>",
            "tags": ", ".join(f'"{name}"' for name in [*story.tags.names(), f"rail {n}"]),
        }[field]
        self._edit_in_the_admin(story, **{field: change})

    @rule(field=st.sampled_from(["name", "bio"]))
    def edit_the_author(self, field):
        author = type(self.world.author).objects.get(pk=self.world.author.pk)
        setattr(author, field, f"{getattr(author, field)} {self._next()}")
        author.save()

    @rule()
    def rename_the_tag(self):
        tag = Tag.objects.get(slug="trains")
        tag.name = f"trains {self._next()}"
        tag.save()

    @rule()
    def rename_the_agency(self):
        agency = Agency.objects.get(pk=self.world.agency.pk)
        agency.name = f"Rail Wire {self._next()}"
        agency.save()

    @rule()
    def rename_the_site(self):
        site = SiteSettings.objects.get()
        site.site_name = f"Open Magazine {self._next()}"
        site.save()

    @rule(later=st.booleans())
    def schedule_the_draft(self, later):
        draft = Article.objects.get(pk=self.world.draft.pk)
        when = timezone.now() + datetime.timedelta(seconds=300 if later else -3600)
        if draft.status == Article.Status.DRAFT:
            publishing.publish(draft, when=when)
        else:
            publishing.unpublish(draft)

    @precondition(lambda self: Article.objects.filter(publish_at__gt=timezone.now()).exists())
    @rule(just=st.sampled_from([-0.4, 0.01]))
    def time_passes(self, just):
        """To just before, or just after, the next scheduled publish."""
        when = Article.objects.filter(publish_at__gt=timezone.now()).earliest("publish_at")
        self.clock.move_to(when.publish_at + datetime.timedelta(seconds=just))

    @invariant()
    def every_page_equals_a_fresh_render(self):
        for viewer in VIEWERS:
            for path in self.world.pages():
                fresh = compare(self.viewers, viewer, path, self.stats)
                if path.startswith(reverse("articles:comments", args=[self.world.story.pk])):
                    for link in NEXT_PAGE.findall(fresh)[:1]:
                        compare(self.viewers, viewer, html.unescape(link), self.stats)


@pytest.fixture
def few_threads(settings):
    """Two threads on the article page and on each comment page: the rest on page two."""
    settings.MAGAZINE_COMMENT_THREADS_ON_ARTICLE = 2
    settings.MAGAZINE_COMMENT_THREADS_PER_PAGE = 2


def run_kept_pages(monkeypatch, **hypothesis_settings):
    stats = Counter()
    machine = type("Run", (KeptPages,), {"stats": stats, "clock": Clock(monkeypatch)})
    run_state_machine_as_test(
        machine, settings=hypothesis.settings(hypothesis.settings(), **hypothesis_settings)
    )
    # Kept pages that were never served would prove nothing.
    assert stats["hits"] > 0, stats


@pytest.mark.django_db
def test_every_kept_page_equals_a_fresh_render_after_any_changes(few_threads, monkeypatch):
    run_kept_pages(monkeypatch, max_examples=6, stateful_step_count=8)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_kept_page_equals_a_fresh_render_after_many_changes(few_threads, monkeypatch):
    run_kept_pages(monkeypatch, max_examples=60, stateful_step_count=25)
