"""The story page in a browser, at a phone's and a desktop's width: passage feedback is a
quiet marker in the margin (hidden until hover, shown on keyboard focus), the dark scheme
follows the reader's system, paper gets no forms, and axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from articles.models import Category

from ..factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"
WIDTHS = pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])


def opacity(locator):
    return float(locator.evaluate("element => getComputedStyle(element).opacity"))


def open_story(page, live_server, width):
    page.emulate_media(reduced_motion="reduce")  # no fade: the style is final at once
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + SEED_URL)


@WIDTHS
def test_the_paragraph_marker_waits_in_the_margin_until_hover_or_keyboard_focus(
    live_server, page, width, tmp_path
):
    open_story(page, live_server, width)
    passage = page.locator("[data-passage]").nth(1)
    paragraph, marker = passage.locator("p").first, passage.locator("[data-passage-comment]")
    expect(marker).to_have_accessible_name("Comment on this paragraph")
    assert opacity(marker) == 0
    page.screenshot(path=tmp_path / f"story-{width}.png", full_page=True)

    # Beside the paragraph, not a line under it, and within the page.
    text, box = paragraph.bounding_box(), marker.bounding_box()
    assert text["y"] <= box["y"] < text["y"] + text["height"]
    assert box["x"] >= text["x"] + text["width"] - 1
    assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    paragraph.hover()
    assert opacity(marker) == 1
    page.mouse.move(0, 0)
    assert opacity(marker) == 0

    # The keyboard reaches the first paragraph's marker: it shows while focused.
    first = page.locator("[data-passage-comment]").first
    for _ in range(80):
        page.keyboard.press("Tab")
        if first.evaluate("element => element === document.activeElement"):
            break
    expect(first).to_be_focused()
    assert opacity(first) == 1
    assert first.evaluate("element => element.matches(':focus-visible')")


@WIDTHS
def test_the_dark_scheme_follows_the_readers_system_and_stays_accessible(
    live_server, page, width, tmp_path, serious_violations
):
    russia = Category.objects.get(path="world/russia")
    ArticleFactory(title="Minsk after the summit", category=russia, tags=["Belarus"])
    open_story(page, live_server, width)
    expect(page.locator(".related")).to_contain_text("Minsk after the summit")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)"
    assert not serious_violations(page)

    page.emulate_media(color_scheme="dark")
    page.reload()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    ink = page.evaluate("getComputedStyle(document.body).color")
    assert background == "rgb(22, 22, 26)" and ink == "rgb(233, 231, 227)"
    page.screenshot(path=tmp_path / f"story-dark-{width}.png", full_page=True)
    assert not serious_violations(page)


def test_paper_gets_the_story_without_navigation_forms_or_buttons(live_server, page):
    open_story(page, live_server, 1280)
    comment_form = page.locator("form[data-comment-form]").first
    expect(comment_form).to_be_visible()
    page.emulate_media(media="print")
    expect(comment_form).to_be_hidden()
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator("form.rating__form")).to_be_hidden()
    expect(page.locator("[data-passage-comment]").first).to_be_hidden()
    expect(page.locator(".article__title")).to_be_visible()
    expect(page.locator(".article__body")).to_be_visible()


def test_on_paper_a_link_in_the_story_shows_its_address(live_server, page):
    article = ArticleFactory(
        body='<p>Read <a href="https://example.org/report">the report</a>.</p>'
    )
    page.goto(live_server.url + article.get_absolute_url())
    link = page.locator(".article__body a", has_text="the report")
    after = "element => getComputedStyle(element, '::after').content"
    assert link.evaluate(after) in ("none", "normal")
    page.emulate_media(media="print")
    assert link.evaluate(after) == '" (https://example.org/report)"'
