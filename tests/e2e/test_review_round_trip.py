"""The review round trip in two browsers: a writer submits, the editors are mailed, an
editor sends the story back with a note, the writer fixes it and submits again, the
editor approves and schedules it seconds ahead; it goes live by itself and, at its
unpublish time, comes down by itself (410 Gone)."""

import datetime
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Category

from ..factories import AuthorFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOTE = "Please check the mayor's quote against the recording."


def _status_when_ready(visitor, url, wanted, within=30):
    """Open `url` in a fresh browser (no cache) until it answers `wanted`."""
    deadline = time.monotonic() + within
    while True:
        page = visitor()
        status = page.goto(url).status
        if status == wanted or time.monotonic() > deadline:
            return status, page
        page.context.close()
        time.sleep(0.5)


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


def test_a_story_goes_through_review_live_and_down_by_itself(
    live_server, page, visitor, admin_sign_in, mailoutbox
):
    writer = make_writer(username="wanda", first_name="Wanda", totp=True)
    editor = make_editor(username="erin", first_name="Erin")
    article = Article.objects.create(
        title="Bridge reopens after repairs",
        body="<p>The bridge reopened on Monday, the mayor said.</p>",
        category=Category.objects.get(path="world/russia"),
        author=AuthorFactory(name="Wanda W.", user=writer),
        created_by=writer,
    )
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    admin_sign_in(page, "wanda")
    page.goto(change_url)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("sent for review")
    sent = [m for m in mailoutbox if editor.email in m.to]
    assert sent and "Bridge reopens after repairs" in sent[-1].subject

    desk = visitor()
    admin_sign_in(desk, "erin")
    desk.goto(f"{live_server.url}/admin/")
    desk.get_by_role("link", name="In review: 1").click()
    desk.get_by_role("link", name="Bridge reopens after repairs").click()
    desk.get_by_text("Send back with a note").click()
    desk.get_by_label("Note for the writer").fill(NOTE)
    desk.get_by_role("button", name="Send back", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("sent back")
    assert any(NOTE in m.body for m in mailoutbox if writer.email in m.to)

    page.goto(change_url)
    expect(page.locator(".review-note")).to_contain_text(NOTE)
    page.locator("#id_title").fill("Bridge reopens after repairs, mayor says")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("sent for review")

    desk.goto(change_url)
    now = timezone.now()
    now = now.replace(microsecond=0)  # the form takes whole seconds
    live_at = now + datetime.timedelta(seconds=8)
    down_at = now + datetime.timedelta(seconds=18)
    desk.get_by_text("Approve and schedule", exact=True).first.click()
    desk.get_by_role("textbox", name="Publish at:", exact=True).fill(_local(live_at))
    desk.get_by_role("textbox", name="Unpublish at:", exact=True).fill(_local(down_at))
    desk.get_by_role("button", name="Approve and schedule").last.click()
    expect(desk.locator(".messagelist")).to_contain_text("Will be published on")
    article.refresh_from_db()
    assert article.is_scheduled
    address = live_server.url + article.get_absolute_url()

    status, reader = _status_when_ready(visitor, address, 404, within=0)
    assert status == 404  # not before its time
    status, reader = _status_when_ready(visitor, address, 200)
    assert status == 200
    expect(reader.get_by_role("heading", level=1)).to_contain_text("mayor says")
    assert timezone.now() >= live_at

    status, reader = _status_when_ready(visitor, address, 410)
    assert status == 410
    expect(reader.get_by_role("heading", level=1)).to_contain_text("no longer available")
    assert timezone.now() >= down_at
