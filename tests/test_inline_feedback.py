"""Inline feedback: questions and comments on passages, edits, bad input, moderation, cost."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import inline, moderation, publishing
from articles.models import BlockedEmail, Comment, CommentVote, FeedbackQuestion, RateCounter
from articles.readers import Reader

from .factories import (
    ArticleFactory,
    CommentFactory,
    article_admin_data,
    make_editor,
    started_token,
)
from .helpers import COUNTS_A_FRESH_RENDER, approved_author, page_queries

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
# Second paragraph of the seed story.
LEADERS = "b-505c0740"
LEADERS_TEXT = (
    "The two leaders planned to discuss economic ties, energy, security, and integration, "
    "among other issues, the Kremlin said last week."
)
SKIING = "b-f8b6352a"


def post_on_passage(client, article, block=LEADERS, quote="economic ties", extra=None, **fields):
    data = {
        "name": "Ann Reader",
        "email": "ann@example.com",
        "body": "Which ties, exactly?",
        "form_started": started_token(),
        "block": block,
        "quote": quote,
        **fields,
    }
    url = reverse("articles:comment-post", args=[article.pk])
    return client.post(url, data, **(extra or {}))


def passage_comment(article, block_id=LEADERS, quote="economic ties", **fields):
    return CommentFactory(article=article, block_id=block_id, quote=quote, **fields)


def page(client, article, **params):
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def marker(html, block_id):
    """The marker beside a passage, or None."""
    found = re.search(
        rf'<div class="passage[^"]*" data-passage="{block_id}".*?</div>', html, flags=re.S
    )
    assert found, f"no passage {block_id}"
    return re.search(r"<a class=\"passage-marker[^>]*>", found.group(0))


# --- Editors' questions ------------------------------------------------------------------


def _article_form(article, **questions):
    """The admin's article change form as a browser posts it, plus question forms."""
    data = article_admin_data(article, **{"feedback_questions-TOTAL_FORMS": str(len(questions))})
    for n, fields in enumerate(questions.values()):
        data |= {f"feedback_questions-{n}-{name}": value for name, value in fields.items()}
    return data


