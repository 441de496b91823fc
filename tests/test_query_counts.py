"""Page cost must not grow with the data: the same SQL queries for 5 and 50 articles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Category

from .factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def _fill(count):
    russia = Category.objects.get(path="world/russia")
    author = AuthorFactory()
    for n in range(count):
        ArticleFactory(category=russia, author=author, tags=[f"tag {n}", f"tag {n + 1}", "Russia"])


def _queries(client, url):
    client.get(url)  # warm the per-process caches (site settings, category paths)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("articles:home"),
        "/world/",
        "/world/russia/",
        reverse("articles:tag", args=["russia"]),
    ],
)
def test_listing_pages_cost_the_same_with_5_and_50_articles(client, url):
    _fill(5)
    with_five = _queries(client, url)
    _fill(45)
    assert _queries(client, url) == with_five
    assert with_five <= 6


def test_article_page_costs_the_same_with_few_and_many_tags(client, seed_article):
    _fill(5)
    with_few = _queries(client, seed_article.get_absolute_url())
    _fill(45)
    seed_article.tags.add(*[f"extra {n}" for n in range(40)])
    assert _queries(client, seed_article.get_absolute_url()) == with_few
    # Rendered from scratch (tests keep no markup); kept, see tests/test_fragments.py.
    assert with_few <= 9
