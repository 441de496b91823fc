"""A reader follows an article's comments by email: subscribe, confirm, get mail, unsubscribe."""

import pytest
from playwright.sync_api import expect

from articles import moderation
from articles.models import Comment, Subscription

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


def test_reader_subscribes_confirms_by_mail_and_unsubscribes_from_a_notification(
    live_server, page, visitor, quick_forms, mail_links, mailoutbox
):
    page.goto(live_server.url + SEED_URL)
    notify = page.locator("form#notify")
    expect(notify.get_by_label("Notify of")).to_have_value("article")
    notify.get_by_role("textbox", name="Your email").fill("Mia@Example.com")
    notify.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Belarusian, Russian Leaders")
    expect(page.locator(".messages")).to_contain_text("We have emailed mia@example.com")
    subscription = Subscription.objects.get(email="mia@example.com")
    assert not subscription.is_active  # nothing is sent before the reader confirms

    mail, (confirm_url,) = mail_links("mia@example.com", "/notify/confirm/")
    assert mail.subject.startswith("Confirm: notify me of new comments")
    page.goto(confirm_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm notifications")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications confirmed")
    expect(page.get_by_role("status")).to_contain_text("we will email you about new comments")
    subscription.refresh_from_db()
    assert subscription.is_active

    # Another reader's first comment waits for moderation; an editor approves it (the
    # admin action calls this; test_editorial_workflow.py clicks it in the admin).
    other_page = visitor()
    other_page.goto(live_server.url + SEED_URL)
    other_page.get_by_role("textbox", name="Name").fill("Ben")
    other_page.get_by_role("textbox", name="Email:", exact=True).fill("ben@example.com")
    other_page.get_by_role("textbox", name="Comment").fill("Lunch and skiing, then talks.")
    other_page.get_by_role("button", name="Post comment").click()
    expect(other_page.get_by_text("Awaiting moderation")).to_be_visible()
    assert not [m for m in mailoutbox if "Ben commented" in m.subject]
    moderation.approve(Comment.objects.filter(email="ben@example.com"))

    mail, links = mail_links("mia@example.com", "/notify/unsubscribe/")
    assert mail.subject.startswith("Ben commented on “Belarusian, Russian Leaders")
    assert "Lunch and skiing, then talks." in mail.body
    unsubscribe_url = next(link for link in links if not link.endswith("/one-click/"))
    page.goto(unsubscribe_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    expect(page.get_by_text("mia@example.com: new comments on")).to_be_visible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribed")
    expect(page.get_by_role("status")).to_contain_text("we will not email you about new comments")
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.unsubscribed_at is not None