def test_an_editor_adds_questions_on_passages_in_the_admin(client, seed_article):
    client.force_login(make_editor())
    url = reverse("admin:articles_article_change", args=[seed_article.pk])
    form = client.get(url).content.decode()
    # The passage is picked from the article's own blocks.
    assert f'<option value="{LEADERS}">{LEADERS}: The two leaders planned' in form
    response = client.post(
        url,
        _article_form(
            seed_article,
            first={
                "block_id": LEADERS,
                "quote": "economic ties",
                "question": "Which ties matter most?",
                "starts_open": "on",
                "order": "0",
            },
            second={"block_id": SKIING, "quote": "", "question": "Would you ski?", "order": "1"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ties, ski = FeedbackQuestion.objects.filter(article=seed_article)
    assert (ties.block_id, ties.quote, ties.starts_open) == (LEADERS, "economic ties", True)
    # Without a quote, the question is on the whole paragraph.
    assert ski.quote == "The schedule included lunch and skiing together at the Black Sea resort."

    html = page(Client(), seed_article)
    assert 'aria-label="0 comments on this passage, and a question"' in marker(html, SKIING)[0]
    # The question whose form starts open shows with its form on the page; the other waits.
    assert "Which ties matter most?" in html
    assert f'name="question" value="{ties.pk}"' in html
    assert "Would you ski?" not in html


def test_a_question_on_words_not_in_the_passage_is_refused_in_the_admin(client, seed_article):
    client.force_login(make_editor())
    url = reverse("admin:articles_article_change", args=[seed_article.pk])
    response = client.post(
        url,
        _article_form(
            seed_article,
            first={"block_id": LEADERS, "quote": "nuclear weapons", "question": "Q?", "order": 0},
        ),
    )
    assert response.status_code == 200
    assert "The quoted words are not in that paragraph" in response.content.decode()
    assert not FeedbackQuestion.objects.exists()


def test_a_question_on_a_block_the_article_does_not_have_is_refused(seed_article):
    other = ArticleFactory()
    with pytest.raises(ValidationError) as refused:
        inline.add_question(other, LEADERS, "economic ties", "Which ties?")
    assert refused.value.code == "unknown_block"
    assert not FeedbackQuestion.objects.exists()
    question = inline.add_question(seed_article, LEADERS, "  economic\n ties ", "Which ties?")
    assert question.quote == "economic ties"


def test_readers_answer_a_question_and_its_marker_counts_approved_answers(client, seed_article):
    question = inline.add_question(seed_article, LEADERS, "economic ties", "Which ties?")
    approved_author()
    response = post_on_passage(client, seed_article, question=question.pk, quote="ignored")
    assert response.status_code == 302
    answer = Comment.objects.get(article=seed_article)
    assert (answer.question, answer.block_id, answer.quote) == (question, LEADERS, "economic ties")
    for n in range(4):
        passage_comment(seed_article, question=question, body=f"Answer number {n}.")
    passage_comment(seed_article, status=Comment.Status.PENDING, body="Not yet approved.")

    html = page(Client(), seed_article)
    assert 'aria-label="5 comments on this passage, and a question"' in marker(html, LEADERS)[0]
    panel = Client().get(reverse("articles:passage", args=[seed_article.pk, LEADERS]), **FETCH)
    text = panel.content.decode()
    assert text.lstrip().startswith('<div class="passage-panel"')
    assert "Which ties?" in text and "View all comments" in text
    # The last three approved answers, newest first, as excerpts.
    answers = re.findall(r"Answer number (\d)", text)
    assert answers == ["3", "2", "1"]
    assert "Not yet approved" not in text


# --- Readers' own passages -------------------------------------------------------------


def test_without_javascript_a_reader_comments_on_a_paragraph_through_its_page(client, seed_article):
    html = page(client, seed_article)
    link = reverse("articles:passage", args=[seed_article.pk, LEADERS])
    assert f'<a class="passage__comment" href="{link}" data-passage-comment>' in html
    passage_page = client.get(link).content.decode()
    assert f'<p id="{LEADERS}">{LEADERS_TEXT}</p>' in passage_page
    assert f'name="block" value="{LEADERS}"' in passage_page

    approved_author()
    response = post_on_passage(client, seed_article, quote="energy, security")
    comment = Comment.objects.get(article=seed_article)
    assert (comment.block_id, comment.quote) == (LEADERS, "energy, security")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    html = page(client, seed_article)
    assert 'aria-label="1 comment on this passage"' in marker(html, LEADERS)[0]
    # In the thread, the quote comes above the text, inside the comment.
    item = re.search(rf'<li id="comment-{comment.pk}".*?</li>', html, flags=re.S).group(0)
    assert item.index("“energy, security”") < item.index("Which ties, exactly?")
    assert '<span class="visually-hidden">On the passage: </span>' in item


def test_a_comment_on_the_whole_paragraph_quotes_it(client, seed_article):
    approved_author()
    post_on_passage(client, seed_article, quote="")
    assert Comment.objects.get(article=seed_article).quote == LEADERS_TEXT


def test_with_javascript_the_selected_words_open_the_panel_and_post_in_place(client, seed_article):
    url = reverse("articles:passage", args=[seed_article.pk, LEADERS])
    panel = client.get(url, {"quote": "discuss  economic\nties"}, **FETCH).content.decode()
    assert panel.lstrip().startswith('<div class="passage-panel"')
    assert 'name="quote" value="discuss economic ties"' in panel

    approved_author()
    response = post_on_passage(client, seed_article, quote="discuss economic ties", extra=FETCH)
    assert response.status_code == 201
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<li id="comment-')
    assert "“discuss economic ties”" in fragment


def test_markers_are_links_without_javascript_and_the_script_is_our_own(client, seed_article):
    passage_comment(seed_article)
    html = page(client, seed_article)
    found = marker(html, LEADERS)[0]
    assert f'href="{reverse("articles:passage", args=[seed_article.pk, LEADERS])}"' in found
    assert 'aria-label="1 comment on this passage"' in found
    assert marker(html, SKIING) is None
    assert '<script src="/static/js/inline.js" type="module"></script>' in html


def test_the_inline_feedbacks_filter_and_view_all_comments_work_as_links(client, seed_article):
    on_passage = passage_comment(seed_article, body="About the ties.")
    plain = CommentFactory(article=seed_article, body="About the whole story.")
    reply = CommentFactory(article=seed_article, parent=on_passage, depth=2, body="Reply here.")

    html = page(client, seed_article)
    assert "About the whole story." in html and "About the ties." in html
    assert 'href="/world/russia/' in html and "?feedback=inline#comments" in html
    filtered = page(client, seed_article, feedback="inline")
    assert "About the ties." in filtered and "Reply here." in filtered
    assert f'id="comment-{plain.pk}"' not in filtered
    back = re.search(r'<a href="([^"]*)#comments"[^>]*>View all comments</a>', filtered)
    assert back and "feedback" not in back.group(1)
    assert f'id="comment-{plain.pk}"' in page(client, seed_article)
    # The same filter on the "View all comments" page.
    all_url = reverse("articles:comments", args=[seed_article.pk])
    listing = client.get(all_url, {"feedback": "inline"}).content.decode()
    assert f'id="comment-{on_passage.pk}"' in listing and f'id="comment-{plain.pk}"' not in listing
    assert reply.pk


def test_quotes_are_plain_text_escaped(client):
    article = ArticleFactory(body="<p>Tom wrote &lt;b&gt;bold&lt;/b&gt; &amp; left.</p>")
    block_id = article.blocks()[0].id
    approved_author()
    post_on_passage(client, article, block=block_id, quote="<b>bold</b> &")
    comment = Comment.objects.get(article=article)
    assert comment.quote == "<b>bold</b> &"
    html = page(client, article)
    assert "“&lt;b&gt;bold&lt;/b&gt; &amp;”" in html
    assert "<b>bold</b>" not in html


# --- Edits do not orphan feedback ------------------------------------------------------------


def _edit(article, body):
    article.body = body
    publishing.save_article(article)
    article.refresh_from_db()


def test_edits_find_anchors_again_or_orphan_them(client):
    article = ArticleFactory(
        body="<p>Alpha talks began in Sochi.</p><p>Beta: lunch and skiing.</p>"
        "<p>Gamma sanctions loom.</p>"
    )
    alpha, beta, gamma = (block.id for block in article.blocks())
    on_alpha = passage_comment(article, alpha, "talks began")
    on_beta = passage_comment(article, beta, "lunch and skiing")
    on_gamma = passage_comment(article, gamma, "sanctions loom")
    question = inline.add_question(article, gamma, "sanctions loom", "Will they?")

    # 1. Text unchanged (a paragraph added before it): every anchor stays.
    _edit(article, "<p>New lead.</p>" + article.body)
    for comment, block_id in ((on_alpha, alpha), (on_beta, beta), (on_gamma, gamma)):
        comment.refresh_from_db()
        assert comment.block_id == block_id

    # 2. Moved: a whole paragraph moves (keeps its id); a sentence moves into another one.
    _edit(
        article,
        "<p>Gamma sanctions loom.</p><p>New lead.</p>"
        "<p>Alpha was new to everybody here in the city.</p>"
        "<p>Beta: lunch and skiing. The talks began in Sochi.</p>",
    )
    on_alpha.refresh_from_db(), on_beta.refresh_from_db(), on_gamma.refresh_from_db()
    assert on_gamma.block_id == gamma
    now_holding = next(b.id for b in article.blocks() if "The talks began" in b.text)
    assert on_alpha.block_id == now_holding and on_alpha.quote == "talks began"
    assert on_beta.block_id == now_holding

    # 3. The quoted words deleted: the comment stays, orphaned, with its quote; no marker.
    _edit(article, "<p>Gamma: nothing left of it.</p><p>Beta: lunch and skiing.</p>")
    on_alpha.refresh_from_db(), on_beta.refresh_from_db(), question.refresh_from_db()
    assert on_alpha.is_orphaned and on_alpha.quote == "talks began"
    assert question.is_orphaned
    assert not on_beta.is_orphaned
    html = page(client, article)
    assert "On an earlier version of this article" in html
    assert f'id="comment-{on_alpha.pk}"' in html
    assert 'aria-label="2 comments' not in html  # the orphans are not counted on a passage
    assert "Will they?" not in html

    # The words back: the anchors come back too.
    _edit(article, "<p>Gamma sanctions loom.</p><p>The talks began in Sochi.</p>")
    question.refresh_from_db(), on_alpha.refresh_from_db()
    assert question.block_id and on_alpha.block_id


def test_saving_without_a_body_change_does_not_look_at_anchors(seed_article):
    passage_comment(seed_article)
    with CaptureQueriesContext(connection) as queries:
        seed_article.title = "A new headline"
        publishing.save_article(seed_article)
    assert not [q for q in queries if "articles_comment" in q["sql"]]
    seed_article.body = seed_article.body.replace("last week", "on Monday")
    with CaptureQueriesContext(connection) as queries:
        publishing.save_article(seed_article)
    anchors = [
        q for q in queries if "feedbackquestion" in q["sql"] or "articles_comment" in q["sql"]
    ]
    # One read per kind; a write only for what moved.
    assert len(anchors) == 2, anchors


def test_words_an_editor_moves_in_the_admin_take_their_comment_along(client, seed_article):
    comment = passage_comment(seed_article)
    body = seed_article.body.replace("economic ties, ", "") + "<p>First come the economic ties.</p>"
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_article_change", args=[seed_article.pk]),
        article_admin_data(seed_article, body=body),
    )
    assert response.status_code == 302
    seed_article.refresh_from_db()
    now_holding = next(b.id for b in seed_article.blocks() if "the economic ties" in b.text)
    comment.refresh_from_db()
    assert comment.block_id == now_holding
    html = page(Client(), seed_article)
    assert marker(html, LEADERS) is None
    assert "1 comment on this passage" in marker(html, now_holding)[0]


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "quote", "message"),
    [
        (LEADERS, "nuclear weapons", "The quoted words are not in that paragraph"),
        ("b-00000000", "economic ties", "That paragraph is not in this article"),
        (LEADERS, LEADERS_TEXT + " And more words.", "longer than the paragraph"),
    ],
    ids=["quote-not-in-block", "unknown-block", "quote-longer-than-block"],
)
def test_a_bad_anchor_is_refused_with_a_message_and_nothing_stored(
    client, seed_article, block, quote, message
):
    approved_author()
    response = post_on_passage(client, seed_article, block=block, quote=quote, body="Kept words")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Kept words" in html
    assert not Comment.objects.filter(article=seed_article).exists()
    fetched = post_on_passage(client, seed_article, block=block, quote=quote, extra=FETCH)
    assert fetched.status_code == 400 and message in fetched.content.decode()


