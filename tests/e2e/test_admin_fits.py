"""The admin as it fits an editor's screen (1,366 × 768): the body editor and its toolbar."""

import pytest
from playwright.sync_api import expect

from ..factories import UserFactory, give_totp_device

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ICONS_LOADED = "async () => { await document.fonts.ready; return document.fonts.check('24px \"Material Icons\"'); }"


@pytest.fixture
def new_article_form(live_server, page, admin_sign_in):
    give_totp_device(UserFactory(username="editor", is_staff=True, is_superuser=True))
    admin_sign_in(page, "editor")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    return page


def test_the_body_editor_opens_at_a_useful_height(new_article_form, screenshot):
    editor = new_article_form.locator(".prose-editor > .ProseMirror")
    expect(editor).to_be_visible()
    assert editor.bounding_box()["height"] >= 300  # one line (31 px) before
    screenshot(new_article_form, "admin-article-form")


def test_every_toolbar_button_shows_its_glyph(new_article_form):
    page = new_article_form
    expect(page.locator(".prose-menubar")).to_be_visible()
    assert page.evaluate(ICONS_LOADED)
    # An icon whose ligature does not resolve shows its name ("format_list_bulleted"): wide.
    for button in page.locator(".prose-menubar__button:visible").all():
        assert button.bounding_box()["width"] <= 40, button.get_attribute("title")
    # The block-type dropdown's arrow was "⏷", a character none of our fonts has (a box).
    arrow = page.locator(".prose-menubar__selected").evaluate(
        "el => { const s = getComputedStyle(el, '::after');"
        " return {content: s.content, border: parseFloat(s.borderTopWidth)}; }"
    )
    assert arrow == {"content": '""', "border": 5}


def _fits_beside_the_filters(page):
    """The list's right edge, the filter panel's left edge and the window's width."""
    return page.evaluate(
        "() => ({table: document.querySelector('#result_list').getBoundingClientRect().right,"
        " filter: document.querySelector('#changelist-filter').getBoundingClientRect().left,"
        " window: window.innerWidth})"
    )


def test_the_comment_queue_and_the_article_list_fit_a_laptop_screen(
    live_server, page, admin_sign_in
):
    """At 1,366 px the moderation buttons and the last columns ran under the filters."""
    from ..factories import ArticleFactory, CommentFactory

    article = ArticleFactory(
        title="Belarusian and Russian leaders meet as the West prepares to ramp up pressure"
    )
    for n in range(3):
        CommentFactory(
            article=article,
            status="pending",
            name="Aleksandra Konstantinovna Rozhdestvenskaya",
            email=f"aleksandra.rozhdestvenskaya.{n}@university-of-minsk.example.org",
            body="A long and thoughtful comment about the summit " * 4,
        )
    give_totp_device(UserFactory(username="editor", is_staff=True, is_superuser=True))
    admin_sign_in(page, "editor")
    page.set_viewport_size({"width": 1366, "height": 768})
    for address in ("/admin/articles/comment/", "/admin/articles/article/"):
        page.goto(live_server.url + address)
        box = _fits_beside_the_filters(page)
        assert box["table"] <= box["filter"] <= box["window"], (address, box)
    page.goto(live_server.url + "/admin/articles/comment/")
    filters = page.locator("#changelist-filter").bounding_box()
    buttons = page.locator("#result_list button[formaction]").all()
    assert len(buttons) == 9
    for button in buttons:
        box = button.bounding_box()
        assert box["x"] + box["width"] <= filters["x"]
