"""Cached pages and kept markup, in a real browser: a reader who voted and rated sees
their vote pressed and their stars chosen after a reload, and a stranger, served the
kept page, sees the new figures with nothing of theirs pressed."""

import pytest
from playwright.sync_api import expect

from articles.models import Article

from ..factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


def test_a_reloaded_page_shows_the_readers_vote_and_rating_and_a_stranger_only_the_counts(
    live_server, page, visitor, console_errors
):
    article = Article.objects.get(slug__startswith="belarusian")
    CommentFactory(article=article, body="A remark worth a vote.")
    url = live_server.url + SEED_URL
    stranger = visitor()
    stranger.goto(url)  # the page and its parts are kept for strangers from now on
    expect(stranger.locator(".rating__count")).to_have_text("0 votes")

    page.goto(url)
    remark = page.locator("[data-comment]", has_text="A remark worth a vote.")
    remark.get_by_role("button", name="Vote up").click()
    expect(remark.locator("[data-comment-score]")).to_contain_text("1")
    page.locator("label[title='4 stars']").click()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.locator(".rating__count")).to_have_text("1 vote")

    page.reload()
    expect(remark.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")
    expect(remark.locator("[data-comment-score]")).to_contain_text("1")
    expect(page.locator("input[name=score][value='4']")).to_be_checked()
    expect(page.locator("[data-rating-status]")).to_contain_text("Your vote: 4 of 5")

    stranger.reload()
    theirs = stranger.locator("[data-comment]", has_text="A remark worth a vote.")
    expect(theirs.locator("[data-comment-score]")).to_contain_text("1")
    expect(stranger.locator(".rating__count")).to_have_text("1 vote")
    expect(theirs.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "false")
    expect(stranger.locator("input[name=score]:checked")).to_have_count(0)
    assert not console_errors, console_errors
