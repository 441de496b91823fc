"""Markup rendered once and reused: never stale, never another reader's.

Kept markup of an article's content and comment section is named by versions bumped
when a change commits (on-commit callbacks run as in production: tests/conftest.py).
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import comments, fragments, readers
from articles.models import Article, ArticleRating, Comment, CommentVote, SiteSettings
from articles.readers import Reader

from .factories import ArticleFactory, CommentFactory, make_editor
from .helpers import approved_author, page_queries, post_comment, reader_cookie

pytestmark = pytest.mark.django_db


def comment_markup(client, article, comment):
    html = client.get(article.get_absolute_url()).content.decode()
    found = re.search(rf'<li id="comment-{comment.pk}".*?</li>', html, re.S)
    assert found, f"comment {comment.pk} is not on the page"
    return found.group(0)


def vote_up(client, comment):
    # A new guest's vote counts once the browser brings its reader cookie back (the redirect).
    url = reverse("articles:comment-vote", args=[comment.pk])
    assert client.post(url, {"value": "1"}, follow=True).status_code == 200


def test_a_readers_vote_shows_only_to_them(client, seed_article, one_rate_limit_window):
    comment = CommentFactory(article=seed_article)
    other = type(client)()
    assert 'aria-pressed="true"' not in comment_markup(other, seed_article, comment)

    vote_up(client, comment)

    assert 'aria-pressed="true"' in comment_markup(client, seed_article, comment)
    theirs = comment_markup(other, seed_article, comment)
    assert 'aria-pressed="true"' not in theirs
    assert "</span>1</span>" in theirs  # the new score, for everyone


def test_an_edited_comment_shows_its_new_text_in_kept_markup(client, seed_article):
    """Each comment's markup is kept under the versions of what its page shows, which the
    edit bumps. (A reader with a comment of their own here gets their section rendered,
    from the kept comments of others.)"""
    comment = CommentFactory(article=seed_article, body="First words.")
    CommentFactory(article=seed_article, reader_hash=Reader(None, "an-author").token_hash)
    client.cookies[readers.COOKIE_NAME] = reader_cookie("an-author")
    assert "First words." in comment_markup(client, seed_article, comment)

    comments.edit_comment(Comment.objects.get(pk=comment.pk), "Second words.")

    markup = comment_markup(client, seed_article, comment)
    assert "Second words." in markup and "First words." not in markup


def test_closing_comments_removes_reply_links_from_kept_markup(client, seed_article):
    comment = CommentFactory(article=seed_article)
    assert "Reply" in comment_markup(client, seed_article, comment)

    seed_article.comments_enabled = False
    seed_article.save()

    assert "Reply" not in comment_markup(client, seed_article, comment)


def test_an_authors_own_comment_keeps_its_edit_links_and_others_never_see_them(
    client, seed_article, one_rate_limit_window
):
    approved_author()
    post_comment(client, seed_article, body="My own remark, posted just now.")
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


# --- The article's content and comment section, kept per version --------------------


def page(client, article, **params):
    return client.get(article.get_absolute_url(), params).content.decode()


def without_per_request_values(html):
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    return re.sub(r'(name="[\w-]*form_started" value=")[^"]+', r"\1", html)


def queries_for(client, article):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return [query["sql"] for query in queries]


def test_readers_with_nothing_of_their_own_share_one_render(seed_article, settings):
    # The page cache would serve the second reader the whole page; this is about its parts.
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    CommentFactory.create_batch(3, article=seed_article)
    first, second = Client(), Client()
    kept_from_first = page(first, seed_article)
    queries = queries_for(second, seed_article)

    # The article itself, looked up and checked as published, and the next scheduled
    # time, which names the kept related stories (articles/views/related.py).
    assert len(queries) == 2 and all("articles_article" in query for query in queries)
    kept_for_second = page(second, seed_article)
    settings.MAGAZINE_KEEP_FRAGMENTS = False
    from_scratch = page(Client(), seed_article)
    assert without_per_request_values(kept_for_second) == without_per_request_values(from_scratch)
    assert without_per_request_values(kept_from_first) == without_per_request_values(from_scratch)


def test_kept_markup_carries_no_per_request_value_and_its_forms_work(
    seed_article, one_rate_limit_window
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page(first, seed_article)  # kept now
    html = page(second, seed_article)
    assert "\x00" not in html
    assert "csrfmiddlewaretoken" not in html
    assert not re.search(r'form_started" value="[^"]', html)

    # The browser's fetch metadata stands for the token.
    rate = reverse("articles:rate", args=[seed_article.pk])
    same_origin = {"Sec-Fetch-Site": "same-origin"}
    response = second.post(rate, {"score": "4"}, headers=same_origin, follow=True)
    assert response.status_code == 200
    assert f'id="rate-{seed_article.pk}-4" name="score" value="4" required checked' in page(
        second, seed_article
    )


def test_changes_show_at_once_to_readers_sharing_kept_markup(seed_article, one_rate_limit_window):
    reader = Client()
    comment = CommentFactory(article=seed_article, body="A remark to vote on.")
    assert "A remark to vote on." in page(reader, seed_article)

    seed_article.title = "Leaders meet again"
    seed_article.save()
    assert "Leaders meet again</h1>" in page(reader, seed_article)

    CommentFactory(article=seed_article, body="A second, newer remark.")
    assert "A second, newer remark." in page(reader, seed_article)

    vote_up(Client(), comment)
    assert "</span>1</span>" in comment_markup(reader, seed_article, comment)

    settings = SiteSettings.load()
    settings.call_to_action = "Tell us what you saw."
    settings.save()
    assert "Tell us what you saw." in page(reader, seed_article)


def test_renamed_tags_and_agencies_show_at_once(seed_article):
    """Editors rename them in the admin, away from any article."""
    reader = Client()
    agency = seed_article.agencies.get(name="dpa")
    tag = seed_article.tags.first()
    html = page(reader, seed_article)
    assert "With reporting by dpa and TASS" in html and f'rel="tag">{tag.name}</a>' in html

    agency.name = "Deutsche Presse-Agentur"
    agency.save()
    tag.name = "Minsk and Moscow"
    tag.save()

    html = page(reader, seed_article)
    assert "With reporting by Deutsche Presse-Agentur and TASS" in html
    assert 'rel="tag">Minsk and Moscow</a>' in html
    assert seed_article in Article.objects.search("Moscow")

    tag.delete()
    assert "Minsk and Moscow" not in page(reader, seed_article)


def test_a_reader_who_took_part_gets_the_page_rendered_for_them(
    client, seed_article, one_rate_limit_window
):
    comment, elsewhere = CommentFactory(article=seed_article), ArticleFactory()
    vote_up(client, CommentFactory(article=elsewhere))  # a guest, who took no part here
    page(Client(), seed_article)  # kept for readers with nothing of their own
    # The article; the next scheduled time (related stories); anything of theirs?
    assert len(queries_for(client, seed_article)) == 3

    vote_up(client, comment)

    assert 'aria-pressed="true"' in comment_markup(client, seed_article, comment)
    assert 'aria-pressed="true"' not in comment_markup(Client(), seed_article, comment)


def test_a_voters_page_joined_from_kept_markup_is_the_page_rendered_for_them(
    client, seed_article, settings, one_rate_limit_window
):
    up, down, _untouched = CommentFactory.create_batch(3, article=seed_article)
    vote_up(client, up)
    response = client.post(reverse("articles:comment-vote", args=[down.pk]), {"value": "-1"})
    assert response.status_code == 302
    client.post(reverse("articles:rate", args=[seed_article.pk]), {"score": "3"})
    page(Client(), seed_article)  # the comment section, kept for strangers
    page(client, seed_article)  # shows (and so spends) the "vote counted" messages

    joined = page(client, seed_article)
    settings.MAGAZINE_KEEP_FRAGMENTS = False
    rendered_for_them = page(client, seed_article)

    assert without_per_request_values(joined) == without_per_request_values(rendered_for_them)
    assert joined.count('aria-pressed="true"') == 2
    assert "Your vote: 3 of 5." in joined
    assert 'aria-pressed="true"' not in comment_markup(Client(), seed_article, up)


def test_editors_and_sorts_get_their_own_markup(client, seed_article):
    older = CommentFactory(article=seed_article, body="The older remark.")
    newer = CommentFactory(article=seed_article, body="The newer remark.")
    newest_first = page(Client(), seed_article)
    assert newest_first.index(f'id="comment-{newer.pk}"') < newest_first.index(
        f'id="comment-{older.pk}"'
    )
    oldest_first = page(Client(), seed_article, sort="oldest")
    assert oldest_first.index(f'id="comment-{older.pk}"') < oldest_first.index(
        f'id="comment-{newer.pk}"'
    )

    client.force_login(make_editor())
    assert "Edit</a>" in comment_markup(client, seed_article, older)
    assert "Edit</a>" not in comment_markup(Client(), seed_article, older)


def test_a_returning_reader_who_rated_and_voted_costs_one_query_more_than_a_stranger(
    client, seed_article, settings
):
    """Their score, comments and votes are one query (`ReadersOwn`), which the rating
    form's checked star is read from too; the rest of their page is kept markup."""
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0  # readers the page cache cannot serve
    comment = CommentFactory(article=seed_article)
    reader = Reader(None, "a-returning-reader")
    ArticleRating.objects.rate(seed_article, reader, 4)
    CommentVote.objects.vote(comment, reader, 1)
    url = seed_article.get_absolute_url()
    stranger = page_queries(Client(), url)
    client.cookies[readers.COOKIE_NAME] = reader_cookie("a-returning-reader")

    assert page_queries(client, url) == stranger + 1
    page = client.get(url).content.decode()
    assert "Your vote: 4 of 5" in page
    assert re.search(r'value="4" required checked', page)
    assert 'aria-pressed="true"' in comment_markup(client, seed_article, comment)


def test_a_reader_who_rated_gets_the_kept_figures_and_only_their_form_drawn(
    client, seed_article, settings, monkeypatch
):
    """The average and histogram are the same for everyone; only the checked star is
    theirs. Drawing the whole rating block for them was most of what they cost more."""
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    ArticleRating.objects.rate(seed_article, Reader(None, "a-rater"), 4)
    url = seed_article.get_absolute_url()
    Client().get(url)  # a stranger's visit keeps the page's parts
    drawn, render_templates = [], fragments.render_templates
    monkeypatch.setattr(
        fragments,
        "render_templates",
        lambda names, *args: drawn.extend(names) or render_templates(names, *args),
    )
    client.cookies[readers.COOKIE_NAME] = reader_cookie("a-rater")

    page = client.get(url).content.decode()
    assert drawn == [fragments.RATING_FORM]
    assert "Rated 4 of 5, 1 vote" in page
    assert "Your vote: 4 of 5" in page
    assert re.search(r'value="4" required checked', page)
    assert "Your vote:" not in Client().get(url).content.decode()
