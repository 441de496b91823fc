"""axe-core finds no serious or critical accessibility problem on the public pages."""

import pytest
from playwright.sync_api import expect

from articles import submissions

from ..factories import SubmissionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"
PAGES = ["/", SEED_URL, "/world/", "/world/russia/", "/search/?q=sochi", "/tag/belarus/"]


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_public_pages_have_no_serious_accessibility_violations(
    live_server, page, width, serious_violations
):
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for path in PAGES:
        page.goto(live_server.url + path)
        if found := serious_violations(page):
            problems[path] = found
    assert not problems, problems


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_story_pages_have_no_serious_accessibility_violations(
    live_server, page, width, serious_violations
):
    submission = SubmissionFactory(title="Night trains of Minsk")
    submissions.request_changes(submission, "Please say who runs the night train.")
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    status = submission.get_absolute_url()
    for path in ("/packs/", "/submit/", status, f"{status}edit/"):
        page.goto(live_server.url + path)
        if found := serious_violations(page):
            problems[path] = found

    # The form as it comes back with an error beside each field.
    page.goto(live_server.url + "/submit/")
    page.locator("form.submission-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Send my story").click()
    expect(page.get_by_role("alert")).to_contain_text("Your story was not sent yet.")
    if found := serious_violations(page):
        problems["/submit/ with errors"] = found
    assert not problems, problems
