"""Comments that look like a conversation (issue 21): avatars made here, the article's
author marked, editors' picks pinned on top, "View all comments" always there, and a
"Report" button whose reports, from enough networks, hold a comment for the editors."""

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles import avatars
from articles.models import Comment, CommentReport, OutgoingMail

from .factories import ArticleFactory, CommentFactory, UserFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
FETCH = {"X-Requested-With": "fetch"}


def page(article, client=None):
    """The article page as a stranger (served from the page cache when it is kept)."""
    return (client or Client()).get(article.get_absolute_url()).content.decode()


def report_url(comment, article=None):
    return reverse("articles:comment-report", args=[(article or comment.article).pk, comment.pk])


def report(comment, reason="abuse", note="", address="10.0.0.1", client=None, **headers):
    client = client or Client()
    data = {"reason": reason, "note": note}
    return client.post(report_url(comment), data, REMOTE_ADDR=address, headers=headers)


def editor_client():
    client = Client()
    client.force_login(make_editor())
    return client


# --- Avatars ---------------------------------------------------------------------------


def test_each_comment_shows_initials_on_a_colour_of_its_author(seed_article):
    comment = CommentFactory(article=seed_article, name="Ann Lee", email="ann@example.com")
    html = page(seed_article)
    colour = avatars.colour_of("ann@example.com")
    avatar = re.search(
        rf'<li id="comment-{comment.pk}".*?<span class="comment-avatar comment-avatar--(\d+)" '
        r'aria-hidden="true">(\w+)</span>',
        html,
        re.S,
    )
    assert avatar, "the comment has an avatar, hidden from screen readers (the name is beside it)"
    assert avatar.groups() == (str(colour), "AL")


def test_the_avatar_colour_is_keyed_by_the_secret_key_never_a_plain_hash(settings, seed_article):
    emails = [f"reader{n}@example.com" for n in range(12)]
    colours = [avatars.colour_of(email) for email in emails]
    settings.SECRET_KEY = "another secret key, another site"
    assert [avatars.colour_of(email) for email in emails] != colours
    CommentFactory(article=seed_article, email="ann@example.com")
    html = page(seed_article)
    for digest in (hashlib.md5, hashlib.sha256):
        assert digest(b"ann@example.com").hexdigest() not in html
    assert "gravatar" not in html.lower()


def test_a_name_without_letters_gets_a_question_mark():
    assert avatars.initials("  ") == "?"
    assert avatars.initials("émile zola") == "ÉZ"
    assert avatars.initials("Prince") == "P"


# --- Threads, marks, picks -------------------------------------------------------------


def test_replies_are_indented_with_a_thread_line_at_every_depth_up_to_the_limit(settings):
    from articles.models.comments import MAX_DEPTH

    css = (settings.BASE_DIR / "static/css/conversation.css").read_text()
    for depth in range(2, MAX_DEPTH + 1):
        assert re.search(rf"\.comment--depth-{depth} \{{ margin-left: [\d.]+rem", css), depth
    assert re.search(r"\.comment--depth-2[^{]*\{[^}]*border-left: 3px solid", css)


def test_the_articles_author_is_marked_as_the_author(seed_article):
    seed_article.author.user = UserFactory()
    seed_article.author.save()
    by_author = CommentFactory(article=seed_article, user=seed_article.author.user)
    CommentFactory(article=seed_article, user=UserFactory(), name="Someone")
    html = page(seed_article)
    marks = re.findall(r'<span class="comment__role" data-role="author"[^>]*>(\w+)</span>', html)
    assert marks == ["author"]  # conversation.css shows it as "Author"
    assert html.index(f'id="comment-{by_author.pk}"') < html.index('data-role="author"')


def test_an_editors_pick_is_pinned_above_the_threads_at_once(seed_article):
    older = CommentFactory(article=seed_article, body="The sharpest remark here.")
    for n in range(3):
        CommentFactory(article=seed_article, body=f"Later remark {n}.")
    assert "Editor's pick" not in page(seed_article)
    page(seed_article)  # kept now: the page, its parts and each comment

    response = editor_client().post(
        reverse("admin:articles_comment_changelist"),
        {"action": "feature_selected", "_selected_action": [older.pk]},
    )

    assert response.status_code == 302
    html = page(seed_article)
    picks = html.index('class="comment-picks"')
    assert picks < html.index('class="comment-list"')
    assert html.index("The sharpest remark here.") > picks
    assert html.count("Editor's pick") == 3  # the heading, the mark on top, the mark in its thread
    assert (
        older.get_absolute_url().split("#")[1] in html[picks : html.index('class="comment-list"')]
    )


