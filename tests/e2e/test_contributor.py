"""A contributor, in a real browser: packs page, the story form with an image, the status page.

Every run also writes screenshots of the main pages at a phone and a desktop width to
tests/e2e/screenshots/ (ignored by git), to look at what readers get.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Submission

from ..factories import SubmissionFactory, image_upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


def test_contributor_sends_a_story_with_an_image_and_follows_it(
    live_server, page, tmp_path, screenshot
):
    photo = tmp_path / "sochi.jpg"
    photo.write_bytes(image_upload(size=(1200, 800)).read())

    for name, path in (("home", "/"), ("article", SEED_URL)):
        page.goto(live_server.url + path)
        screenshot(page, name)

    page.goto(live_server.url + SEED_URL)
    page.get_by_role("link", name="See the packs").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("No payment is taken here")).to_be_visible()
    page.get_by_role("link", name="Send a story with “Single story”").click()
    expect(page.locator("#id_pack option:checked")).to_have_text("Single story")
    screenshot(page, "submission")

    page.get_by_label("Your name").fill("Dana Writer")
    page.get_by_label("Your email").fill("dana@example.com")
    page.get_by_label("Title").fill("Skiing diplomacy in Sochi")
    page.get_by_label("Your story").fill("First paragraph.\n\nSecond paragraph.")
    page.locator("#id_category").select_option(label="World › Russia")
    page.locator("#id_image_1").set_input_files(str(photo))
    page.get_by_label("Image 1: what it shows").fill("Two leaders on a ski slope")
    page.get_by_label("Image 1: credit").fill("Dana Writer")
    page.locator("input[type=checkbox][name=rights]").check()
    page.wait_for_timeout(3100)  # the spam guard refuses forms sent within 3 seconds
    page.get_by_role("button", name="Send my story").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank")
    submission = Submission.objects.get()
    assert submission.images.count() == 1
    page.goto(live_server.url + submission.get_absolute_url())
    expect(page.get_by_text("Skiing diplomacy in Sochi").first).to_be_visible()
    expect(page.get_by_text("Received").first).to_be_visible()
    screenshot(page, "status")


def test_a_very_long_word_in_a_story_does_not_widen_its_status_page_on_a_phone(live_server, page):
    submission = SubmissionFactory(title="T" * 200, story="https://example.com/" + "a" * 3000)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + submission.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
