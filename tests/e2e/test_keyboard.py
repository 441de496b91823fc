"""Comment votes, replies and inline feedback markers work with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from articles.models import Article

from ..factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


def test_a_reader_votes_replies_and_opens_a_passage_with_the_keyboard(live_server, page):
    article = Article.objects.get(slug__startswith="belarusian")
    block = article.blocks()[2]  # "The schedule included lunch and skiing together ..."
    CommentFactory(article=article, body="Worth a read.")
    CommentFactory(article=article, body="Skiing, really?", block_id=block.id, quote="skiing")
    page.goto(live_server.url + SEED_URL)

    comment = page.locator("[data-comment]", has_text="Worth a read.")
    comment.get_by_role("link", name="Reply").focus()
    page.keyboard.press("Shift+Tab")  # back to "Vote down"
    page.keyboard.press("Shift+Tab")  # back to "Vote up"
    expect(comment.get_by_role("button", name="Vote up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(comment.locator("[data-comment-score]")).to_contain_text("1")

    comment.get_by_role("link", name="Reply").focus()
    page.keyboard.press("Enter")
    expect(comment.locator("form[data-reply-form] textarea")).to_be_focused()

    marker = page.get_by_role("button", name="1 comment on this passage")
    marker.focus()
    page.keyboard.press("Enter")
    expect(marker).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-passage-panel]").first).to_contain_text("Skiing, really?")
