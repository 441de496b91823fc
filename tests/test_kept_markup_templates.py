"""Kept markup follows the templates: a deploy that shows something new in a comment
shows it, and every later change of it, on every page built from kept markup."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles import publishing
from articles.models import Article

from .factories import CommentFactory
from .template_overrides import change_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment_template(settings, tmp_path):
    """`change(old, new)` edits the comment template once (`change_template`)."""

    def change(old, new):
        change_template(settings, tmp_path, "articles/includes/comments.html", old, new)

    return change


def comments_on(html):
    return re.findall(r'<li id="comment-\d+".*?</li>', html, re.S)


def test_a_comment_showing_the_articles_title_shows_its_new_title(seed_article, comment_template):
    comment_template(
        '<div class="comment__body">',
        '<p class="comment__on">On {{ article.title }}</p><div class="comment__body">',
    )
    CommentFactory.create_batch(3, article=seed_article)
    assert all("On " + seed_article.title in c for c in comments_on(get(seed_article)))

    article = Article.objects.get(pk=seed_article.pk)
    article.title = "A title changed by an editor"
    publishing.save_article(article)

    shown = comments_on(get(seed_article))
    assert len(shown) == 3
    assert all("On A title changed by an editor" in c for c in shown), shown


def get(article, client=None):
    response = (client or Client()).get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_voter_sees_their_vote_pressed_on_a_button_with_a_new_class(
    client, seed_article, comment_template, one_rate_limit_window
):
    comment_template('class="vote vote--up"', 'class="vote vote--up vote--bold"')
    comment = CommentFactory(article=seed_article)
    url = reverse("articles:comment-vote", args=[comment.pk])
    assert client.post(url, {"value": "1"}, follow=True).status_code == 200
    get(seed_article)  # a stranger's page keeps the section as they see it

    (theirs,) = comments_on(get(seed_article, client))

    assert re.search(r'class="vote vote--up vote--bold" aria-pressed="true"', theirs), theirs
    assert 'aria-pressed="true"' not in comments_on(get(seed_article))[0]
