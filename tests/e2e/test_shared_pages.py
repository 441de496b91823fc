"""A stranger, in a real browser, on a page a shared cache may hold: no CSRF token and no
spam-guard stamp in it, and rating and commenting still work, with JavaScript (the
stamp is fetched) and without (the form comes back once, text kept, with a stamp)."""

import pytest
from playwright.sync_api import expect

from articles.models import ArticleRating, Comment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


def open_shared_page(page, live_server):
    response = page.goto(live_server.url + SEED_URL)
    assert "public" in response.headers["cache-control"]
    assert "s-maxage=" in response.headers["cache-control"]
    assert "set-cookie" not in response.headers
    html = response.text()
    assert "csrfmiddlewaretoken" not in html
    assert 'name="form_started" value="" data-form-stamp' in html  # fetched when needed
    return page


def write_comment(page, body):
    page.get_by_role("textbox", name="Name").fill("Ola Nordmann")
    page.get_by_role("textbox", name="Email:", exact=True).fill("ola@example.com")
    page.get_by_role("textbox", name="Comment").fill(body)


def test_a_stranger_rates_and_comments_with_no_token_in_the_page(live_server, page, console_errors):
    open_shared_page(page, live_server)
    page.locator("label[title='4 stars']").click()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.locator(".rating__count")).to_have_text("1 vote")

    page.get_by_role("textbox", name="Comment").scroll_into_view_if_needed()  # stamped now
    page.wait_for_timeout(3100)  # the spam guard refuses forms sent within 3 seconds
    write_comment(page, "Posted from a page everyone shares.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Posted from a page everyone shares.")).to_be_visible()
    expect(page.get_by_text("Awaiting moderation")).to_be_visible()
    assert Comment.objects.filter(body="Posted from a page everyone shares.").count() == 1
    assert ArticleRating.objects.count() == 1
    assert not console_errors, console_errors


def test_without_javascript_a_stranger_posts_after_a_form_page_of_their_own(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = open_shared_page(context.new_page(), live_server)
    page.locator("label[title='4 stars']").click()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("your vote (4 of 5) is counted")).to_be_visible()

    write_comment(page, "Sent without JavaScript.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("please send it again")).to_be_visible()
    expect(page.get_by_role("textbox", name="Comment")).to_have_value("Sent without JavaScript.")
    assert not Comment.objects.exists()

    page.wait_for_timeout(3100)  # the stamp on that page is as fresh as the page
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Awaiting moderation")).to_be_visible()
    assert Comment.objects.filter(body="Sent without JavaScript.").count() == 1
    context.close()
