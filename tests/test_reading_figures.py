"""Reading figures without a tracker: the beacon counts readers' views, in batches."""

import datetime
import re
import sqlite3

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from articles import readership
from articles.models import Article, DailyViews, SiteSettings

from . import servers
from .factories import ArticleFactory, make_editor

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
FROM_OUR_PAGE = {"Sec-Fetch-Site": "same-origin", "User-Agent": BROWSER}


@pytest.fixture(autouse=True)
def counter(monkeypatch):
    """A counter of the test's own, written only when the test flushes it."""
    fresh = readership.ViewCounter(flush_views=10_000, flush_seconds=3600)
    monkeypatch.setattr(readership, "counter", fresh)
    return fresh


def beacon(client, article, method="post", **headers):
    url = reverse("articles:beacon", args=[article.pk])
    return getattr(client, method)(url, headers={**FROM_OUR_PAGE, **headers})


def views_of(article):
    return sum(DailyViews.objects.filter(article=article).values_list("views", flat=True))


def test_each_view_counts_once(counter, seed_article):
    for _ in range(3):
        assert beacon(Client(), seed_article).status_code == 204
    assert counter.flush() == 3
    assert views_of(seed_article) == 3
    row = DailyViews.objects.get(article=seed_article)
    assert row.day == readership.today()


def test_the_image_counts_for_a_browser_without_javascript(counter, seed_article):
    response = beacon(Client(), seed_article, method="get")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert "no-store" in response["Cache-Control"]  # never kept by a cache in front
    assert not response.cookies
    counter.flush()
    assert views_of(seed_article) == 1


def test_staff_are_not_counted(counter, client, seed_article):
    client.force_login(make_editor())
    assert beacon(client, seed_article).status_code == 204
    counter.flush()
    assert views_of(seed_article) == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        # Named by the kept crawler-user-agents list, not by any word bots share.
        "axios/1.7.2",
        "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
        "Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)",
    ],
)
def test_known_bots_are_not_counted(counter, seed_article, user_agent):
    assert beacon(Client(), seed_article, **{"User-Agent": user_agent}).status_code == 204
    counter.flush()
    assert views_of(seed_article) == 0


def test_nothing_is_counted_while_counting_is_switched_off(counter, seed_article):
    site = SiteSettings.load()
    site.count_readers = False
    site.save()
    beacon(Client(), seed_article)
    counter.flush()
    assert views_of(seed_article) == 0


def test_an_article_that_is_not_published_gets_no_views(counter):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    beacon(Client(), draft)
    beacon(Client(), type("Gone", (), {"pk": 999_999})())
    counter.flush()
    assert not DailyViews.objects.exists()


def test_an_id_no_article_can_have_counts_nothing_and_breaks_nothing(counter, seed_article):
    assert beacon(Client(), type("Too long", (), {"pk": 10**30})()).status_code == 204
    beacon(Client(), seed_article)
    assert counter.flush() == 1
    assert views_of(seed_article) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "", "Origin": "https://elsewhere.example"},
        {"Sec-Fetch-Site": "", "Referer": "https://elsewhere.example/page/"},
        {"Sec-Fetch-Site": ""},
    ],
)
@pytest.mark.parametrize("method", ["post", "get"])
def test_a_view_sent_from_another_site_is_refused(counter, seed_article, headers, method):
    assert beacon(Client(), seed_article, method=method, **headers).status_code == 403
    counter.flush()
    assert views_of(seed_article) == 0


def test_an_old_browser_on_our_page_is_counted_by_its_origin(counter, seed_article):
    beacon(Client(), seed_article, **{"Sec-Fetch-Site": "", "Origin": "http://testserver"})
    beacon(
        Client(),
        seed_article,
        method="get",
        **{"Sec-Fetch-Site": "", "Referer": "http://testserver" + seed_article.get_absolute_url()},
    )
    counter.flush()
    assert views_of(seed_article) == 2


