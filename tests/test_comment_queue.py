"""The comment queue as an editor works it: one press per comment, on its own row."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from articles.models import Comment

from .factories import CommentFactory, make_editor, make_writer

QUEUE = "admin:articles_comment_changelist"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def row_buttons(html, comment):
    """The per-row buttons of a comment in the queue, as (label, address) pairs."""
    pattern = rf'formaction="([^"]*/{comment.pk}/moderate/[a-z]+/[^"]*)"[^>]*>([^<]+)<'
    return [(label, url.replace("&amp;", "&")) for url, label in re.findall(pattern, html)]


def test_a_held_comment_is_approved_with_one_press_on_its_row(editor_client, seed_article):
    held = CommentFactory(article=seed_article, status="pending")
    html = editor_client.get(reverse(QUEUE)).content.decode()
    buttons = dict(row_buttons(html, held))
    assert set(buttons) == {"Approve", "Spam", "Remove"}
    # The button submits the queue's own form: its CSRF token goes with it.
    assert 'name="csrfmiddlewaretoken"' in html

    response = editor_client.post(buttons["Approve"])
    assert response.status_code == 302
    held.refresh_from_db()
    seed_article.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    assert seed_article.comment_count == 1
    queue = editor_client.get(response["Location"]).content.decode()
    assert "1 comment approved." in queue


def test_an_approved_comment_offers_spam_and_remove_and_the_count_follows(
    editor_client, seed_article
):
    shown = CommentFactory(article=seed_article)
    seed_article.refresh_from_db()
    assert seed_article.comment_count == 1
    buttons = dict(row_buttons(editor_client.get(reverse(QUEUE)).content.decode(), shown))
    assert set(buttons) == {"Spam", "Remove"}
    editor_client.post(buttons["Spam"])
    shown.refresh_from_db()
    seed_article.refresh_from_db()
    assert shown.status == Comment.Status.SPAM and seed_article.comment_count == 0


def test_the_queue_keeps_its_filter_after_a_row_press(editor_client, seed_article):
    held = CommentFactory(article=seed_article, status="pending")
    CommentFactory(article=seed_article, status="pending")
    html = editor_client.get(reverse(QUEUE), {"status__exact": "pending"}).content.decode()
    response = editor_client.post(dict(row_buttons(html, held))["Remove"])
    assert response["Location"].endswith("?status__exact=pending")


def test_row_presses_need_post_and_the_right_to_change_comments(client, seed_article):
    held = CommentFactory(article=seed_article, status="pending")
    url = reverse("admin:articles_comment_moderate", args=[held.pk, "approve"])
    client.force_login(make_editor())
    assert client.get(url).status_code == 405
    assert (
        client.post(reverse("admin:articles_comment_moderate", args=[held.pk, "x"])).status_code
        == 404
    )
    assert (
        client.post(reverse("admin:articles_comment_moderate", args=[0, "approve"])).status_code
        == 404
    )
    client.force_login(make_writer())  # writers do not moderate
    assert client.post(url).status_code == 403
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_a_row_press_without_the_csrf_token_is_refused(seed_article):
    from django.test import Client

    held = CommentFactory(article=seed_article, status="pending")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_editor())
    url = reverse("admin:articles_comment_moderate", args=[held.pk, "approve"])
    assert strict.post(url).status_code == 403
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_the_queue_columns_read_at_laptop_width(editor_client, seed_article):
    """The comment and email columns had no width: one word per line, the address cut off."""
    from django.contrib.staticfiles import finders

    CommentFactory(article=seed_article, email="a.very.long.address@example.org")
    html = editor_client.get(reverse(QUEUE)).content.decode()
    assert '<link rel="stylesheet" href="/static/css/admin.css">' in html
    css = Path(finders.find("css/admin.css")).read_text()
    assert re.search(r"\.field-excerpt_column\s*\{[^}]*min-width", css)
    assert re.search(r"\.field-author_column \.email\s*\{[^}]*overflow-wrap:\s*anywhere", css)
    assert re.search(r"\.model-article[^{]*\.field-title\s*\{[^}]*min-width", css)


def test_each_row_button_names_the_comment_it_acts_on(editor_client, seed_article):
    held = CommentFactory(article=seed_article, status="pending", name="Ann <Lee>")
    html = editor_client.get(reverse(QUEUE)).content.decode()
    pattern = rf'formaction="[^"]*/{held.pk}/moderate/[a-z]+/[^"]*"[^>]*aria-label="([^"]+)"'
    assert re.findall(pattern, html) == [
        "Approve the comment by Ann &lt;Lee&gt;",
        "Spam the comment by Ann &lt;Lee&gt;",
        "Remove the comment by Ann &lt;Lee&gt;",
    ]
