"""A new guest's vote, in a real browser: it counts with one click, also for a comment
vote sent by comments.js, because the browser follows the confirming redirect with the
reader cookie it has just been given. A browser that refuses cookies is told why."""

import pytest
from playwright.sync_api import expect

from articles import readers
from articles.models import Article, ArticleRating, CommentVote

from ..factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


def test_a_new_guests_comment_vote_with_javascript_counts_with_one_click(
    live_server, page, console_errors
):
    article = Article.objects.get(slug__startswith="belarusian")
    CommentFactory(article=article, body="A remark worth a vote.")
    page.goto(live_server.url + SEED_URL)
    remark = page.locator("[data-comment]", has_text="A remark worth a vote.")
    remark.get_by_role("button", name="Vote up").click()
    expect(remark.locator("[data-comment-score]")).to_contain_text("1")
    expect(remark.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")
    assert CommentVote.objects.get().value == 1
    # Reloaded, the page shows the vote as theirs: it was counted, not left waiting.
    page.reload()
    expect(remark.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")
    assert not console_errors, console_errors


def test_a_browser_that_refuses_cookies_is_told_its_vote_did_not_count(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    context.route("**/ratings/*/", lambda route: _refuse_the_reader_cookie(context, route))
    page = context.new_page()
    page.goto(live_server.url + SEED_URL)
    page.locator("label[title='4 stars']").click()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Please allow cookies for this site and vote again.")).to_be_visible()
    assert not ArticleRating.objects.exists()
    context.close()


def _refuse_the_reader_cookie(context, route):
    """The vote's answer as a browser that keeps no new cookies sees it."""
    response = route.fetch(max_redirects=0)
    context.clear_cookies(name=readers.COOKIE_NAME)  # route.fetch() shares the context's jar
    headers = {
        name: value for name, value in response.headers.items() if name.lower() != "set-cookie"
    }
    route.fulfill(response=response, headers=headers)