def test_an_unknown_passage_page_is_a_404_with_a_message(client, seed_article):
    response = client.get(reverse("articles:passage", args=[seed_article.pk, "b-00000000"]))
    assert response.status_code == 404
    assert "no longer in the article" in response.content.decode()


def test_an_answer_to_a_question_of_another_article_is_refused(client, seed_article):
    other = ArticleFactory()
    question = inline.add_question(other, other.blocks()[0].id, "", "Elsewhere?")
    response = post_on_passage(client, seed_article, question=question.pk)
    assert response.status_code == 400
    assert "That question is no longer on this article" in response.content.decode()
    assert not Comment.objects.exists()


# --- Moderation, votes --------------------------------------------------------------------------


def test_moderation_applies_to_passage_comments(client, seed_article):
    post_on_passage(client, seed_article)  # a first-timer: held
    held = Comment.objects.get(article=seed_article)
    assert held.status == Comment.Status.PENDING
    assert marker(page(Client(), seed_article), LEADERS) is None
    assert "Which ties, exactly?" in page(client, seed_article)  # its author sees it

    moderation.approve([held.pk])
    seed_article.refresh_from_db()
    assert seed_article.comment_count == 1
    assert "1 comment on this passage" in marker(page(Client(), seed_article), LEADERS)[0]

    moderation.remove([held.pk])
    assert marker(page(Client(), seed_article), LEADERS) is None

    # The posting limit, counted in Redis or, without it, in the database.
    cache.clear()
    RateCounter.objects.all().delete()
    BlockedEmail.objects.create(email="spam@example.com")
    post_on_passage(client, seed_article, email="spam@example.com", body="Buy now")
    assert Comment.objects.get(body="Buy now").status == Comment.Status.SPAM


