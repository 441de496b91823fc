"""Review is entered and left only by the desk's steps (`articles.workflow`), which write
the history and mail the people on the story; an editor's change form edits the story
but does not move it into or out of review, and publishing clears a past takedown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article

from .factories import ArticleFactory, article_admin_data, make_editor, make_writer

pytestmark = pytest.mark.django_db

Status = Article.Status


def _change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_an_editors_status_choices_leave_review_to_the_desk(client):
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None)
    client.force_login(make_editor())
    response = client.post(_change(draft), article_admin_data(draft, status=Status.IN_REVIEW))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_an_editor_cannot_publish_a_story_in_review_past_the_desk(client, mailoutbox):
    writer = make_writer()
    story = ArticleFactory(status=Status.DRAFT, publish_at=None, created_by=writer)
    workflow.submit_for_review(story, by=writer)
    client.force_login(make_editor())
    soon = timezone.localtime() + datetime.timedelta(days=1)
    data = article_admin_data(
        story,
        status=Status.PUBLISHED,
        publish_at_0=soon.strftime("%Y-%m-%d"),
        publish_at_1="10:00:00",
    )
    client.post(_change(story), data)
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    page = client.get(_change(story)).content.decode()
    assert "Approve and schedule" in page


def test_publishing_a_story_taken_down_clears_its_past_takedown():
    now = timezone.now()
    story = ArticleFactory(
        status=Status.PUBLISHED,
        publish_at=now - datetime.timedelta(days=2),
        unpublish_at=now - datetime.timedelta(days=1),
    )
    assert story.publish()
    story.refresh_from_db()
    assert story.is_published and story.unpublish_at is None
