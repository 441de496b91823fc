"""A writer adds or removes only their own name on a story: the lead byline and the
other authors of a colleague are an editor's to change, by the form, by an autosave
restored, or by any other revision restored."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import publishing, suggestions
from articles.models import Article, ArticleByline, ArticleRevision, OutgoingMail

from .factories import (
    ArticleFactory,
    AuthorFactory,
    UserFactory,
    article_admin_data,
    make_editor,
    make_writer,
)

pytestmark = pytest.mark.django_db

REFUSED = "Only an editor changes a colleague"  # (the apostrophe is escaped)


@pytest.fixture
def joint():
    """A draft led by Otto, with Wanda as the other author; Wanda signed in."""
    otto, wanda = make_writer(), make_writer()
    lead = AuthorFactory(name="Otto Writer", user=otto)
    own = AuthorFactory(name="Wanda Writer", user=wanda)
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, author=lead)
    row = ArticleByline.objects.create(article=draft, author=own, position=1)
    publishing.save_article(draft, by=otto)
    client = Client()
    client.force_login(wanda)
    return draft, row, own, client


def _posted(draft, row, **changes):
    data = article_admin_data(draft) | {
        "co_bylines-TOTAL_FORMS": "1",
        "co_bylines-INITIAL_FORMS": "1",
        "co_bylines-0-id": row.pk,
        "co_bylines-0-author": row.author_id,
        "co_bylines-0-position": "1",
    }
    return data | changes


def _change(draft):
    return reverse("admin:articles_article_change", args=[draft.pk])


def test_the_other_author_cannot_take_the_lead_of_a_colleagues_story(joint):
    draft, row, own, client = joint
    data = _posted(draft, row, author=own.pk, **{"co_bylines-0-DELETE": "on"})
    response = client.post(_change(draft), data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    draft.refresh_from_db()
    assert draft.author.name == "Otto Writer"


def test_a_writer_cannot_remove_a_colleagues_byline(joint):
    draft, row, own, client = joint
    draft.author = own
    draft.save()
    otto_row = ArticleByline.objects.create(
        article=draft, author=AuthorFactory(user=make_writer()), position=2
    )
    row.delete()
    data = _posted(draft, otto_row, **{"co_bylines-0-DELETE": "on"})
    response = client.post(_change(draft), data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert ArticleByline.objects.filter(pk=otto_row.pk).exists()


def test_a_writer_may_take_their_own_name_off(joint):
    draft, row, _, client = joint
    response = client.post(_change(draft), _posted(draft, row, **{"co_bylines-0-DELETE": "on"}))
    assert response.status_code == 302
    assert not ArticleByline.objects.filter(article=draft).exists()


def test_a_restored_autosave_cannot_put_another_name_on_the_story(joint):
    draft, row, _, client = joint
    editor_byline = AuthorFactory(name="Eddie Editor", user=make_editor())
    autosave = reverse("admin:articles_article_autosave", args=[draft.pk])
    client.post(autosave, _posted(draft, row, author=editor_byline.pk, title="Typed"))
    saved = ArticleRevision.objects.filter(article=draft).order_by("-pk").first()
    restore = reverse("admin:articles_article_restore", args=[draft.pk, saved.pk])
    response = client.post(restore, follow=True)
    assert REFUSED in response.content.decode()
    draft.refresh_from_db()
    assert draft.author.name == "Otto Writer"


def test_a_suggested_change_reaches_a_superuser_who_is_the_only_editor():
    writer = make_writer()
    boss = UserFactory(is_superuser=True, is_staff=True, email="boss@example.com")
    story = ArticleFactory(created_by=writer, title="The port")
    publishing.save_article(story, by=boss)
    base = ArticleRevision.objects.filter(article=story).first().pk
    values = {"title": "The port reopens", "standfirst": story.standfirst, "body": story.body}
    suggestions.suggest(story, values, writer, base)
    assert OutgoingMail.objects.filter(to="boss@example.com").exists()


def test_deleting_a_guest_author_says_which_stories_carry_them(client):
    guest = AuthorFactory(name="Gus Guest")
    story = ArticleFactory(title="The harbour reopens")
    ArticleByline.objects.create(article=story, author=guest, position=1)
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_author_delete", args=[guest.pk])).content.decode()
    assert "Gus Guest on “The harbour reopens”" in page


def test_an_author_who_only_co_wrote_is_in_the_sitemap(client):
    guest = AuthorFactory(name="Gus Guest", slug="gus-guest")
    ArticleByline.objects.create(article=ArticleFactory(), author=guest, position=1)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert guest.get_absolute_url() in sitemap
