"""Pages a shared cache may hold: anonymous pages carry no per-request secret, say so
in Cache-Control, and are kept compressed as well as plain (issue 17, findings 4 and 5)."""

import gzip
import re
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import front

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def stranger_get(url, **headers):
    return Client().get(url, headers=headers)


def test_an_anonymous_article_page_with_the_comment_form_carries_no_secret(seed_article):
    response = stranger_get(seed_article.get_absolute_url())
    html = response.content.decode()
    assert "data-comment-form" in html  # the comment form is on the page...
    assert "csrfmiddlewaretoken" not in html  # ...with no token
    assert not re.search(r'name="[\w-]*form_started" value="[^"]', html)  # ...and no stamp
    assert not response.cookies  # no CSRF cookie, no reader cookie
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage=60" in cache_control
    assert "private" not in cache_control and "no-cache" not in cache_control


def test_two_strangers_get_the_same_bytes(seed_article):
    url = seed_article.get_absolute_url()
    first, second, third = (stranger_get(url) for _ in range(3))
    assert second["X-Page-Cache"] == "hit"
    assert first.content == second.content == third.content
    assert first["ETag"] == second["ETag"]
    assert "Set-Cookie" not in second and not second.cookies


def test_kept_pages_vary_on_cookie_and_encoding(seed_article):
    url = seed_article.get_absolute_url()
    for response in (stranger_get(url), stranger_get(url), stranger_get(url, **GZIP)):
        varies = {part.strip().lower() for part in response["Vary"].split(",")}
        assert {"cookie", "accept-encoding"} <= varies


def test_a_cache_hit_for_a_gzip_client_is_the_kept_compressed_copy(seed_article):
    url = seed_article.get_absolute_url()
    plain = stranger_get(url)
    stranger_get(url, **GZIP)  # the first kept page, in case the first was not kept
    with mock.patch("gzip.compress") as compress:
        hit = stranger_get(url, **GZIP)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Content-Encoding"] == "gzip"
    assert not compress.called  # nothing compressed anew
    assert gzip.decompress(hit.content) == plain.content
    assert hit["ETag"] != plain["ETag"]


def test_each_copy_answers_its_own_etag_with_not_modified(seed_article):
    url = seed_article.get_absolute_url()
    stranger_get(url)
    plain, compressed = stranger_get(url), stranger_get(url, **GZIP)
    assert stranger_get(url, **{"If-None-Match": plain["ETag"]}).status_code == 304
    assert stranger_get(url, **GZIP, **{"If-None-Match": compressed["ETag"]}).status_code == 304
    # The plain copy's ETag does not stand for the compressed one, nor the other way.
    assert stranger_get(url, **GZIP, **{"If-None-Match": plain["ETag"]}).status_code == 200
    assert stranger_get(url, **{"If-None-Match": compressed["ETag"]}).status_code == 200


def test_home_and_section_pages_may_be_shared_too(seed_article):
    for url in ("/", "/world/"):
        stranger_get(url)
        hit = stranger_get(url)
        # Home's lists are drawn again at the quarter hour: a minute, or until then.
        until_redrawn = (front.refresh_at() - timezone.now()).total_seconds()
        assert hit["X-Page-Cache"] == "hit"
        shared_for = int(re.search(r"s-maxage=(\d+)", hit["Cache-Control"])[1])
        assert shared_for == 60 or (url == "/" and shared_for <= until_redrawn + 1), url
        assert not hit.cookies
