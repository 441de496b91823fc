"""An editor marks a save as a correction; a reader sees the "Updated" line and the box."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Category

from ..factories import AuthorFactory, UserFactory, give_totp_device

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOTE = "An earlier version said 300 people attended; it was 350."


def test_an_editors_correction_shows_to_a_reader_at_once(
    live_server, page, visitor, console_errors, admin_sign_in
):
    article = Article.objects.create(
        title="Crowds in Sochi",
        standfirst="About 300 people attended the summit.",
        body="<p>The talks ran late.</p>",
        category=Category.objects.get(path="world/russia"),
        author=AuthorFactory(),
        status=Article.Status.PUBLISHED,
    )
    reader = visitor()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.locator(".article__standfirst")).to_contain_text("300")
    expect(reader.locator(".corrections")).to_have_count(0)

    give_totp_device(UserFactory(username="editor", is_staff=True, is_superuser=True))
    admin_sign_in(page, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.get_by_label("Standfirst").fill("About 350 people attended the summit.")
    page.get_by_role("radio", name=re.compile("Correction: readers see")).check()
    page.get_by_label("Note for readers").fill(NOTE)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    reader.reload()
    expect(reader.locator(".article__standfirst")).to_contain_text("350")
    expect(reader.locator(".byline")).to_contain_text(
        re.compile(r"Updated \d{1,2} \w+ \d{4}, \d\d:\d\d")
    )
    box = reader.get_by_role("region", name="Corrections and updates")
    expect(box).to_contain_text(NOTE)
    reader.get_by_role("link", name="All corrections").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Corrections")
    expect(reader.locator(".correction-list")).to_contain_text(NOTE)
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
