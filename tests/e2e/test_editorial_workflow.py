"""An editor, in the admin, moderates a comment and takes a contributor's story to publication."""

import pytest
from playwright.sync_api import expect

from articles import submissions
from articles.models import Category, Pack, Submission

from ..factories import make_editor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"
HELD = "A first comment from me: the talks matter more than the skiing."


@pytest.fixture
def editor_page(page, admin_sign_in):
    """The admin, signed in through its two sign-in steps as a member of the Editors group."""
    make_editor(username="erin")
    admin_sign_in(page, "erin")
    expect(page.get_by_role("heading", name="Recent actions")).to_be_visible()
    return page


def _run_action(page, row_text, action):
    """Tick the changelist row that shows `row_text`, choose an action and run it."""
    row = page.locator("#result_list tbody tr", has_text=row_text)
    row.locator("input.action-select").check()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Run").click()


def test_editor_approves_a_held_comment_in_the_admin(
    live_server, visitor, editor_page, quick_forms
):
    commenter = visitor()
    commenter.goto(live_server.url + SEED_URL)
    commenter.get_by_role("textbox", name="Name").fill("Nina")
    commenter.get_by_role("textbox", name="Email:", exact=True).fill("nina@example.com")
    commenter.get_by_role("textbox", name="Comment").fill(HELD)
    commenter.get_by_role("button", name="Post comment").click()
    expect(commenter.get_by_text("Awaiting moderation")).to_be_visible()
    reader = visitor()
    reader.goto(live_server.url + SEED_URL)
    expect(reader.locator("#comments")).to_be_visible()
    expect(reader.get_by_text(HELD)).to_have_count(0)

    page = editor_page
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="1 comment awaiting moderation").click()
    _run_action(page, HELD[:40], "Approve selected comments")
    expect(page.locator(".messagelist")).to_contain_text("1 comment approved.")

    reader.reload()
    comment = reader.locator("[data-comment]", has_text=HELD)
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("Nina")
    expect(comment).not_to_contain_text("Awaiting moderation")


def test_editor_requests_changes_contributor_resubmits_editor_publishes(
    live_server, visitor, editor_page, quick_forms, screenshot
):
    submission = submissions.receive_submission(
        {
            "name": "Dana Writer",
            "email": "dana@example.com",
            "title": "Night trains of Minsk",
            "story": "The 23:40 to Brest leaves on time.",
            "category": Category.objects.get(path="world/russia"),
            "pack": Pack.objects.get(slug="single-story"),
            "tags": "Belarus, Railways",
        },
        [],
        ip_hash="",
        form_token="e2e-form-token",
    )
    status_url = live_server.url + submission.get_absolute_url()

    # The editor asks for changes, with a message to the contributor.
    page = editor_page
    page.goto(f"{live_server.url}/admin/articles/submission/")
    page.get_by_role("link", name="Night trains of Minsk").click()
    page.get_by_role("button", name="Request changes…").click()
    page.get_by_label("Message").fill("Please say who runs the night train.")
    page.get_by_role("button", name="Send and apply").click()
    expect(page.locator(".messagelist")).to_contain_text("Changes requested: 1 submission(s).")

    # The contributor reads it on the private status page and sends the story again.
    contributor = visitor()
    contributor.goto(status_url)
    expect(contributor.locator(".submission-status")).to_contain_text("Changes requested.")
    expect(contributor.locator(".editor-message")).to_have_text(
        "Please say who runs the night train."
    )
    screenshot(contributor, "status-changes-requested")
    contributor.get_by_role("link", name="Change my story and send it again").click()
    expect(contributor.get_by_role("heading", level=1)).to_have_text("Change your story")
    story = contributor.get_by_label("Your story")
    expect(story).to_have_value("The 23:40 to Brest leaves on time.")
    screenshot(contributor, "submission-edit")
    story.fill("The 23:40 to Brest, run by Belarusian Railways, leaves on time.")
    contributor.locator("input[type=checkbox][name=rights]").check()
    contributor.get_by_role("button", name="Send my story again").click()
    expect(contributor.locator(".messages")).to_contain_text("your story was sent again")
    expect(contributor.locator(".submission-status")).to_contain_text("Received.")

    # The editor accepts it, edits the draft article and publishes it.
    page.goto(f"{live_server.url}/admin/articles/submission/{submission.pk}/change/")
    expect(page.locator(".submission-paragraph")).to_contain_text("run by Belarusian Railways")
    page.get_by_role("button", name="Accept and make a draft article").click()
    expect(page.locator("#id_title")).to_have_value("Night trains of Minsk")
    expect(page.locator("#id_status")).to_have_value("draft")
    page.locator("#id_title").fill("Night trains of Minsk still run on time")
    page.locator("#id_standfirst").fill("Belarus’s overnight services, seen from the platform.")
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    submission.refresh_from_db()
    assert submission.status == Submission.Status.PUBLISHED
    article = submission.article
    assert article.is_published

    reader = visitor()
    reader.goto(live_server.url + "/")
    reader.get_by_role("link", name="Night trains of Minsk still run on time").first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Night trains of Minsk still run on time"
    )
    expect(reader.locator("article")).to_contain_text("run by Belarusian Railways")
    expect(reader.get_by_text("Dana Writer").first).to_be_visible()
    feed = reader.request.get(live_server.url + "/feed/")
    assert feed.ok
    assert "<title>Night trains of Minsk still run on time</title>" in feed.text()
    assert article.get_absolute_url() in feed.text()

    contributor.reload()
    expect(contributor.locator(".submission-status")).to_contain_text("Published.")
    expect(contributor.get_by_role("link", name="Read your published story")).to_be_visible()
