"""Autosave keeps a form as typed without changing the article; presence says who else
has an article open."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import presence
from articles.models import ArticleRevision

from .factories import ArticleFactory, article_admin_data, make_editor

pytestmark = pytest.mark.django_db


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _autosave(client, article, **changes):
    page = client.get(_change_url(article)).content.decode()
    base = re.search(r'name="revision_base" value="(\d+)"', page)[1]
    data = article_admin_data(article, revision_base=base, **changes)
    return client.post(reverse("admin:articles_article_autosave", args=[article.pk]), data)


def test_autosave_of_a_published_article_changes_nothing_readers_see(client):
    article = ArticleFactory(title="What readers see", body="<p>Live words.</p>")
    client.force_login(make_editor())
    response = _autosave(client, article, title="Half-typed headline", body="<p>Draft</p>")
    assert response.json()["saved"] is True
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "What readers see" in page and "Half-typed headline" not in page
    saved = ArticleRevision.objects.get(article=article, kind=ArticleRevision.Kind.AUTOSAVE)
    assert saved.version.field_dict["title"] == "Half-typed headline"


def test_an_unchanged_form_is_not_autosaved_twice(client):
    article = ArticleFactory()
    client.force_login(make_editor())
    assert _autosave(client, article, title="Typed").json()["saved"] is True
    assert _autosave(client, article, title="Typed").json()["saved"] is False


def test_reopening_offers_the_unsaved_changes_and_restores_them_into_the_form(client):
    article = ArticleFactory(title="Saved headline")
    client.force_login(make_editor())
    _autosave(client, article, title="Unsaved headline", standfirst="Unsaved standfirst")
    saved = ArticleRevision.objects.autosaves().get(article=article)

    page = client.get(_change_url(article)).content.decode()
    when = timezone.localtime(saved.created_at).strftime("%H:%M")
    assert f"Restore the unsaved changes from {when}" in page

    restored = client.get(_change_url(article), {"autosave": saved.pk}).content.decode()
    assert 'value="Unsaved headline"' in restored
    assert "Unsaved standfirst" in restored
    # Another editor is not offered (and cannot open) someone else's autosave.
    other = Client()
    other.force_login(make_editor())
    assert "Restore the unsaved changes" not in other.get(_change_url(article)).content.decode()
    theirs = other.get(_change_url(article), {"autosave": saved.pk}).content.decode()
    assert "Unsaved headline" not in theirs


def test_a_save_after_the_autosave_withdraws_the_offer(client):
    article = ArticleFactory()
    client.force_login(make_editor())
    _autosave(client, article, title="Typed")
    client.post(_change_url(article), article_admin_data(article, title="Saved"))
    assert "Restore the unsaved changes" not in client.get(_change_url(article)).content.decode()


def test_autosaves_older_than_the_setting_are_pruned_and_saves_kept(client, settings):
    article = ArticleFactory()
    client.force_login(make_editor())
    _autosave(client, article, title="Old typing")
    ArticleRevision.objects.autosaves().update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    settings.MAGAZINE_AUTOSAVE_KEEP_DAYS = 7
    _autosave(client, article, title="New typing")
    titles = [
        r.version.field_dict["title"] for r in ArticleRevision.objects.filter(article=article)
    ]
    assert titles == ["New typing", article.title]


def test_autosave_needs_permission_to_change_the_article(client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_autosave", args=[article.pk])
    assert client.post(url, {"title": "x"}).status_code == 302  # to the sign-in page
    assert not ArticleRevision.objects.exists()


def test_the_form_and_the_list_show_who_else_has_the_article_open():
    article = ArticleFactory()
    anna, ben = Client(), Client()
    anna.force_login(make_editor(first_name="Anna"))
    ben.force_login(make_editor(first_name="Ben"))
    anna.post(reverse("admin:articles_article_presence", args=[article.pk]), {"editing": "1"})

    assert "Also open: Anna (editing)" in ben.get(_change_url(article)).content.decode()
    listing = ben.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Anna (editing)" in listing
    answer = anna.post(reverse("admin:articles_article_presence", args=[article.pk]))
    assert answer.json()["text"] == "Ben"


def test_presence_entries_expire_by_themselves(monkeypatch):
    article = ArticleFactory()
    anna, ben = make_editor(first_name="Anna"), make_editor()
    presence.beat(article.pk, anna)
    assert presence.others(article.pk, ben) == [{"name": "Anna", "editing": False}]
    later = presence.clock() + presence.TTL + 1
    monkeypatch.setattr(presence, "clock", lambda: later)
    assert presence.others(article.pk, ben) == []
