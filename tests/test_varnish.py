"""
Varnish in front (varnish/default.vcl, articles/edge.py): a real varnishd on a free
port, with the repository's config pointed at Django's live server.

Where varnishd is not installed these tests are skipped, with the reason; in CI
(CI=true) a missing varnishd fails them instead, so they can never silently not run.
"""

import http.client
import http.server
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.core.signals import request_started
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone

from articles import edge, moderation
from articles.models import Comment

from .factories import ArticleFactory, CommentFactory, article_admin_data, make_editor
from .helpers import reader_cookie
from .servers import free_port, varnish_get, varnishd

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Varnish:
    def __init__(self, port):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"

    def get(self, path, headers=None):
        """(status, headers with lower-case names, body) of one GET through Varnish."""
        return varnish_get(self.port, path, headers)


@pytest.fixture
def varnish(live_server, settings):
    """varnishd with varnish/default.vcl in front of the live server, told of bans."""
    with varnishd(urlsplit(live_server.url).port) as port:
        settings.MAGAZINE_EDGE_CACHE_URLS = [f"http://127.0.0.1:{port}/"]
        try:
            yield Varnish(port)
        finally:
            settings.MAGAZINE_EDGE_CACHE_URLS = []  # no retries left behind for later tests


@pytest.fixture
def app_requests():
    """How many requests have reached the site (Django's request_started) so far."""
    count = [0]

    def counted(**kwargs):
        count[0] += 1

    request_started.connect(counted, weak=False)
    yield lambda: count[0]
    request_started.disconnect(counted)