def test_a_flush_adds_the_batch_to_the_days_figures(seed_article):
    other = ArticleFactory()
    day = readership.today()
    DailyViews.objects.create(article=seed_article, day=day, views=5)
    counter = readership.ViewCounter(flush_views=10_000, flush_seconds=3600)
    for article in (seed_article, seed_article, other):
        counter.add(article.pk, day)
    counter.add(seed_article.pk, day - datetime.timedelta(days=1))
    assert counter.flush() == 4
    assert DailyViews.objects.get(article=seed_article, day=day).views == 7
    assert (
        DailyViews.objects.get(article=seed_article, day=day - datetime.timedelta(days=1)).views
        == 1
    )
    assert DailyViews.objects.get(article=other, day=day).views == 1
    assert counter.pending() == {}


def test_a_batch_is_written_when_enough_views_came_in(seed_article):
    counter = readership.ViewCounter(flush_views=3, flush_seconds=3600)
    for _ in range(2):
        counter.add(seed_article.pk, readership.today())
    assert views_of(seed_article) == 0
    counter.add(seed_article.pk, readership.today())
    assert views_of(seed_article) == 3


def test_a_batch_is_written_when_its_time_has_come(seed_article):
    now = [0.0]
    counter = readership.ViewCounter(flush_views=10_000, flush_seconds=60, clock=lambda: now[0])
    counter.add(seed_article.pk, readership.today())
    assert views_of(seed_article) == 0
    now[0] = 61.0
    counter.add(seed_article.pk, readership.today())
    assert views_of(seed_article) == 2


def test_a_failed_flush_keeps_the_views_for_the_next(monkeypatch, seed_article, caplog):
    counter = readership.ViewCounter(flush_views=10_000, flush_seconds=3600)
    counter.add(seed_article.pk, readership.today())
    counter.add(seed_article.pk, readership.today())
    written = readership.write

    def database_busy(counts):
        raise OperationalError("database is locked")

    monkeypatch.setattr(readership, "write", database_busy)
    assert counter.flush() == 0
    assert "kept for the next try" in caplog.text
    counter.add(seed_article.pk, readership.today())
    monkeypatch.setattr(readership, "write", written)
    assert counter.flush() == 3
    assert views_of(seed_article) == 3


def test_a_workers_last_views_are_written_when_it_exits(tmp_path):
    """A quiet site's last views are not lost: gunicorn's worker writes them as it stops."""
    env = servers.production_env(tmp_path, 1)
    servers.migrate(env)
    database = sqlite3.connect(tmp_path / "site.sqlite3")
    (seed_id,) = database.execute(
        "SELECT id FROM articles_article WHERE slug = ?", [servers.SEED_PATH.split("/")[-2]]
    ).fetchone()
    with servers.gunicorn(env) as port:
        for _ in range(2):
            status, _, _ = servers.request(port, "POST", f"/read/{seed_id}/", headers=FROM_OUR_PAGE)
            assert status == 204
        assert database.execute("SELECT count(*) FROM articles_dailyviews").fetchone() == (0,)
    assert database.execute("SELECT sum(views) FROM articles_dailyviews").fetchone() == (2,)


def test_the_beacon_markup_names_the_article_only(seed_article):
    html = render_to_string(
        "articles/includes/beacon.html", {"article": seed_article, "is_preview": False}
    )
    url = reverse("articles:beacon", args=[seed_article.pk])
    assert f'data-beacon-url="{url}"' in html
    assert f'<noscript><img src="{url}" alt=""' in html  # counts without JavaScript
    assert re.search(r'<script src="[^"]*beacon[^"]*\.js"', html)
    assert "<script>" not in html  # no inline script (Content-Security-Policy)
    preview = {"article": seed_article, "is_preview": True}
    assert "beacon" not in render_to_string("articles/includes/beacon.html", preview)


def test_a_page_served_from_the_cache_still_counts_its_reader(counter, seed_article):
    page_url = seed_article.get_absolute_url()
    Client().get(page_url)
    for _ in range(2):
        page = Client().get(page_url)
        assert page["X-Page-Cache"] == "hit"
        beacon_url = reverse("articles:beacon", args=[seed_article.pk])
        assert f'data-beacon-url="{beacon_url}"' in page.content.decode()
        beacon(Client(), seed_article)
    counter.flush()
    assert views_of(seed_article) == 2
