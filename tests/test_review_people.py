"""The review steps reach every person on a story: its other bylines and the staff an
editor put on it, not only its creator and lead byline."""

import pytest

from articles import workflow
from articles.models import Article, ArticleByline, StoryMember

from .factories import ArticleFactory, AuthorFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    """A draft in review, started by one writer, with a second byline and a member."""
    starter, coauthor, member = make_writer(), make_writer(), make_writer()
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=starter)
    ArticleByline.objects.create(article=draft, author=AuthorFactory(user=coauthor), position=1)
    StoryMember.objects.create(article=draft, user=member)
    workflow.submit_for_review(draft, by=starter)
    return draft, starter, coauthor, member


def test_a_story_sent_back_is_mailed_to_its_second_byline_and_its_members(story, mailoutbox):
    draft, starter, coauthor, member = story
    mailoutbox.clear()
    workflow.send_back(draft, "Two sources, please.", by=make_editor())
    told = {address for mail in mailoutbox for address in mail.to}
    assert {starter.email, coauthor.email, member.email} <= told


def test_the_second_byline_may_withdraw_the_story_a_member_may_not(story):
    draft, _, coauthor, member = story
    assert not workflow.is_writer_of(member, draft)
    workflow.withdraw(draft, by=coauthor)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
