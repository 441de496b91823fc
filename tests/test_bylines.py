"""Bylines that are true: several authors in order, on the page, the author pages,
JSON-LD, feeds and search, with no query per article on lists."""

import json
import re

import feedparser
import pytest
from django.urls import reverse

from articles.models import Article, ArticleByline

from .factories import ArticleFactory, AuthorFactory
from .helpers import COUNTS_A_FRESH_RENDER, page_queries

pytestmark = pytest.mark.django_db


def _co_written(*names, **fields):
    """A published article by the authors named, the first as the lead byline."""
    authors = [AuthorFactory(name=name, slug=name.lower().replace(" ", "-")) for name in names]
    article = ArticleFactory(author=authors[0], **fields)
    for position, author in enumerate(authors[1:], start=1):
        ArticleByline.objects.create(article=article, author=author, position=position)
    return article, authors


def _text(html):
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    found = [json.loads(block) for block in blocks]
    return next(d for d in found if d.get("@type") == "NewsArticle")


def test_article_page_says_by_a_and_b_each_linking_to_their_page(client):
    article, (ann, bob) = _co_written("Ann Lee", "Bob Ray")
    page = client.get(article.get_absolute_url()).content.decode()
    byline = re.search(r'<div class="byline">(.*?)</div>', page, re.S).group(1)
    assert "By Ann Lee and Bob Ray" in _text(byline)
    assert f'<a href="{ann.get_absolute_url()}">Ann Lee</a>' in byline
    assert f'<a href="{bob.get_absolute_url()}">Bob Ray</a>' in byline


def test_three_authors_stand_in_their_order(client):
    article, (_ann, bob, _cy) = _co_written("Ann Lee", "Bob Ray", "Cy Young")
    ArticleByline.objects.filter(author=bob).update(position=5)
    assert article.byline_names == "Ann Lee, Cy Young and Bob Ray"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "By Ann Lee, Cy Young and Bob Ray" in _text(page)


def test_byline_names_read_as_a_sentence():
    article, _ = _co_written("Ann Lee")
    assert article.byline_names == "Ann Lee"
    ArticleByline.objects.create(article=article, author=AuthorFactory(name="Bob Ray"))
    assert Article.objects.get(pk=article.pk).byline_names == "Ann Lee and Bob Ray"


def test_json_ld_names_every_author_in_order(client):
    article, (_ann, _bob) = _co_written("Ann Lee", "Bob Ray")
    news = _json_ld(client.get(article.get_absolute_url()).content.decode())
    assert news["author"] == [
        {"@type": "Person", "name": "Ann Lee", "url": "http://testserver/author/ann-lee/"},
        {"@type": "Person", "name": "Bob Ray", "url": "http://testserver/author/bob-ray/"},
    ]


def test_co_author_page_lists_the_stories_they_are_on(client):
    _article, (ann, bob) = _co_written("Ann Lee", "Bob Ray", title="Night trains")
    own = ArticleFactory(author=bob, title="Bob’s own story")
    ArticleFactory(title="Someone else's story")
    page = client.get(bob.get_absolute_url()).content.decode()
    assert "Night trains" in page and "Bob’s own story" in page
    assert "Someone else" not in page
    assert "Ann Lee and Bob Ray" in page  # the card names both
    assert own.title in client.get(bob.get_absolute_url()).content.decode()
    assert "Night trains" in client.get(ann.get_absolute_url()).content.decode()


@pytest.mark.parametrize("name", ["author-feed", "author-feed-atom"])
def test_co_authors_feed_has_their_stories_naming_every_author(client, name):
    _article, (_ann, _bob) = _co_written("Ann Lee", "Bob Ray", title="Night trains")
    feed = feedparser.parse(client.get(reverse(f"articles:{name}", args=["bob-ray"])).content)
    assert [entry.title for entry in feed.entries] == ["Night trains"]
    assert feed.entries[0].author == "Ann Lee and Bob Ray"


def test_site_feed_names_every_author(client):
    _co_written("Ann Lee", "Bob Ray", title="Night trains")
    feed = feedparser.parse(client.get(reverse("articles:feed")).content)
    assert feed.entries[0].author == "Ann Lee and Bob Ray"


def test_search_finds_a_story_by_its_other_author(client):
    article, _ = _co_written("Ann Lee", "Bob Zimmerwald", title="Night trains")
    Article.objects.filter(pk=article.pk).refresh_search_text()
    page = client.get(reverse("articles:search"), {"q": "Zimmerwald"}).content.decode()
    assert "Night trains" in page


def test_renaming_a_co_author_renames_them_on_the_story_and_in_search(client):
    article, (_ann, bob) = _co_written("Ann Lee", "Bob Ray")
    client.get(article.get_absolute_url())  # kept in the page cache
    bob.name = "Robert Quillfeather"
    bob.save()
    assert "Ann Lee and Robert Quillfeather" in _text(
        client.get(article.get_absolute_url()).content.decode()
    )
    page = client.get(reverse("articles:search"), {"q": "Quillfeather"}).content.decode()
    assert article.title in page


def _fill(count, author):
    for n in range(count):
        article, _ = _co_written(f"Lead {n} of {count}", f"Other {n} of {count}")
        ArticleByline.objects.create(article=article, author=author, position=9)


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
@pytest.mark.parametrize("url_name", ["author", "author-feed"])
def test_author_pages_cost_the_same_with_5_and_50_co_written_stories(client, url_name):
    author = AuthorFactory(slug="ada")
    _fill(5, author)
    url = reverse(f"articles:{url_name}", args=["ada"])
    with_five = page_queries(client, url)
    _fill(45, author)
    assert page_queries(client, url) == with_five