def test_readers_vote_on_passage_comments(seed_article):
    comment = passage_comment(seed_article)
    assert CommentVote.objects.vote(comment, Reader(None, "voter"), 1) == 1


# --- Cost, caching, admin --------------------------------------------------------------------------


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
def test_the_article_page_costs_the_same_with_0_and_50_questions_and_passage_comments(
    seed_article,
):
    url = seed_article.get_absolute_url()
    empty = page_queries(Client(), url)
    blocks = seed_article.blocks()
    for n in range(50):
        block = blocks[n % len(blocks)]
        question = inline.add_question(
            seed_article, block.id, "", f"Question {n}?", starts_open=n % 7 == 0
        )
        passage_comment(seed_article, block.id, question.quote, question=question)
    assert page_queries(Client(), url) == empty
    assert empty <= 10
    html = Client().get(url).content.decode()
    assert html.count('class="passage-marker') == len(blocks)


def test_a_new_question_shows_to_the_next_anonymous_reader_at_once(seed_article):
    url = seed_article.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    inline.add_question(seed_article, LEADERS, "", "Fresh question?", starts_open=True)
    response = Client().get(url)
    assert "X-Page-Cache" not in response and "Fresh question?" in response.content.decode()
    assert "reader" not in response.cookies and "sessionid" not in response.cookies


