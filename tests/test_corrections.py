"""Corrections and updates readers see: the "Updated" line, the corrections box, JSON-LD,
the feeds and /corrections/. A silent save (a typo) changes none of them."""

import datetime
import html as html_module
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ChangeNote

from .factories import ArticleFactory, article_admin_data, make_editor, make_writer
from .helpers import COUNTS_A_FRESH_RENDER, page_queries

pytestmark = pytest.mark.django_db

NOTE = "An earlier version of this article said 300 people attended; it was 350."
ATOM = "{http://www.w3.org/2005/Atom}"
as_json = DjangoJSONEncoder().default  # how JSON-LD writes a time


@pytest.fixture
def story():
    return ArticleFactory(
        title="Crowds in Sochi", body="<p>About 300 people attended.</p><p>More.</p>"
    )


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_editor())
    return client


def _save(client, article, kind, note="", **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_admin_data(
        article,
        body="<p>About 350 people attended.</p><p>More.</p>",
        change_kind=kind,
        change_note=note,
        **changes,
    )
    response = client.post(url, data)
    article.refresh_from_db()
    return response


def _page(article):
    return Client().get(article.get_absolute_url()).content.decode()


def _text(html):
    """The page's text as a reader reads it, without tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return next(d for d in map(json.loads, blocks) if d.get("@type") == "NewsArticle")


def test_fixing_a_figure_as_a_correction_shows_readers_the_time_and_the_note(story, editor_client):
    before = _page(story)  # kept in the page cache and as kept markup
    assert "Updated" not in before
    assert Client().get(story.get_absolute_url())["X-Page-Cache"] == "hit"
    assert _save(editor_client, story, "correction", NOTE).status_code == 302
    page = _page(story)
    assert "About 350 people attended." in page
    local = timezone.localtime(story.revised_at)
    assert f"Updated {local:%-d %B %Y, %H:%M}" in _text(page)
    box = re.search(r'<section class="corrections".*?</section>', page, re.S).group(0)
    assert NOTE in box
    note = ChangeNote.objects.get()
    assert f'id="{note.anchor}"' in box


def test_a_silent_save_shows_no_updated_time(story, editor_client):
    published = story.publish_at
    assert _save(editor_client, story, "silent").status_code == 302
    assert story.revised_at is None
    page = _page(story)
    assert "About 350 people attended." in page
    assert "Updated" not in page
    assert 'class="corrections"' not in page
    data = _json_ld(page)
    assert data["dateModified"] == data["datePublished"]
    assert abs(datetime.datetime.fromisoformat(data["dateModified"]) - published).seconds < 1
    assert not ChangeNote.objects.exists()


def test_an_update_sets_the_time_and_shows_its_optional_note(story, editor_client):
    assert _save(editor_client, story, "update").status_code == 302
    page = _page(story)
    assert "Updated " in page
    assert 'class="corrections"' not in page  # no note, no box
    assert _save(editor_client, story, "update", "Adds the mayor's reaction.").status_code == 302
    assert "Adds the mayor&#39;s reaction." in _page(story)


def test_a_correction_needs_a_note(story, editor_client):
    response = _save(editor_client, story, "correction", "")
    assert response.status_code == 200
    assert "Say what was wrong" in response.content.decode()
    story.refresh_from_db()
    assert "300" in story.body and story.revised_at is None


def test_json_ld_carries_date_modified_and_the_corrections(story, editor_client):
    _save(editor_client, story, "correction", NOTE)
    data = _json_ld(_page(story))
    assert data["dateModified"] == as_json(story.revised_at)
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": NOTE,
            "datePublished": as_json(ChangeNote.objects.get().created_at),
        }
    ]


def test_feeds_carry_the_update_time_and_corrections_have_their_own(story, editor_client, client):
    _save(editor_client, story, "correction", NOTE)
    atom = ET.fromstring(client.get(reverse("articles:feed-atom")).content)
    entry = next(e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == story.title)
    assert entry.findtext(f"{ATOM}updated") == story.revised_at.isoformat()
    listing = client.get(reverse("articles:corrections")).content.decode()
    assert NOTE in listing and story.title in listing
    assert story.get_absolute_url() + "#" + ChangeNote.objects.get().anchor in listing
    rss = ET.fromstring(client.get(reverse("articles:corrections-feed")).content)
    item = rss.find("channel/item")
    assert NOTE in item.findtext("description")
    assert item.findtext("link").endswith("#" + ChangeNote.objects.get().anchor)


def test_corrections_listing_skips_unpublished_articles_and_updates(story, editor_client, client):
    _save(editor_client, story, "update", "Adds a quote.")
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, title="Secret draft")
    ChangeNote.objects.create(article=draft, kind=ChangeNote.Kind.CORRECTION, note="Hidden fix")
    listing = client.get(reverse("articles:corrections")).content.decode()
    assert "Hidden fix" not in listing and "Secret draft" not in listing
    assert "Adds a quote." not in listing
    assert "No corrections" in listing


def test_hostile_note_text_is_escaped_everywhere(story, editor_client, client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    _save(editor_client, story, "correction", hostile)
    for html in (_page(story), client.get(reverse("articles:corrections")).content.decode()):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html
    # JSON-LD cannot be closed from inside it.
    assert "</script><img" not in _page(story)


def test_an_editor_sees_a_link_to_the_revision_a_note_came_with(story, editor_client):
    _save(editor_client, story, "correction", NOTE)
    note = ChangeNote.objects.get()
    assert note.revision is not None
    editor_page = editor_client.get(story.get_absolute_url()).content.decode()
    link = html_module.escape(note.revision_url())
    assert link in editor_page
    assert "What changed" not in _page(story)


def test_the_first_publication_is_no_update(editor_client):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    data = article_admin_data(draft, status=Article.Status.PUBLISHED, change_kind="update")
    url = reverse("admin:articles_article_change", args=[draft.pk])
    assert editor_client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.revised_at is None
    assert "Updated" not in _page(draft)


def test_the_sitemap_moves_with_an_update_not_with_a_silent_save(story, editor_client, client):
    def lastmod():
        root = ET.fromstring(client.get(reverse("articles:sitemap")).content)
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        url = "http://testserver" + story.get_absolute_url()
        entry = next(
            u for u in root.findall("s:url", ns) if u.findtext("s:loc", namespaces=ns) == url
        )
        return entry.findtext("s:lastmod", namespaces=ns)

    story.publish_at = timezone.now() - datetime.timedelta(days=3)
    story.save()
    published = lastmod()
    _save(editor_client, story, "silent")
    assert lastmod() == published
    _save(editor_client, story, "update")
    assert lastmod() == timezone.localdate(story.revised_at).isoformat() != published


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
def test_notes_cost_one_query_whatever_their_number_and_none_without(client, seed_article):
    untouched = page_queries(client, seed_article.get_absolute_url())
    story = ArticleFactory()
    story.revised_at = timezone.now()
    story.save()
    ChangeNote.objects.create(article=story, kind="correction", note="First fix.")
    with_one = page_queries(client, story.get_absolute_url())
    for n in range(20):
        ChangeNote.objects.create(article=story, kind="update", note=f"Update {n}.")
    assert page_queries(client, story.get_absolute_url()) == with_one
    # The seed story (never updated) asks nothing of notes: tests/test_query_counts.py.
    assert with_one <= untouched + 1
    assert untouched <= 10  # one of them: the other authors (`Article.bylines()`)


def test_a_writer_who_cannot_open_the_history_is_not_offered_the_link(story, editor_client):
    """Writers see only their own articles in the admin: the link would answer 404."""
    _save(editor_client, story, "correction", NOTE)
    editor_client.force_login(make_writer())
    assert "What changed" not in editor_client.get(story.get_absolute_url()).content.decode()
