"""Search: published articles by any of their words, on SQLite and PostgreSQL alike."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import search
from articles.models import Article, Category

from .factories import ArticleFactory, AuthorFactory, CategoryFactory
from .helpers import COUNTS_A_FRESH_RENDER, page_queries

pytestmark = pytest.mark.django_db
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)

HOSTILE_QUERIES = [
    "",
    "   ",
    "x" * 1000,
    "putin " * 200,
    '"unbalanced quote',
    '"putin sanctions"',
    "putin & | ! ( ) :* <-> sanctions",
    "-putin or OR and NOT",
    "' OR 1=1 --",
    "%_\\",
    "\x00\x01\x1f",
    "é́́́ z̷̢̛a̶l̴g̸o 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ 🇺🇦 \u202eevil\u200b",
    "<script>alert(1)</script>",
]


def _titles(client, query, **params):
    response = client.get(reverse("articles:search"), {"q": query, **params})
    assert response.status_code == 200
    return _shown_titles(response)


def _shown_titles(response):
    """The titles of the results, in the order the page shows them."""
    found = re.findall(
        r'<h2 class="card__title"><a href="[^"]+">(.*?)</a></h2>', response.content.decode()
    )
    return [html.unescape(title) for title in found]


@pytest.mark.parametrize(
    "query",
    ["Lukashenka", "lukashenka", "SOCHI skiing", "Sanctions", "Russia", "Newsroom"],
    ids=["title", "lower case", "body words", "tag", "section", "author"],
)
def test_search_finds_the_seed_story_by_title_body_tag_section_and_author(
    client, seed_article, query
):
    assert seed_article.title in _titles(client, query)


def test_search_finds_by_standfirst_and_every_word_must_match(client):
    article = ArticleFactory(title="Harbour report", standfirst="Fishermen protest quotas")
    assert article.title in _titles(client, "fishermen quotas")
    assert article.title not in _titles(client, "fishermen zeppelin")


def test_search_matches_accented_words_in_any_case(client):
    article = ArticleFactory(title="Talks at the Élysée", body="<p>Émigrés return.</p>")
    assert article.title in _titles(client, "élysée")
    assert article.title in _titles(client, "ÉLYSÉE ÉMIGRÉS")


def test_search_finds_tags_added_after_the_article_was_saved(client):
    article = ArticleFactory(tags=["Zeppelins"])
    assert article.title in _titles(client, "zeppelins")


def test_search_follows_renamed_sections_and_authors(client):
    article = ArticleFactory(category=CategoryFactory(name="Culture"))
    article.category.name = "Arts"
    article.category.save()
    article.author.name = "Ada Quillfeather"
    article.author.save()
    assert article.title in _titles(client, "arts quillfeather")


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"status": Article.Status.ARCHIVED},
        {"publish_at": "future"},
    ],
    ids=["draft", "review", "archived", "scheduled"],
)
def test_search_never_shows_unpublished_articles(client, state):
    if state.get("publish_at") == "future":
        state = {"publish_at": timezone.now() + datetime.timedelta(days=1)}
    article = ArticleFactory(title="Secret zeppelin plans", **state)
    assert article.title not in _titles(client, "zeppelin")
    assert not Article.objects.published().search("zeppelin").exists()


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_odd_queries_never_fail(client, seed_article, query):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_bytes_that_are_not_utf8_are_a_query_too(client, seed_article):
    response = client.get(reverse("articles:search") + "?q=%ED%A0%80%FF%00%C3")
    assert response.status_code == 200
    assert search.clean_query("\ud800 lone surrogate \x00") == "lone surrogate"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow
@given(query=st.text(max_size=300))
def test_any_text_is_a_query_that_answers(client, seed_article, query):
    assert client.get(reverse("articles:search"), {"q": query}).status_code == 200


@pytest.mark.slow
@given(query=st.text(max_size=2000))
@settings(max_examples=60, deadline=None)
def test_cleaned_queries_are_short_and_free_of_control_characters(query):
    cleaned = search.clean_query(query)
    assert len(cleaned) <= search.MAX_QUERY_LENGTH
    assert not re.search(r"[\x00-\x1f\x7f]", cleaned)
    assert len(search.query_words(cleaned)) <= search.MAX_WORDS


def test_empty_query_shows_the_form_and_no_results(client, seed_article):
    response = client.get(reverse("articles:search"))
    assert response.status_code == 200
    assert _shown_titles(response) == []
    assert 'name="q"' in response.content.decode()


def test_snippets_highlight_the_words_and_escape_the_text(client):
    ArticleFactory(
        title="Harbour report",
        body="<p>Fishermen wrote &lt;script&gt;alert(1)&lt;/script&gt; on the quay.</p>",
    )
    page = client.get(reverse("articles:search"), {"q": "fishermen"}).content.decode()
    assert re.search(r"<mark>Fishermen</mark>", page)
    # Shown as text (PostgreSQL's headline drops what looks like a tag), never as markup.
    assert "alert(1)" in page
    assert "<script>alert" not in page


def test_results_are_paginated_and_page_links_keep_the_query(client, settings):
    category = CategoryFactory()
    ArticleFactory.create_batch(
        settings.MAGAZINE_ARTICLES_PER_PAGE + 2, category=category, title="Zeppelin news"
    )
    first = client.get(reverse("articles:search"), {"q": "zeppelin"})
    assert "<span>Page 1 of 2</span>" in first.content.decode()
    assert 'href="?q=zeppelin&amp;page=2"' in first.content.decode()
    second = client.get(reverse("articles:search"), {"q": "zeppelin", "page": 2})
    assert len(_shown_titles(second)) == 2
    assert client.get(reverse("articles:search"), {"q": "zeppelin", "page": 9}).status_code == 404


def test_every_page_has_a_labelled_search_form_in_the_header(client, seed_article):
    for url in ("/", "/world/", seed_article.get_absolute_url()):
        header = re.search(
            r"<header class=\"site-header\">.*?</header>", client.get(url).content.decode(), re.S
        ).group(0)
        assert 'role="search"' in header
        assert '<label for="site-search-q">' in header
        assert 'id="site-search-q" name="q"' in header


def test_search_page_is_not_indexed_and_sets_no_cookie(client, seed_article):
    response = client.get(reverse("articles:search"), {"q": "putin"})
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert not response.cookies


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
def test_search_costs_the_same_queries_with_5_and_50_matches(client):
    """Each result shows a passage of its text: read with the results, not one by one."""
    russia = Category.objects.get(path="world/russia")
    author = AuthorFactory()

    def fill(count):
        for _ in range(count):
            ArticleFactory(
                category=russia,
                author=author,
                title="Zeppelin sighted",
                body="<p>A zeppelin flew over the harbour.</p>",
                tags=["Air"],
            )

    def queries():
        return page_queries(client, reverse("articles:search"), {"q": "zeppelin"})

    fill(5)
    with_five = queries()
    fill(45)
    assert queries() == with_five
    assert with_five <= 4


@pytest.mark.postgres
@needs_postgres
def test_postgres_ranks_title_matches_above_body_matches(client):
    in_body = ArticleFactory(title="Harbour report", body="<p>A zeppelin flew over.</p>")
    in_title = ArticleFactory(
        title="Zeppelin over the harbour",
        body="<p>Nothing else.</p>",
        publish_at=in_body.publish_at - datetime.timedelta(days=1),
    )
    assert _titles(client, "zeppelin") == [in_title.title, in_body.title]


@pytest.mark.postgres
@needs_postgres
def test_postgres_search_uses_the_gin_index(seed_article):
    with connection.cursor() as cursor:
        # A handful of rows: make the planner show what it would do with many.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Article.objects.search("putin").explain()
    assert search.INDEX_NAME in plan


@pytest.mark.postgres
@needs_postgres
def test_postgres_understands_phrases_and_exclusions(client, seed_article):
    other = ArticleFactory(title="Putin visits a factory")
    assert _titles(client, '"black sea resort"') == [seed_article.title]
    assert _titles(client, "putin -lukashenka") == [other.title]
