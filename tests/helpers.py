"""Helpers shared by test modules (fixtures live in conftest.py, factories in factories.py).

A test module imports shared helpers from here, never from another test module
(tests/test_project.py checks).
"""

from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import readers

from .factories import ArticleFactory, CommentFactory, started_token

# What `make serve` runs with, for the tests that run the production settings file.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "magazine.example.com",
}

# The reason of `@pytest.mark.caches_off` for query-count guards.
COUNTS_A_FRESH_RENDER = (
    "counts the queries of a page rendered afresh, with many rows; a kept page costs none "
    "(tests/test_pagecache.py, tests/test_fragments.py)"
)


def page_queries(client, url, data=None):
    """How many SQL queries `url` costs, rendered once the per-process caches (site
    settings, category paths) are warm."""
    client.get(url, data)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response, "a page cache hit counts nothing: mark caches_off"
    return len(queries)


def reader_cookie(token):
    """A reader cookie as the site would sign it."""
    response = HttpResponse()
    response.set_signed_cookie(readers.COOKIE_NAME, token, salt=readers.COOKIE_SALT)
    return response.cookies[readers.COOKIE_NAME].value


def post_comment(client, article, body="A thoughtful remark.", follow=False, **fields):
    """Posts a comment through the public form, as a reader who took their time."""
    data = {
        "name": "Ann Reader",
        "email": "ann@example.com",
        "body": body,
        "form_started": started_token(),
        **fields,
    }
    return client.post(reverse("articles:comment-post", args=[article.pk]), data, follow=follow)


def approved_author(email="ann@example.com", article=None):
    """An address that already has an approved comment, so its next ones post directly."""
    return CommentFactory(email=email, article=article or ArticleFactory())
