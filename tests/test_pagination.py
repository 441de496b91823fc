"""Keyset pages (articles/pagination.py): archives and "View all comments"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Category

from .factories import ArticleFactory, CategoryFactory, CommentFactory
from .helpers import COUNTS_A_FRESH_RENDER, page_queries

pytestmark = pytest.mark.django_db


def _link(html, rel):
    found = re.search(rf'<a rel="{rel}" href="([^"]+)">', html)
    return found and found.group(1).replace("&amp;", "&")


def _article_pks(response):
    """The articles a list page shows, in order: the addresses of its lead's and cards'
    titles."""
    pks = {a.get_absolute_url(): a.pk for a in Article.objects.all()}
    titles = r'<h2 class="(?:card|lead)__title"(?: id="lead-title")?><a href="([^"]+)">'
    links = re.findall(titles, response.content.decode())
    return [pks[url] for url in links]


def _walk(client, url, rel="next"):
    """Follow the `rel` links from `url`: the articles of each page, in order."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(_article_pks(response))
        url = _link(response.content.decode(), rel)
    return pages, response


def test_archive_pages_have_no_duplicates_or_gaps_when_times_tie(client, settings):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 4
    category = CategoryFactory()
    same_time = timezone.now() - datetime.timedelta(hours=1)
    tied = ArticleFactory.create_batch(7, category=category, publish_at=same_time)
    older = ArticleFactory.create_batch(
        3, category=category, publish_at=same_time - datetime.timedelta(days=1)
    )
    pages, last = _walk(client, category.get_absolute_url())
    assert [len(page) for page in pages] == [1 + 4, 4, 1]  # the lead above the first
    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(a.pk for a in tied + older)
    assert seen[:7] == sorted((a.pk for a in tied), reverse=True)

    # Back from the last page: the same pages in reverse, ending at the first page.
    back, first = _walk(client, _link(last.content.decode(), "prev"), rel="prev")
    assert back == pages[-2::-1]
    assert _link(first.content.decode(), "prev") is None  # the first page: nothing newer


def test_the_first_page_has_no_cursor_and_later_pages_link_to_it(client, settings):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 2
    ArticleFactory.create_batch(5)
    first = client.get("/")
    assert _link(first.content.decode(), "prev") is None
    second = client.get(_link(first.content.decode(), "next")).content.decode()
    assert '<a href="/">Latest</a>' in second
    back = client.get(_link(second, "prev"))
    assert _article_pks(back) == _article_pks(first)
    assert _link(back.content.decode(), "prev") is None
    assert ">Latest</a>" not in back.content.decode()
    assert '<link rel="canonical" href="http://testserver/">' in back.content.decode()


@pytest.mark.parametrize(
    "cursor",
    ["x", "1.2.3.4.5.6", "99999999999999999999.1", "-1", "1.99999999999999999999", "1..2", " "],
)
def test_a_malformed_cursor_shows_the_first_page(client, settings, cursor):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 2
    newest = ArticleFactory.create_batch(3)[-1]
    for param in ("after", "before"):
        response = client.get("/", {param: cursor})
        assert response.status_code == 200
        assert _article_pks(response)[0] == newest.pk


def test_a_cursor_past_the_end_shows_the_first_page(client):
    article = ArticleFactory(publish_at=timezone.now() - datetime.timedelta(days=1))
    response = client.get("/", {"after": "0.1"})  # 1970: nothing is older
    assert response.status_code == 200
    assert article.pk in _article_pks(response)


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
# The home page's first page also has the front's section rows and three lists, four
# queries (articles/models/front.py); its later pages are the river alone.
@pytest.mark.parametrize(
    ("path", "front"), [("/", 4), ("/world/", 0), ("/world/russia/", 0), ("/tag/russia/", 0)]
)
def test_a_late_archive_page_costs_the_queries_of_the_first(client, settings, path, front):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 2
    russia = Category.objects.get(path="world/russia")
    ArticleFactory.create_batch(12, category=russia, tags=["Russia"])
    first = client.get(path)
    url = path
    for _ in range(4):
        url = _link(client.get(url).content.decode(), "next")
    assert "after=" in url
    assert page_queries(client, url) == page_queries(client, path) - front
    assert not set(_article_pks(client.get(url))) & set(_article_pks(first))


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
def test_all_comments_pages_by_keyset_in_each_sort(client, seed_article, settings):
    settings.MAGAZINE_COMMENT_THREADS_PER_PAGE = 3
    now = timezone.now()
    roots = [
        CommentFactory(article=seed_article, created_at=now - datetime.timedelta(minutes=n // 2))
        for n in range(8)
    ]  # pairs with the same time
    CommentFactory(article=seed_article, parent=roots[0], depth=2)
    url = reverse("articles:comments", args=[seed_article.pk])
    for sort in ("newest", "oldest", "votes"):
        seen, page_url, costs = [], f"{url}?sort={sort}", []
        while page_url:
            html = client.get(page_url).content.decode()
            ids = [int(n) for n in re.findall(r'<li id="comment-(\d+)"', html)]
            seen += [pk for pk in ids if pk in {r.pk for r in roots}]
            costs.append(page_queries(client, page_url))
            page_url = _link(html, "next")
        assert sorted(seen) == sorted(r.pk for r in roots), sort
        assert len(set(costs)) == 1, (sort, costs)


def test_all_comments_ignores_a_cursor_of_another_sort(client, seed_article):
    CommentFactory(article=seed_article)
    url = reverse("articles:comments", args=[seed_article.pk])
    response = client.get(url, {"sort": "votes", "after": "12345.1"})  # a "newest" cursor
    assert response.status_code == 200
    assert len(re.findall(r'<li id="comment-\d+"', response.content.decode())) == 1
