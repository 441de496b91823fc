"""Reading figures in a real browser: a reader's visit counts once, the editor sees it charted."""

import time

import pytest
from playwright.sync_api import expect

from articles import readership
from articles.models import Article, DailyViews

from ..factories import make_editor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Headless chromium says "HeadlessChrome", which is counted as a bot: readers' browsers don't.
READERS_BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)
SEED_SLUG = "belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure"


@pytest.fixture
def counter(monkeypatch):
    """The live server's counter (it runs in this process), written when the test says."""
    fresh = readership.ViewCounter(flush_views=10_000, flush_seconds=3600)
    monkeypatch.setattr(readership, "counter", fresh)
    return fresh


def pending_views(counter, at_least, timeout=5):
    deadline = time.monotonic() + timeout
    while counter.pending().total() < at_least and time.monotonic() < deadline:
        time.sleep(0.05)
    return counter.pending().total()


def test_a_readers_visit_counts_once_and_the_editor_sees_it_charted(
    live_server, visitor, page, admin_sign_in, counter, console_errors, serious_violations
):
    article = Article.objects.get(slug=SEED_SLUG)
    reader = visitor(user_agent=READERS_BROWSER)
    with reader.expect_request(lambda request: "/read/" in request.url) as sent:
        reader.goto(live_server.url + article.get_absolute_url())
    assert sent.value.method == "POST"
    assert pending_views(counter, 1) == 1
    time.sleep(0.5)
    assert pending_views(counter, 2, timeout=0) == 1  # once per page view, not more
    assert counter.flush() == 1
    assert DailyViews.objects.get(article=article).views == 1

    make_editor(username="editor")
    admin_sign_in(page, "editor")
    page.get_by_role("link", name="Reading figures").first.click()
    expect(page.get_by_role("heading", name="Reading figures")).to_be_visible()
    most_read = page.locator("table.reading-figures__top")
    expect(most_read.get_by_role("row", name=article.title)).to_contain_text("1")
    chart = page.get_by_role("img", name="Views per day over the last 30 days: 1 view in all")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 300
    page.get_by_text("The figures day by day").click()  # the table for screen readers
    expect(
        page.get_by_role("table", name="Views, new ratings and comments per day")
    ).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name=article.title).click()
    expect(
        page.get_by_role("img", name="Views per day over the last 30 days: 1 view")
    ).to_be_visible()
    assert not console_errors


def test_without_javascript_the_image_counts_the_visit(live_server, visitor, counter):
    article = Article.objects.get(slug=SEED_SLUG)
    reader = visitor(user_agent=READERS_BROWSER, java_script_enabled=False)
    with reader.expect_request(lambda request: "/read/" in request.url) as sent:
        reader.goto(live_server.url + article.get_absolute_url())
    assert sent.value.method == "GET"
    assert pending_views(counter, 1) == 1
    counter.flush()
    assert DailyViews.objects.get(article=article).views == 1
