"""Embargoes: the people on a story (byline, creator, those an editor added) and the
editors see it before it is published; the rest of the newsroom does not, anywhere."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, StoryMember

from .factories import ArticleFactory, article_admin_data, make_editor, make_writer

pytestmark = pytest.mark.django_db

TITLE = "Embargoed merger talks"


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _members_form(*users, initial=0):
    data = {"members-TOTAL_FORMS": str(len(users)), "members-INITIAL_FORMS": str(initial)}
    for i, user in enumerate(users):
        data[f"members-{i}-user"] = str(user.pk)
    return data


def test_an_editor_adds_a_writer_to_a_draft_and_the_writer_sees_it():
    editor, writer = make_editor(), make_writer()
    draft = ArticleFactory(title=TITLE, status=Article.Status.DRAFT, publish_at=None)
    writers = _signed_in(writer)
    assert writers.get(draft.get_absolute_url()).status_code == 404
    url = reverse("admin:articles_article_change", args=[draft.pk])
    response = _signed_in(editor).post(url, article_admin_data(draft) | _members_form(writer))
    assert response.status_code == 302
    member = StoryMember.objects.get(article=draft)
    assert (member.user, member.added_by) == (writer, editor)
    assert TITLE in writers.get(draft.get_absolute_url()).content.decode()
    changelist = writers.get(reverse("admin:articles_article_changelist")).content.decode()
    assert TITLE in changelist


def test_the_change_form_lists_the_people_on_the_story_for_a_writer_on_it():
    writer, colleague = make_writer(first_name="Wanda"), make_writer(first_name="Colin")
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    StoryMember.objects.create(article=draft, user=colleague)
    page = _signed_in(writer).get(reverse("admin:articles_article_change", args=[draft.pk]))
    content = page.content.decode()
    assert "People on this story" in content
    assert colleague.get_full_name() in content
    assert 'name="members-0-user"' not in content  # shown, not editable


def test_a_writer_on_the_story_cannot_widen_its_embargo():
    writer, outsider = make_writer(), make_writer()
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    _signed_in(writer).post(url, article_admin_data(draft) | _members_form(outsider))
    assert not StoryMember.objects.filter(article=draft).exists()
    assert _signed_in(outsider).get(draft.get_absolute_url()).status_code == 404


def test_only_active_staff_can_be_put_on_a_story():
    from .factories import UserFactory

    editor, reader = make_editor(), UserFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    response = _signed_in(editor).post(url, article_admin_data(draft) | _members_form(reader))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not StoryMember.objects.exists()


@pytest.mark.parametrize(("person", "counted"), [("on_story", 1), ("other_writer", 0)])
def test_the_in_review_count_counts_only_stories_the_writer_is_on(person, counted):
    in_review = ArticleFactory(title=TITLE, status=Article.Status.IN_REVIEW, publish_at=None)
    users = {"on_story": make_writer(), "other_writer": make_writer()}
    StoryMember.objects.create(article=in_review, user=users["on_story"])
    index = _signed_in(users[person]).get(reverse("admin:index")).content.decode()
    assert f"In review: {counted}" in index


TAKEN_DOWN = {
    "status": Article.Status.PUBLISHED,
    "publish_at": timezone.now() - datetime.timedelta(days=2),
    "unpublish_at": timezone.now() - datetime.timedelta(hours=1),
}


@pytest.mark.parametrize(("person", "sees"), [("on_story", True), ("other_writer", False)])
def test_a_taken_down_story_is_the_people_on_its_preview_only(person, sees):
    article = ArticleFactory(title=TITLE, **TAKEN_DOWN)
    users = {"on_story": make_writer(), "other_writer": make_writer()}
    StoryMember.objects.create(article=article, user=users[person if sees else "on_story"])
    preview = _signed_in(users[person]).get(reverse("articles:preview", args=[article.pk]))
    assert (preview.status_code == 200) is sees
    assert (TITLE in preview.content.decode()) is sees


def test_a_story_with_several_people_is_listed_once():
    writer = make_writer()
    draft = ArticleFactory(title=TITLE, status=Article.Status.DRAFT, created_by=writer)
    for _ in range(3):
        StoryMember.objects.create(article=draft, user=make_writer())
    StoryMember.objects.create(article=draft, user=writer)
    assert Article.objects.visible_to(writer).filter(title=TITLE).count() == 1
    assert Article.objects.on_story(writer).count() == 1


def test_the_librarys_used_in_names_no_draft_a_writer_is_not_on():
    from articles import media

    from .factories import image_upload

    image = media.add_image(image_upload(), alt="A harbour")
    ArticleFactory(title=TITLE, status=Article.Status.DRAFT, publish_at=None, image=image)
    page = _signed_in(make_writer()).get(
        reverse("admin:articles_mediaimage_change", args=[image.pk])
    )
    assert page.status_code == 200
    assert TITLE not in page.content.decode()


def test_a_writer_on_the_second_byline_sees_the_draft_and_others_do_not():
    from articles.models import ArticleByline

    from .factories import AuthorFactory

    writer = make_writer()
    draft = ArticleFactory(title=TITLE, status=Article.Status.DRAFT, publish_at=None)
    ArticleByline.objects.create(article=draft, author=AuthorFactory(user=writer))
    assert TITLE in _signed_in(writer).get(draft.get_absolute_url()).content.decode()
    assert _signed_in(make_writer()).get(draft.get_absolute_url()).status_code == 404
    changelist = _signed_in(writer).get(reverse("admin:articles_article_changelist"))
    assert TITLE in changelist.content.decode()
