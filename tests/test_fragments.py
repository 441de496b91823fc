"""Comment markup rendered once and reused: never stale, never another reader's."""

import re

import pytest
from django.urls import reverse

from articles.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def comment_markup(client, article, comment):
    html = client.get(article.get_absolute_url()).content.decode()
    found = re.search(rf'<li id="comment-{comment.pk}".*?</li>', html, re.S)
    assert found, f"comment {comment.pk} is not on the page"
    return found.group(0)


def vote_up(client, comment):
    response = client.post(reverse("articles:comment-vote", args=[comment.pk]), {"value": "1"})
    assert response.status_code == 302


def test_a_readers_vote_shows_only_to_them(client, seed_article, one_rate_limit_window):
    comment = CommentFactory(article=seed_article)
    other = type(client)()
    assert 'aria-pressed="true"' not in comment_markup(other, seed_article, comment)

    vote_up(client, comment)

    assert 'aria-pressed="true"' in comment_markup(client, seed_article, comment)
    theirs = comment_markup(other, seed_article, comment)
    assert 'aria-pressed="true"' not in theirs
    assert "</span>1</span>" in theirs  # the new score, for everyone


def test_a_comment_changed_without_save_still_shows_its_new_text(client, seed_article):
    """The markup is kept under a hash of what it shows, so no change can leave it stale."""
    comment = CommentFactory(article=seed_article, body="First words.")
    assert "First words." in comment_markup(client, seed_article, comment)

    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Second words.</p>", score=7)

    markup = comment_markup(client, seed_article, comment)
    assert "Second words." in markup and "First words." not in markup
    assert "</span>7</span>" in markup


def test_closing_comments_removes_reply_links_from_kept_markup(client, seed_article):
    comment = CommentFactory(article=seed_article)
    assert "Reply" in comment_markup(client, seed_article, comment)

    seed_article.comments_enabled = False
    seed_article.save()

    assert "Reply" not in comment_markup(client, seed_article, comment)


def test_an_authors_own_comment_keeps_its_edit_links_and_others_never_see_them(
    client, seed_article, one_rate_limit_window
):
    from .test_comments import approved_author, post

    approved_author()
    post(client, seed_article, body="My own remark, posted just now.")
    comment = Comment.objects.get(body="My own remark, posted just now.")

    assert "Edit</a>" in comment_markup(client, seed_article, comment)
    assert "Edit</a>" not in comment_markup(type(client)(), seed_article, comment)
    assert "Edit</a>" in comment_markup(client, seed_article, comment)


def test_all_vote_buttons_share_one_form_and_one_csrf_token(client, seed_article):
    def tokens():
        html = client.get(seed_article.get_absolute_url()).content.decode()
        return html, html.count('name="csrfmiddlewaretoken"')

    _, without_comments = tokens()
    CommentFactory.create_batch(3, article=seed_article)
    html, with_comments = tokens()

    assert with_comments == without_comments
    assert html.count('form="comment-votes"') == 6
    assert html.count('<form id="comment-votes" method="post"') == 1