def test_a_pick_taken_back_or_held_leaves_the_top(seed_article):
    comment = CommentFactory(article=seed_article, is_featured=True)
    assert 'class="comment-picks"' in page(seed_article)
    editor_client().post(
        reverse("admin:articles_comment_changelist"),
        {"action": "unfeature_selected", "_selected_action": [comment.pk]},
    )
    assert 'class="comment-picks"' not in page(seed_article)


def test_only_editors_make_picks(client, seed_article):
    comment = CommentFactory(article=seed_article)
    client.force_login(make_writer())
    response = client.post(
        reverse("admin:articles_comment_changelist"),
        {"action": "feature_selected", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert not comment.is_featured


def test_view_all_comments_stands_under_the_section_even_with_one_comment(seed_article):
    CommentFactory(article=seed_article)
    html = page(seed_article)
    assert html.count("View all comments") == 1
    assert reverse("articles:comments", args=[seed_article.pk]) in html


# --- Reports ---------------------------------------------------------------------------


def test_each_approved_comment_has_a_report_link_to_a_form_page_of_its_own(seed_article):
    comment = CommentFactory(article=seed_article)
    assert f'href="{report_url(comment)}"' in page(seed_article)
    html = Client().get(report_url(comment)).content.decode()
    assert TOKEN.search(html), "a page of its own: its form carries a token"
    for value, label in CommentReport.Reason.choices:
        assert f'value="{value}"' in html and label.split("'")[-1] in html
    assert 'name="note"' in html and comment.body in html


def test_a_report_without_javascript_is_thanked_on_the_article_page(seed_article):
    comment = CommentFactory(article=seed_article)
    response = Client().post(report_url(comment), {"reason": "spam", "note": "An ad."}, follow=True)
    assert response.status_code == 200
    assert "Thank you for your report" in response.content.decode()
    stored = CommentReport.objects.get()
    assert (stored.comment, stored.reason, stored.note) == (comment, "spam", "An ad.")
    comment.refresh_from_db()
    assert comment.is_approved  # one report holds nothing


def test_a_second_report_by_the_same_reader_says_already_reported(seed_article):
    comment = CommentFactory(article=seed_article)
    client = Client()
    assert report(comment, client=client).status_code == 302
    again = report(comment, note="Still bad.", client=client)
    assert again.status_code == 409
    assert "already reported" in again.content.decode()
    assert "Still bad." in again.content.decode()
    assert CommentReport.objects.count() == 1


def test_reports_from_enough_networks_hold_the_comment_and_tell_the_editors(settings, seed_article):
    settings.MAGAZINE_MODERATION_EMAILS = ["desk@example.com"]
    comment = CommentFactory(article=seed_article, body="Nasty words.")
    assert "Nasty words." in page(seed_article)
    assert "Nasty words." in page(seed_article)  # kept

    for n in range(3):
        assert report(comment, note=f"Report {n}", address=f"10.0.0.{n}").status_code == 302

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "Nasty words." not in page(seed_article)
    mail = OutgoingMail.objects.get(to="desk@example.com")
    assert "Readers reported a comment" in mail.subject
    assert "Report 2" in mail.body and "Nasty words." in mail.body
    assert report(comment, address="10.0.0.9").status_code == 404  # off the page now


def test_one_person_clearing_cookies_cannot_hold_a_comment(seed_article):
    comment = CommentFactory(article=seed_article)
    for _ in range(4):
        assert report(comment, address="10.0.0.1").status_code == 302  # a new guest each time
    comment.refresh_from_db()
    assert comment.is_approved


def test_how_many_reports_hold_a_comment_is_a_setting(settings, seed_article):
    settings.MAGAZINE_REPORTS_TO_HOLD = 1
    comment = CommentFactory(article=seed_article)
    report(comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not OutgoingMail.objects.filter(key__startswith="held:").exists()  # one mail, ours


def test_a_comment_approved_again_after_reports_stays(settings, seed_article):
    from articles import moderation

    settings.MAGAZINE_REPORTS_TO_HOLD = 1
    comment = CommentFactory(article=seed_article)
    report(comment, address="10.0.0.1")
    moderation.approve([comment.pk])
    report(comment, address="10.0.0.2")
    comment.refresh_from_db()
    assert comment.is_approved  # the editor had the last word


def test_a_report_sent_by_fetch_gets_the_form_and_then_the_thanks(seed_article):
    comment = CommentFactory(article=seed_article)
    client = Client()
    form = client.get(report_url(comment), headers=FETCH).content.decode()
    assert form.lstrip().startswith("<form") and "data-comment-report-form" in form
    token = TOKEN.search(form).group(1)
    sent = client.post(
        report_url(comment), {"reason": "abuse", "csrfmiddlewaretoken": token}, headers=FETCH
    )
    assert sent.status_code == 200
    assert "Thank you for your report" in sent.content.decode()
    assert "<html" not in sent.content.decode()


# --- Hostile input ---------------------------------------------------------------------


def test_a_ten_thousand_character_note_is_refused_and_kept(seed_article):
    comment = CommentFactory(article=seed_article)
    note = "x" * 9_999 + "!"
    response = report(comment, note=note)
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 500 characters" in html and note in html
    assert not CommentReport.objects.exists()


def test_a_reason_not_listed_is_refused_with_the_note_kept(seed_article):
    comment = CommentFactory(article=seed_article)
    response = report(comment, reason="<script>", note="My words")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose one of the reasons listed." in html and "My words" in html
    assert "<script>" not in html


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REMOVED])
def test_a_comment_not_on_the_page_cannot_be_reported(seed_article, status):
    comment = CommentFactory(article=seed_article, status=status)
    assert report(comment).status_code == 404
    assert Client().get(report_url(comment)).status_code == 404
    assert not CommentReport.objects.exists()


def test_a_comment_reported_under_another_articles_address_is_not_found(seed_article):
    comment = CommentFactory(article=seed_article)
    other = ArticleFactory()
    response = Client().post(report_url(comment, article=other), {"reason": "abuse"})
    assert response.status_code == 404
    assert not CommentReport.objects.exists()


def test_a_comment_on_an_unpublished_article_cannot_be_reported(seed_article):
    comment = CommentFactory(article=ArticleFactory(status="draft"))
    assert report(comment).status_code == 404


def test_a_report_from_another_site_is_refused(seed_article):
    comment = CommentFactory(article=seed_article)
    client = Client(enforce_csrf_checks=True)
    response = client.post(report_url(comment), {"reason": "abuse"}, headers=CROSS_SITE)
    assert response.status_code == 403
    assert not TOKEN.search(response.content.decode())
    assert not CommentReport.objects.exists()


def test_a_report_without_fetch_metadata_gets_its_form_again_with_a_token(seed_article):
    comment = CommentFactory(article=seed_article)
    client = Client(enforce_csrf_checks=True)
    data = {"reason": "personal", "note": "Their address is in it."}
    refused = client.post(report_url(comment), data)
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "could not check where this form came from" in html
    assert "Their address is in it." in html
    assert re.search(r'<input[^>]*value="personal"[^>]*checked', html)
    token = TOKEN.search(html).group(1)
    sent = client.post(report_url(comment), data | {"csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    assert CommentReport.objects.get().reason == "personal"


def test_too_many_reports_in_a_short_time_are_refused_with_the_note_kept(
    seed_article, one_rate_limit_window
):
    comments = [CommentFactory(article=seed_article) for _ in range(6)]
    client = Client()
    for comment in comments[:5]:
        assert report(comment, client=client).status_code == 302
    response = report(comments[5], note="One more.", client=client)
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "One more." in response.content.decode()
    assert CommentReport.objects.count() == 5


# --- The admin ---------------------------------------------------------------------------


def test_the_comment_admin_lists_reports_and_filters_reported_comments(seed_article):
    reported = CommentFactory(article=seed_article, body="Reported remark.")
    CommentFactory(article=seed_article, body="Quiet remark.")
    report(reported, reason="spam", note="An advert", address="10.0.0.1")
    report(reported, reason="abuse", address="10.0.0.2")
    client = editor_client()
    changelist = reverse("admin:articles_comment_changelist")

    html = client.get(changelist, {"reported": "yes"}).content.decode()
    assert "Reported remark" in html and "Quiet remark" not in html
    assert 'Approved<br><span class="score">reported 2×</span>' in html

    change = client.get(reverse("admin:articles_comment_change", args=[reported.pk]))
    html = change.content.decode()
    assert "An advert" in html and "Spam or advertising" in html and "Abusive or hateful" in html
