"""Bylines that are true: several authors in order, on the page, the author pages,
JSON-LD, feeds and search, with no query per article on lists."""

import json
import re

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ArticleByline, ArticleRevision

from .factories import (
    ArticleFactory,
    AuthorFactory,
    make_editor,
    make_writer,
    new_article_admin_data,
)
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


@pytest.mark.parametrize("address", ["home", "section", "search"])
def test_cards_in_lists_name_every_author(client, address):
    article, _ = _co_written("Ann Lee", "Bob Ray", title="Night trains")
    Article.objects.filter(pk=article.pk).refresh_search_text()
    url, query = {
        "home": ("/", {}),
        "section": (article.category.get_absolute_url(), {}),
        "search": (reverse("articles:search"), {"q": "Night trains"}),
    }[address]
    page = client.get(url, query).content.decode()
    # On a card, or as the lead of the home and section pages.
    assert re.search('<p class="(card|lead)__meta">Ann Lee and Bob Ray ·', page)


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


# The article form: other authors in order, and who may byline whom.


def _article_form(article=None, others=(), **overrides):
    """What the admin's article form posts, with the "Other authors" rows."""
    data = new_article_admin_data(
        title=article.title if article else "A story by two",
        slug=article.slug if article else "a-story-by-two",
        author=article.author_id if article else "",
    ) | {
        "co_bylines-TOTAL_FORMS": str(len(others)),
        "co_bylines-INITIAL_FORMS": "0",
    }
    for n, (author, position) in enumerate(others):
        data[f"co_bylines-{n}-author"] = author.pk
        data[f"co_bylines-{n}-position"] = position
    return data | overrides


def _errors(response):
    return _text(response.content.decode())


def test_editor_adds_other_authors_in_order_guest_authors_too(client):
    client.force_login(make_editor())
    lead, guest, staff = (
        AuthorFactory(name="Ann Lee"),
        AuthorFactory(name="Guest Writer"),
        AuthorFactory(name="Bob Ray", user=make_writer()),
    )
    response = client.post(
        reverse("admin:articles_article_add"),
        _article_form(author=lead.pk, others=[(staff, 2), (guest, 1)]),
    )
    assert response.status_code == 302, _errors(response)[:3000]
    article = Article.objects.get(slug="a-story-by-two")
    assert article.byline_names == "Ann Lee, Guest Writer and Bob Ray"
    assert guest.user is None


def test_editor_is_refused_the_lead_as_another_author_too(client):
    client.force_login(make_editor())
    lead = AuthorFactory(name="Ann Lee")
    response = client.post(
        reverse("admin:articles_article_add"), _article_form(author=lead.pk, others=[(lead, 1)])
    )
    assert response.status_code == 200
    assert "Ann Lee is the lead byline already." in _errors(response)
    assert not Article.objects.filter(slug="a-story-by-two").exists()


def test_writer_is_offered_only_their_own_byline(client):
    writer = make_writer()
    own = AuthorFactory(name="Wanda Writer", user=writer)
    AuthorFactory(name="Eddie Editor", user=make_editor())
    AuthorFactory(name="Guest Writer")
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "Wanda Writer" in page
    assert "Eddie Editor" not in page and "Guest Writer" not in page
    assert f'<option value="{own.pk}" selected>Wanda Writer</option>' in page


