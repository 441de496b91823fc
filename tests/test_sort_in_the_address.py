"""The comments' sort lives in the address alone: a stranger who picks one gets no
cookie, so that page and every later one stay kept (the page cache and a cache in
front), and the links from it carry the sort on."""

import html as markup
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

COMMENT_ID = re.compile(r'<li id="comment-(\d+)"')


def comment_ids(html):
    return [int(pk) for pk in COMMENT_ID.findall(html)]


def link(html, text):
    """The address of the link whose text is `text`."""
    found = re.search(rf'<a[^>]*href="([^"]*)"[^>]*>{re.escape(text)}</a>', html)
    assert found, f"no link {text!r}"
    return markup.unescape(found.group(1))


def oldest_first(article, count):
    now = timezone.now()
    return [
        CommentFactory(article=article, created_at=now - timedelta(hours=count - n)).pk
        for n in range(count)
    ]


def test_a_stranger_picking_a_sort_gets_no_cookie_and_a_kept_page(seed_article):
    url = seed_article.get_absolute_url()
    first = Client().get(url, {"sort": "oldest"})
    assert first.status_code == 200
    assert "Set-Cookie" not in first and not first.cookies
    assert "public" in first["Cache-Control"]
    second = Client().get(url, {"sort": "oldest"})
    assert second["X-Page-Cache"] == "hit"
    assert "public" in second["Cache-Control"]
    assert second.content == first.content


def test_the_all_comments_page_in_a_sort_sets_no_cookie_and_is_kept(seed_article):
    url = reverse("articles:comments", args=[seed_article.pk])
    first = Client().get(url, {"sort": "votes"})
    assert not first.cookies and "public" in first["Cache-Control"]
    assert Client().get(url, {"sort": "votes"})["X-Page-Cache"] == "hit"


def test_the_pages_linked_from_a_sorted_page_keep_the_sort(seed_article, settings):
    settings.MAGAZINE_COMMENT_THREADS_ON_ARTICLE = 2
    settings.MAGAZINE_COMMENT_THREADS_PER_PAGE = 2
    ids = oldest_first(seed_article, 5)
    client = Client()
    article_page = client.get(seed_article.get_absolute_url(), {"sort": "oldest"})
    html = article_page.content.decode()
    assert comment_ids(html) == ids[:2]

    all_comments = client.get(link(html, "View all comments"))
    html = all_comments.content.decode()
    assert comment_ids(html) == ids[:2]
    later = client.get(link(html, "Next"))
    html = later.content.decode()
    assert comment_ids(html) == ids[2:4]
    back = client.get(link(html, "Back to the article"))
    assert comment_ids(back.content.decode()) == ids[:2]
    assert not (article_page.cookies or all_comments.cookies or later.cookies or back.cookies)


def test_a_sort_is_not_read_from_a_cookie_and_an_old_sort_cookie_goes(seed_article):
    """A reader who sorted before has the sort cookie then set: the address decides, and
    the cookie is deleted, so their next pages are kept ones again (a kept page is served
    only to requests with no cookie)."""
    ids = oldest_first(seed_article, 3)
    client = Client()
    client.cookies["comment_sort"] = "oldest"
    url = seed_article.get_absolute_url()
    response = client.get(url)
    assert comment_ids(response.content.decode()) == ids[::-1]  # newest first, the default
    deleted = response.cookies["comment_sort"]
    assert deleted.value == "" and deleted["max-age"] == 0  # a browser drops it