def test_the_admin_shows_which_passages_drew_the_most_feedback(client, seed_article):
    for _ in range(3):
        passage_comment(seed_article, SKIING, "skiing")
    passage_comment(seed_article, LEADERS, "economic ties")
    passage_comment(seed_article, LEADERS, "economic ties", status=Comment.Status.PENDING)
    client.force_login(make_editor())
    html = client.get(reverse("admin:articles_article_change", args=[seed_article.pk]))
    text = html.content.decode()
    summary = text[text.lower().index("passages with the most feedback") :]
    assert summary.index("3 approved, 0 awaiting") < summary.index("1 approved, 1 awaiting")
    assert "The schedule included lunch" in summary
    # Each passage links to its comments in the moderation list.
    link = re.search(r'<a href="([^"]+block_id=' + SKIING + ')"', summary).group(1)
    listing = client.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    assert "3 comments" in listing.content.decode()


def test_editors_may_manage_feedback_questions():
    editor = make_editor()
    assert editor.has_perm("articles.add_feedbackquestion")
    assert editor.has_perm("articles.delete_feedbackquestion")


def test_the_comment_link_says_what_the_passage_is(client):
    article = ArticleFactory(
        body="<p>Leaders met.</p>"
        '<figure><img src="/media/articles/bridge.webp" alt="A bridge"></figure>'
        "<table><tbody><tr><td>Minsk</td></tr></tbody></table>"
        '<blockquote class="pull-quote"><p>We will not be pressured.</p></blockquote>'
        "<h2>What next</h2><ul><li>Talks</li></ul>"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    # The link's words, for screen readers (readers see an icon in the margin).
    links = re.findall(r'data-passage-comment>.*?<span class="visually-hidden">([^<]+)<', page)
    assert links == [
        "Comment on this paragraph",
        "Comment on this figure",
        "Comment on this table",
        "Comment on this quote",
        "Comment on this heading",
        "Comment on this list",
    ]
