"""A rough draft needs only a title; a section, a byline and an address are needed to
publish or schedule. Drafts are previewed at an address by id."""

import datetime

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory, make_editor, make_writer, new_article_admin_data

pytestmark = pytest.mark.django_db


def _only_a_title():
    """The add form with nothing but a title."""
    return new_article_admin_data(title="Notes on the harbour", slug="", body="", category="")


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_editor())
    return client


def test_a_draft_can_be_saved_with_only_a_title(editor_client):
    response = editor_client.post(reverse("admin:articles_article_add"), _only_a_title())
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = Article.objects.get(title="Notes on the harbour")
    assert draft.slug == "notes-on-the-harbour"
    assert draft.category is None and draft.author is None
    assert draft.get_absolute_url() == reverse("articles:preview", args=[draft.pk])


@pytest.mark.parametrize(
    "when", ["2020-01-01", (timezone.now() + datetime.timedelta(days=30)).strftime("%Y-%m-%d")]
)
def test_publishing_or_scheduling_needs_a_section_and_a_byline(editor_client, when):
    data = _only_a_title() | {
        "status": Article.Status.PUBLISHED,
        "publish_at_0": when,
        "publish_at_1": "10:00:00",
    }
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a section before publishing" in page
    assert "Choose a byline before publishing" in page
    assert 'value="Notes on the harbour"' in page  # what they typed is kept
    assert not Article.objects.filter(title="Notes on the harbour").exists()


def test_the_database_refuses_a_published_article_without_a_section():
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, category=None)
    article.status, article.publish_at = Article.Status.PUBLISHED, timezone.now()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(
            status=article.status, publish_at=article.publish_at
        )


def test_publishing_a_rough_draft_from_the_list_says_what_is_missing(editor_client):
    rough = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, category=None)
    ready = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [rough.pk, ready.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Published 1 article." in page
    assert f"not published: {rough.title} (no section)" in page
    rough.refresh_from_db()
    ready.refresh_from_db()
    assert not rough.is_published and ready.is_published


def test_rough_drafts_show_in_the_admin_list_with_a_preview_link(editor_client):
    rough = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, category=None, author=None)
    page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert rough.title in page
    assert 'class="field-category nowrap">—<' in page
    assert f'href="{reverse("articles:preview", args=[rough.pk])}"' in page


def test_the_preview_of_a_rough_draft_shows_it_not_indexed(editor_client):
    rough = ArticleFactory(
        status=Article.Status.DRAFT, publish_at=None, category=None, author=None, title="Rough"
    )
    response = editor_client.get(reverse("articles:preview", args=[rough.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Rough" in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_preview_address_of_a_published_article_leads_to_its_page():
    article = ArticleFactory()
    response = Client().get(reverse("articles:preview", args=[article.pk]))
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()


def test_a_writers_rough_draft_is_private_at_its_preview_address():
    writer = make_writer()
    rough = ArticleFactory(
        status=Article.Status.DRAFT, publish_at=None, category=None, created_by=writer
    )
    url = reverse("articles:preview", args=[rough.pk])
    own, other = Client(), Client()
    own.force_login(writer)
    other.force_login(make_writer())
    assert own.get(url).status_code == 200
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 404
