"""Page cost must not grow with the data: the same SQL queries for 5 and 50 articles."""

import pytest
from django.urls import reverse

from articles.models import Category

from .factories import ArticleFactory, AuthorFactory
from .helpers import COUNTS_A_FRESH_RENDER, page_queries

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER),
]


def _fill(count):
    russia = Category.objects.get(path="world/russia")
    author = AuthorFactory()
    for n in range(count):
        ArticleFactory(category=russia, author=author, tags=[f"tag {n}", f"tag {n + 1}", "Russia"])


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The next scheduled time, the page of articles, their other authors; the front's
        # section rows, "Most read", "Most discussed" and "Top rated" (articles/models/front.py),
        # one query each whatever the number of sections (tests/test_front_page.py).
        (reverse("articles:home"), 7),
        # Those, and its subcategories; the category and its breadcrumbs come from the
        # cached categories (`Category.ancestors`), no query.
        ("/world/", 4),
        ("/world/russia/", 4),
        # Those, and the tag.
        (reverse("articles:tag", args=["russia"]), 4),
    ],
)
def test_listing_pages_cost_the_same_with_5_and_50_articles(client, url, queries):
    _fill(5)
    with_five = page_queries(client, url)
    _fill(45)
    assert page_queries(client, url) == with_five
    assert with_five == queries


def test_article_page_costs_the_same_with_few_and_many_tags(client, seed_article):
    _fill(5)
    with_few = page_queries(client, seed_article.get_absolute_url())
    _fill(45)
    seed_article.tags.add(*[f"extra {n}" for n in range(40)])
    assert page_queries(client, seed_article.get_absolute_url()) == with_few
    # Rendered from scratch (tests keep no markup); kept, see tests/test_fragments.py.
    # The article with its lead author and image; its agencies; its tags; the other
    # authors (`Article.bylines()`, shared with the JSON-LD); the passages' questions
    # and last answers; the comment threads. No query for its category or breadcrumbs
    # (the cached categories) nor for the lead author (columns of the article's query).
    # The related stories (one query, whatever the number of tags) and the next scheduled
    # time, by which they change (articles/views/related.py). The editors' picks pinned
    # above the comments (one query, however many; articles.models.comment_section).
    assert with_few == 10
