"""An editor shares a draft by a preview link: a stranger opens it, then it expires; another
link is revoked in the admin and stops working."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Category, PreviewLink

from ..factories import AuthorFactory, make_editor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Talks in Sochi ran late"


def _make_link(page, live_server, article, duration):
    """The address of a new link, as the admin shows it once."""
    page.goto(f"{live_server.url}/admin/articles/previewlink/add/?article={article.pk}")
    page.get_by_label("Works for").select_option(label=duration)
    page.get_by_role("button", name="Save", exact=True).click()
    field = page.get_by_label("Copy this link and send it")
    expect(field).to_be_visible()
    url = field.input_value()
    assert url.startswith(f"{live_server.url}/preview/{article.pk}/?token=")
    return url


def _gone(stranger, url):
    stranger.goto(url)
    expect(
        stranger.get_by_role("heading", name="This preview link no longer works")
    ).to_be_visible()
    expect(stranger.get_by_text(TITLE)).to_have_count(0)


def test_a_stranger_opens_a_shared_preview_until_it_expires_or_is_revoked(
    live_server, page, visitor, console_errors, admin_sign_in, settings
):
    settings.MAGAZINE_SITE_URL = live_server.url
    article = Article.objects.create(
        title=TITLE,
        standfirst="An embargoed story a source checks a quote in.",
        body="<p>The talks ran late into the night.</p>",
        category=Category.objects.get(path="world/russia"),
        author=AuthorFactory(),
        status=Article.Status.DRAFT,
    )
    make_editor(username="erin")
    admin_sign_in(page, "erin")
    expect(page.get_by_role("heading", name="Recent actions")).to_be_visible()
    first = _make_link(page, live_server, article, "1 day")

    stranger = visitor()
    stranger.goto(first)
    expect(stranger.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(stranger.get_by_text("Preview: not published")).to_be_visible()
    expect(stranger.locator('form[method="post"]')).to_have_count(0)
    expect(stranger.get_by_text("Article Rating")).to_have_count(0)
    expect(stranger.get_by_role("link", name="Comment on this paragraph")).to_have_count(0)
    assert stranger.locator('meta[name="robots"]').get_attribute("content") == "noindex"

    page.goto(f"{live_server.url}/admin/articles/previewlink/")
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    expect(row).to_contain_text("erin")
    expect(row.locator(".field-state_label")).to_have_text("Active")
    expect(row.locator(".field-times_opened")).to_have_text("1")

    # Its day passes.
    now = timezone.now()
    PreviewLink.objects.update(
        created_at=now - datetime.timedelta(days=2), expires_at=now - datetime.timedelta(hours=1)
    )
    _gone(visitor(), first)

    second = _make_link(page, live_server, article, "2 days")
    other_stranger = visitor()
    other_stranger.goto(second)
    expect(other_stranger.get_by_role("heading", name=TITLE)).to_be_visible()
    page.goto(f"{live_server.url}/admin/articles/previewlink/?state=active")
    page.locator("#result_list tbody tr", has_text=TITLE).locator("input.action-select").check()
    page.get_by_label("Action:").select_option(label="Revoke selected preview links")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 preview link revoked.")
    _gone(other_stranger, second)
    assert not [e for e in console_errors if "Content Security Policy" in e]