@pytest.mark.parametrize("where", ["lead", "other"])
def test_writer_cannot_byline_someone_else_in_a_crafted_post(client, where):
    writer = make_writer()
    own = AuthorFactory(name="Wanda Writer", user=writer)
    editor = AuthorFactory(name="Eddie Editor", user=make_editor())
    client.force_login(writer)
    data = (
        _article_form(author=editor.pk)
        if where == "lead"
        else _article_form(author=own.pk, others=[(editor, 1)])
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "You can put only your own byline on a story" in _errors(response)
    assert not Article.objects.filter(slug="a-story-by-two").exists()
    assert 'value="A story by two"' in response.content.decode()  # what was typed


def test_writer_keeps_the_bylines_an_editor_put_on_their_story(client):
    writer = make_writer()
    AuthorFactory(name="Wanda Writer", user=writer)
    article, (_ann, bob) = _co_written(
        "Ann Lee", "Bob Ray", created_by=writer, status=Article.Status.DRAFT, publish_at=None
    )
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = _article_form(article, title="Retitled")
    row = article.co_bylines.get()
    data |= {
        "co_bylines-TOTAL_FORMS": "1",
        "co_bylines-INITIAL_FORMS": "1",
        "co_bylines-0-id": row.pk,
        "co_bylines-0-author": bob.pk,
        "co_bylines-0-position": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)[:3000]
    article.refresh_from_db()
    assert (article.title, article.byline_names) == ("Retitled", "Ann Lee and Bob Ray")


def _both_rows_given(article, first_author, second_author):
    """The change form's address and data, its two "Other authors" rows given these."""
    rows = article.co_bylines.order_by("position")
    data = _article_form(article) | {
        "co_bylines-TOTAL_FORMS": "2",
        "co_bylines-INITIAL_FORMS": "2",
    }
    for n, (row, author) in enumerate(zip(rows, (first_author, second_author), strict=True)):
        data |= {
            f"co_bylines-{n}-id": row.pk,
            f"co_bylines-{n}-author": author.pk,
            f"co_bylines-{n}-position": str(n + 1),
        }
    return reverse("admin:articles_article_change", args=[article.pk]), data


def test_editor_swaps_two_other_authors_in_place(client):
    """Row one becomes the second author and row two the first: each name stays once."""
    client.force_login(make_editor())
    article, (_ann, bob, cy) = _co_written(
        "Ann Lee", "Bob Ray", "Cy Day", status=Article.Status.DRAFT, publish_at=None
    )
    response = client.post(*_both_rows_given(article, cy, bob))
    assert response.status_code == 302, _errors(response)[:3000]
    article.refresh_from_db()
    assert article.byline_names == "Ann Lee, Cy Day and Bob Ray"


def test_the_same_other_author_twice_is_still_refused_when_both_rows_change(client):
    client.force_login(make_editor())
    article, (_ann, _bob, cy) = _co_written(
        "Ann Lee", "Bob Ray", "Cy Day", status=Article.Status.DRAFT, publish_at=None
    )
    response = client.post(*_both_rows_given(article, cy, cy))
    assert response.status_code == 200
    assert "Please correct the duplicate data for author" in _errors(response)
    article.refresh_from_db()
    assert article.byline_names == "Ann Lee, Bob Ray and Cy Day"


def test_a_form_without_the_other_authors_leaves_them(client):
    client.force_login(make_editor())
    article, _ = _co_written("Ann Lee", "Bob Ray", status=Article.Status.DRAFT, publish_at=None)
    data = _article_form(article, title="Retitled")
    del data["co_bylines-TOTAL_FORMS"], data["co_bylines-INITIAL_FORMS"]
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, _errors(response)[:3000]
    assert Article.objects.get(pk=article.pk).byline_names == "Ann Lee and Bob Ray"


def test_writers_read_only_view_of_a_published_story_shows_it_rendered(client):
    writer = make_writer()
    article = ArticleFactory(created_by=writer, body="<p>First <strong>bold</strong> words.</p>")
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<strong>bold</strong> words." in html
    assert "&lt;p&gt;" not in html and "&lt;strong&gt;" not in html


def test_author_admin_shows_the_account_behind_a_byline(client):
    client.force_login(make_editor())
    writer = make_writer(username="wanda")
    AuthorFactory(name="Wanda Writer", user=writer)
    AuthorFactory(name="Guest Writer")
    page = client.get(reverse("admin:articles_author_changelist")).content.decode()
    assert f'<a href="{reverse("admin:auth_user_change", args=[writer.pk])}">wanda</a>' in page
    assert "Guest author (no account)" in page


def test_history_keeps_the_other_authors_and_restore_brings_them_back(client):
    client.force_login(make_editor())
    article, (_ann, bob) = _co_written(
        "Ann Lee", "Bob Ray", status=Article.Status.DRAFT, publish_at=None
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    row = article.co_bylines.get()
    first = _article_form(article) | {
        "co_bylines-TOTAL_FORMS": "1",
        "co_bylines-INITIAL_FORMS": "1",
        "co_bylines-0-id": row.pk,
        "co_bylines-0-author": bob.pk,
        "co_bylines-0-position": "1",
    }
    assert client.post(url, first).status_code == 302
    saved = ArticleRevision.objects.saved().filter(article=article).first()
    assert saved.bylines == [bob.pk]
    assert client.post(url, first | {"co_bylines-0-DELETE": "on"}).status_code == 302
    assert Article.objects.get(pk=article.pk).byline_names == "Ann Lee"
    assert ArticleRevision.objects.saved().filter(article=article).first().bylines == []
    client.post(reverse("admin:articles_article_restore", args=[article.pk, saved.pk]))
    assert Article.objects.get(pk=article.pk).byline_names == "Ann Lee and Bob Ray"
    compare = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"a": saved.pk}
    )
    assert compare.status_code == 200


def _reindexing_queries(stories):
    author, other = AuthorFactory(), AuthorFactory()
    for article in ArticleFactory.create_batch(stories, author=author):
        article.set_co_authors([other.pk])
    with CaptureQueriesContext(connection) as counted:
        Article.objects.filter(author=author).refresh_search_text()
    return len(counted)


def test_renaming_an_author_on_many_stories_reindexes_them_in_constant_queries():
    """An author's rename reindexes every article they are on (`refresh_search_text`):
    a query per article for its other authors made a busy author's rename slow."""
    assert _reindexing_queries(12) == _reindexing_queries(3)
