"""A reader, in a real browser: rates, comments, replies and votes, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from articles import comments
from articles.models import Comment
from articles.ratelimit import Rule

from ..factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


@pytest.fixture
def article_page(live_server, page, console_errors):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Belarusian, Russian Leaders Meet").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Belarusian, Russian Leaders")
    return page


def test_reader_follows_the_seed_story_and_rates_it_with_javascript(article_page, console_errors):
    page = article_page
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link")).to_have_text(["Home", "World", "Russia"])
    expect(page.get_by_text("With reporting by dpa and TASS")).to_be_visible()
    expect(page.locator(".rating__count")).to_have_text("0 votes")
    page.locator("label[title='4 stars']").click()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.locator("[data-rating-status]")).to_contain_text("your vote (4 of 5) is counted")
    expect(page.locator(".rating__count")).to_have_text("1 vote")
    expect(page.locator(".rating__average")).to_have_text("4")
    assert not console_errors


def test_reader_rates_with_the_keyboard_alone(article_page):
    page = article_page
    radios = page.locator("input[name=score]")
    radios.first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 3 stars
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".rating__count")).to_have_text("1 vote")
    expect(page.locator(".rating__average")).to_have_text("3")


def test_reader_rates_and_comments_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + SEED_URL)
    page.locator("label[title='4 stars']").click()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("your vote (4 of 5) is counted")).to_be_visible()
    expect(page.locator(".rating__count")).to_have_text("1 vote")

    page.wait_for_timeout(3100)  # the spam guard refuses forms sent within 3 seconds
    page.get_by_role("textbox", name="Name").fill("Ola Nordmann")
    page.get_by_role("textbox", name="Email:", exact=True).fill("ola@example.com")
    page.get_by_role("textbox", name="Comment").fill("A careful, <b>plain</b> remark.")
    page.get_by_role("button", name="Post comment").click()
    # The shared page has no spam-guard stamp without JavaScript: one more press.
    expect(page.get_by_text("please send it again")).to_be_visible()
    page.wait_for_timeout(3100)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("A careful, <b>plain</b> remark.")).to_be_visible()
    expect(page.get_by_text("Awaiting moderation")).to_be_visible()
    assert Comment.objects.get().status == Comment.Status.PENDING
    context.close()


def test_reader_posts_replies_and_votes_with_javascript(
    live_server, page, console_errors, monkeypatch
):
    from articles.models import Article

    # A comment and a reply within seconds: the one-per-15-seconds limit has its own tests.
    monkeypatch.setattr(comments, "POST_RULES", (Rule(limit=5, period=60),))
    article = Article.objects.get(slug__startswith="belarusian")
    CommentFactory(article=article, email="ola@example.com", body="An earlier approved remark.")
    page.goto(live_server.url + SEED_URL)
    page.get_by_role("textbox", name="Comment").scroll_into_view_if_needed()  # stamped now
    page.wait_for_timeout(3100)
    page.get_by_role("textbox", name="Name").fill("Ola")
    page.get_by_role("textbox", name="Email:", exact=True).fill("ola@example.com")
    page.get_by_role("textbox", name="Comment").fill("Known reader, posted at once.")
    page.get_by_role("button", name="Post comment").click()
    new_comment = page.locator("[data-comment]", has_text="Known reader, posted at once.")
    expect(new_comment).to_be_visible()
    expect(new_comment.locator("time")).to_have_text("just now")

    first = page.locator("[data-comment]", has_text="An earlier approved remark.")
    first.get_by_role("button", name="Vote up").click()
    expect(first.locator("[data-comment-score]")).to_contain_text("1")
    expect(first.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")

    first.get_by_role("link", name="Reply").click()
    reply_form = page.locator("form[data-reply-form]")
    reply_form.get_by_role("textbox", name="Name").fill("Ola")
    reply_form.get_by_role("textbox", name="Email").fill("ola@example.com")
    reply_form.get_by_role("textbox", name="Comment").fill("And a reply.")
    reply_form.get_by_role("button", name="Post comment").click()
    expect(page.locator("[data-comment]", has_text="And a reply.")).to_be_visible()
    reply = Comment.objects.get(body="And a reply.")
    assert reply.parent.body == "An earlier approved remark."
    assert not console_errors, console_errors


def test_a_very_long_word_in_a_comment_does_not_widen_the_page_on_a_phone(live_server, page):
    from articles.models import Article

    article = Article.objects.get(slug__startswith="belarusian")
    CommentFactory(article=article, name="x" * 80, body="https://example.com/" + "a" * 3000)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + SEED_URL)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
