"""Every unpublished state of a story is private to its people and the editors; the
staff accounts at its edges (a byline's account, a role-less staff account, a former
writer, a contributor whose story was accepted)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, StoryMember
from articles.submissions import accept_submission

from .factories import (
    ArticleFactory,
    AuthorFactory,
    SubmissionFactory,
    UserFactory,
    make_editor,
    make_writer,
)

pytestmark = pytest.mark.django_db

TITLE = "Zanzibar ledger leak"


# Every state that is not `published()`: only the people on it and the editors see it.
UNPUBLISHED = {
    "draft": {"status": Article.Status.DRAFT, "publish_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "publish_at": None},
    "scheduled": {
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() + datetime.timedelta(days=365),
    },
    "archived": {"status": Article.Status.ARCHIVED},
}


@pytest.mark.parametrize("state", UNPUBLISHED.values(), ids=UNPUBLISHED.keys())
@pytest.mark.parametrize(
    ("person", "status_code"),
    [
        ("author", 200),
        ("on_story", 200),
        ("other_writer", 404),
        ("editor", 200),
        ("superuser", 200),
    ],
)
def test_every_unpublished_state_is_private_to_its_people_and_the_editors(
    client, state, person, status_code
):
    writer, member = make_writer(), make_writer()
    article = ArticleFactory(title=TITLE, created_by=writer, **state)
    StoryMember.objects.create(article=article, user=member)
    user = {
        "author": writer,
        "on_story": member,
        "other_writer": make_writer(),
        "editor": make_editor(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }[person]
    client.force_login(user)
    response = client.get(article.get_absolute_url())
    assert response.status_code == status_code
    assert (TITLE in response.content.decode()) is (status_code == 200)


def test_published_articles_stay_visible_to_every_writer(client):
    article = ArticleFactory(title=TITLE, created_by=make_writer())
    client.force_login(make_writer())
    assert TITLE in client.get(article.get_absolute_url()).content.decode()
    comments = reverse("articles:comments", args=[article.pk])
    assert client.get(comments).status_code == 200


def test_the_writer_on_the_byline_sees_a_draft_an_editor_started(client):
    writer = make_writer()
    draft = ArticleFactory(
        title=TITLE,
        status=Article.Status.DRAFT,
        publish_at=None,
        author=AuthorFactory(user=writer),
        created_by=make_editor(),
    )
    client.force_login(writer)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_staff_account_without_a_role_sees_only_what_it_wrote(client):
    """Staff with the article permissions but no publishing right: a writer, in effect."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="_article"))
    user.user_permissions.remove(Permission.objects.get(codename="publish_article"))
    others = ArticleFactory(title=TITLE, status=Article.Status.DRAFT, publish_at=None)
    own = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=user)
    client.force_login(user)
    assert client.get(others.get_absolute_url()).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 200


def test_a_former_writer_no_longer_staff_sees_no_draft(client):
    writer = make_writer()
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    writer.is_staff = False
    writer.save()
    client.force_login(writer)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:comments", args=[draft.pk])).status_code == 404


def test_a_contributors_accepted_story_stays_off_the_site_until_published(client):
    submission = SubmissionFactory(title=TITLE)
    editor = make_editor()
    article = accept_submission(submission, by=editor)
    session = client.session
    session["submission_token"] = submission.token
    session.save()
    assert client.get(article.get_absolute_url()).status_code == 404
    status_page = client.get(submission.get_absolute_url()).content.decode()
    assert article.get_absolute_url() not in status_page
    other_writer = Client()
    other_writer.force_login(make_writer())
    assert other_writer.get(article.get_absolute_url()).status_code == 404
    editors = Client()
    editors.force_login(editor)
    assert editors.get(article.get_absolute_url()).status_code == 200
    article.publish()
    assert TITLE in client.get(article.get_absolute_url()).content.decode()


def test_visible_to_is_the_author_and_editors_over_published():
    writer, other = make_writer(), make_writer()
    published = ArticleFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    ours = Article.objects.filter(pk__in=(published.pk, draft.pk))
    assert set(ours.visible_to(writer)) == {published, draft}
    assert set(ours.visible_to(other)) == {published}
    assert set(ours.visible_to(make_editor())) == {published, draft}
    assert set(ours.visible_to(UserFactory())) == {published}