def seen_within(varnish, path, text, seconds=1.0):
    """Whether a stranger sees `text` on `path` through Varnish within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if text.encode() in varnish.get(path)[2]:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_a_strangers_second_request_is_a_varnish_hit_that_never_reaches_the_site(
    varnish, app_requests
):
    article = ArticleFactory()
    path = article.category.get_absolute_url()
    status, headers, body = varnish.get(path)
    assert status == 200 and article.title.encode() in body
    assert headers["x-cache"] == "miss"

    before = app_requests()
    status, headers, again = varnish.get(path)
    assert (status, headers["x-cache"], again) == (200, "hit", body)
    assert app_requests() == before


def test_the_tag_header_names_what_the_page_shows_but_never_reaches_the_reader(
    varnish, live_server
):
    article = ArticleFactory()
    path = article.category.get_absolute_url()
    assert "x-cache-tags" not in varnish.get(path)[1]
    assert "x-cache-tags" not in varnish.get(path)[1]  # nor when kept
    direct = varnish_get(urlsplit(live_server.url).port, path)[1]
    assert direct["x-cache-tags"] == "articles site"


def test_an_editors_change_in_the_admin_shows_through_varnish_within_a_second(varnish, client):
    article = ArticleFactory(title="The first headline")
    pages = [
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:author", args=[article.author.slug]),
    ]
    _retitled_in_the_admin_shows_through(varnish, client, article, pages)


def test_an_editors_change_clears_the_feeds_varnish_kept(varnish, client):
    article = ArticleFactory(title="The first headline")
    feeds = [
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("articles:section-feed", args=[article.category.path]),
        reverse("articles:author-feed", args=[article.author.slug]),
        reverse("articles:comments-feed", args=[article.pk]),
    ]
    _retitled_in_the_admin_shows_through(varnish, client, article, feeds)


def _retitled_in_the_admin_shows_through(varnish, client, article, paths):
    """Varnish holds each of `paths` with the article's first headline; an editor
    retitles it in the admin; each shows the new one within a second."""
    for path in paths:
        varnish.get(path)
        _status, headers, body = varnish.get(path)
        assert headers["x-cache"] == "hit" and b"The first headline" in body, path

    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_admin_data(article, title="A corrected headline"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    for path in paths:
        assert seen_within(varnish, path, "A corrected headline"), path


def approval_shows_through_varnish(varnish, pages_of):
    """Whether approving a held comment shows on its article's `pages_of(article)`, each
    kept by Varnish before."""
    article = ArticleFactory()
    CommentFactory(article=article, body="An early remark.")
    waiting = CommentFactory(article=article, body="A remark held for review.", status="pending")
    pages = pages_of(article)
    for path in pages:
        varnish.get(path)
        _, headers, body = varnish.get(path)
        assert headers["x-cache"] == "hit" and b"An early remark." in body, path

    moderation.approve(Comment.objects.filter(pk=waiting.pk))

    return all(seen_within(varnish, path, "A remark held for review.") for path in pages)


def test_a_comment_approval_clears_the_article_page(varnish):
    assert approval_shows_through_varnish(varnish, lambda article: [article.get_absolute_url()])


def test_a_comment_approval_clears_the_comment_pages(varnish):
    assert approval_shows_through_varnish(
        varnish, lambda article: [reverse("articles:comments", args=[article.pk])]
    )


def ban_by_hand(varnish, names):
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=5)
    connection.request("BAN", "/", headers={edge.BAN_HEADER: names})
    assert connection.getresponse().status == 200
    connection.close()


def test_a_page_the_sites_own_cache_serves_is_kept_by_varnish_too(varnish, app_requests):
    """Varnish asks again (its copy expired, or another Varnish): the site's page cache
    answers, and that answer must still name what it shows, or Varnish keeps nothing."""
    article = ArticleFactory()
    path = article.category.get_absolute_url()
    varnish.get(path)
    ban_by_hand(varnish, "articles")  # Varnish's copy goes; the site's stays current

    assert varnish.get(path)[1]["x-cache"] == "miss"
    before = app_requests()
    assert varnish.get(path)[1]["x-cache"] == "hit"
    assert app_requests() == before


def test_a_signed_in_readers_requests_all_reach_the_site(varnish, app_requests):
    article = ArticleFactory()
    path = article.category.get_absolute_url()
    varnish.get(path)
    varnish.get(path)  # kept for strangers
    cookie = {"Cookie": f"csrftoken=abc; reader={reader_cookie('a-returning-reader')}"}

    before = app_requests()
    for _ in range(2):
        status, headers, _ = varnish.get(path, cookie)
        assert (status, headers["x-cache"]) == (200, "miss")
    assert app_requests() == before + 2
    # The CSRF cookie alone is no reason to pass: the stranger's kept page is served.
    assert varnish.get(path, {"Cookie": "csrftoken=abc"})[1]["x-cache"] == "hit"


class _BanRelay(http.server.BaseHTTPRequestHandler):
    """Passes a BAN on to Varnish: the way in to Varnish, closed or open at will."""

    def do_BAN(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.varnish_port, timeout=5)
        headers = {edge.BAN_HEADER: self.headers[edge.BAN_HEADER]}
        connection.request("BAN", self.path, headers=headers)
        status = connection.getresponse().status
        connection.close()
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_ban_varnish_could_not_take_is_sent_again_and_clears_the_page_once_it_can(
    varnish, settings, monkeypatch, client
):
    monkeypatch.setattr(edge, "BAN_RETRY_SECONDS", (0.3,) * 6)
    relay_port = free_port()
    settings.MAGAZINE_EDGE_CACHE_URLS = [f"http://127.0.0.1:{relay_port}/"]  # nothing there yet
    article = ArticleFactory(title="The first headline")
    path = article.category.get_absolute_url()
    varnish.get(path)

    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_admin_data(article, title="A corrected headline"),
    )
    assert response.status_code == 302
    assert not seen_within(varnish, path, "A corrected headline", seconds=0.8)

    relay = http.server.HTTPServer(("127.0.0.1", relay_port), _BanRelay)
    relay.varnish_port = varnish.port
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    try:
        assert seen_within(varnish, path, "A corrected headline", seconds=3)
    finally:
        settings.MAGAZINE_EDGE_CACHE_URLS = []
        relay.shutdown()
        relay.server_close()


def test_a_failed_ban_is_queued_again_for_later_where_the_task_backend_can_wait(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    nothing_there = f"http://127.0.0.1:{free_port()}/"
    assert edge.send_ban.call(nothing_there, ["article:1"]) == "retry"
    (again,) = default_task_backend.results
    assert again.args == [nothing_there, ["article:1"], 2]
    assert again.task.run_after > timezone.now()


def test_without_a_cache_in_front_pages_carry_no_tags_and_no_ban_is_queued(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    article = ArticleFactory()
    response = client.get(article.category.get_absolute_url())
    assert response.status_code == 200 and "X-Cache-Tags" not in response
    article.title = "Changed"
    article.save()
    assert not default_task_backend.results
