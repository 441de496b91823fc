import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import (
    ArticleFactory,
    AuthorFactory,
    make_editor,
    make_writer,
    new_article_admin_data,
)

pytestmark = pytest.mark.django_db


def _form_data(article=None, **overrides):
    """What the admin's article form posts for a writer's story."""
    author = (article.author if article else AuthorFactory()).pk
    defaults = {"title": "A writer's story", "slug": "a-writers-story", "author": author}
    return new_article_admin_data(**defaults | overrides)


def test_roles_exist_with_publishing_only_for_editors():
    editors = Group.objects.get(name="Editors")
    writers = Group.objects.get(name="Writers")
    assert editors.permissions.filter(codename="publish_article").exists()
    assert not writers.permissions.filter(codename="publish_article").exists()
    assert writers.permissions.filter(codename="change_article").exists()


def test_editors_may_read_and_clear_readers_reports_and_reading_figures():
    editors = Group.objects.get(name="Editors")
    for codename in ("view_commentreport", "delete_commentreport", "view_dailyviews"):
        assert editors.permissions.filter(codename=codename).exists(), codename
    writers = Group.objects.get(name="Writers")
    assert not writers.permissions.filter(codename="view_commentreport").exists()


def test_writer_can_write_a_draft_and_send_it_for_review(client):
    writer = make_writer()
    client.force_login(writer)
    # A writer bylines only themselves (tests/test_bylines.py).
    response = client.post(
        reverse("admin:articles_article_add"), _form_data(author=AuthorFactory(user=writer).pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="a-writers-story")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == writer
    # Review is a button ("Submit for review"), not a status in the form.
    client.post(reverse("admin:articles_article_submit_for_review", args=[article.pk]))
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_writer_cannot_publish_through_the_change_form(client):
    writer = make_writer()
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_add"),
        _form_data(status="published", author=AuthorFactory(user=writer).pk),
    )
    # The writer's form has no status: the story is stored as a draft.
    assert Article.objects.get(slug="a-writers-story").status == Article.Status.DRAFT


def test_writer_cannot_schedule_by_posting_a_publish_time(client):
    writer = make_writer()
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_add"),
        _form_data(
            publish_at_0="2030-01-01",
            publish_at_1="10:00:00",
            author=AuthorFactory(user=writer).pk,
        ),
    )
    assert Article.objects.get(slug="a-writers-story").publish_at is None


def test_writer_cannot_publish_through_bulk_action(client):
    writer = make_writer()
    draft = ArticleFactory(status=Article.Status.DRAFT, created_by=writer, publish_at=None)
    client.force_login(writer)
    changelist = client.get(reverse("admin:articles_article_changelist"))
    assert "publish_selected" not in changelist.content.decode()
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert response.status_code in (200, 302)


def test_writer_cannot_change_a_published_article(client):
    writer = make_writer()
    article = ArticleFactory(created_by=writer)
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.post(url, _form_data(article, title="Changed", slug=article.slug, status="review"))
    article.refresh_from_db()
    assert article.title != "Changed"
    assert article.status == Article.Status.PUBLISHED


def test_writer_sees_only_their_own_articles(client, seed_article):
    writer = make_writer()
    own = ArticleFactory(status=Article.Status.DRAFT, created_by=writer, publish_at=None)
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert own.title in page
    assert seed_article.title not in page
    other = reverse("admin:articles_article_change", args=[seed_article.pk])
    assert client.get(other).status_code == 302  # "doesn't exist" redirect to the index


def test_editor_publishes_through_bulk_action_and_the_article_goes_live(client):
    editor = make_editor()
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editor_unpublishes_and_the_article_leaves_the_site(client):
    article = ArticleFactory()
    client.force_login(make_editor())
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_editor_schedules_an_article(client):
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_article_add"),
        _form_data(status="published", publish_at_0="2099-01-01", publish_at_1="10:00:00"),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="a-writers-story")
    assert article.publish_at.year == 2099
    assert not article.is_published
    assert article.publish_at > timezone.now()


def test_editor_publishes_a_draft_without_typing_a_time_and_it_goes_live_now(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_article_change", args=[draft.pk]),
        _form_data(draft, slug=draft.slug, status="published"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert timezone.now() - draft.publish_at < timedelta(minutes=1)


def test_editor_body_html_is_sanitized(client):
    client.force_login(make_editor())
    client.post(
        reverse("admin:articles_article_add"),
        _form_data(body='<p onclick="x()">Hi<script>alert(1)</script></p><img src=x onerror=y>'),
    )
    article = Article.objects.get(slug="a-writers-story")
    assert "script" not in article.body_html
    assert "onclick" not in article.body_html
    assert "onerror" not in article.body_html
    assert "Hi" in article.body_html


def test_admin_lists_articles_with_view_links(client, seed_article):
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert seed_article.get_absolute_url() in page


def test_article_form_suggests_existing_tags_most_used_first(client, seed_article):
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_article_change", args=[seed_article.pk]))
    html = page.content.decode()
    assert 'list="tag-suggestions"' in html
    assert '<option value="Vladimir Putin">' in html
    assert "js/admin-tags.js" in html


def test_admin_pages_name_the_sites_icon(client):
    """Browsers otherwise ask for /favicon.ico, which is not there: a 404 on every page."""
    html = client.get(reverse("admin:login")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon[^"]*\.svg"', html)
