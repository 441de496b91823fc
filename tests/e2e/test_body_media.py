"""Pictures in the story, in a real browser: an editor puts a library image, a table, a
pull quote and an embed into a story with the editor's buttons; readers see them, and
their browser asks no other host for anything."""

import re

import pytest
from playwright.sync_api import expect

from articles import media
from articles.models import Article

from ..factories import ArticleFactory, UserFactory, give_totp_device, image_upload
from ..oembed_server import LINK, running_provider

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def editing(live_server, page, admin_sign_in, console_errors):
    """An editor on the change form of a story, their cursor at the end of its body."""
    give_totp_device(UserFactory(username="editor", is_staff=True, is_superuser=True))
    article = ArticleFactory(title="Summit in Minsk", body="<p>Leaders met on Friday.</p>")
    admin_sign_in(page, "editor")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor = page.locator(".prose-editor > .ProseMirror")
    expect(editor).to_be_visible()
    editor.get_by_text("Leaders met on Friday.").click()
    page.keyboard.press("End")
    return article


def _save(page):
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def _no_csp_errors(console_errors):
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_an_editor_puts_a_library_image_in_a_story_and_readers_see_it(
    live_server, page, editing, console_errors
):
    image = media.add_image(
        image_upload(size=(1600, 900)),
        alt="The bridge over the Svislach",
        caption="Minsk at dawn.",
        credit="Ada Lovelace/dpa",
    )
    page.get_by_role("button", name="Library image").click()
    picker = page.locator("dialog.library-picker")
    expect(picker).to_be_visible()
    picker.get_by_label("Search alt text, caption, credit").fill("svislach")
    picker.locator(f'[data-library-image="{image.pk}"]').click()
    expect(picker).to_have_count(0)
    expect(page.locator(f'.ProseMirror figure img[data-file="{image.pk}"]')).to_be_visible()
    _save(page)

    article = Article.objects.get(pk=editing.pk)
    page.goto(live_server.url + article.get_absolute_url())
    figure = page.locator(".article__body figure")
    expect(figure.locator("figcaption")).to_have_text("Minsk at dawn. Ada Lovelace/dpa")
    expect(figure.locator(".figure__credit")).to_have_text("Ada Lovelace/dpa")
    img = figure.get_by_role("img", name="The bridge over the Svislach")
    assert img.get_attribute("srcset") == image.srcset()
    assert img.get_attribute("sizes")
    img.scroll_into_view_if_needed()
    expect(img).to_have_js_property("complete", True)
    assert img.evaluate("el => el.naturalWidth") > 0  # a rendition of ours, really there
    # The figure is a passage: readers can comment on it.
    passage = page.locator(".passage", has=page.locator("figure"))
    expect(passage).to_have_attribute("data-passage", re.compile(r"^b-[0-9a-f]{8}"))
    _no_csp_errors(console_errors)


def test_a_table_pull_quote_and_embed_card_reach_readers_without_any_other_host(
    live_server, page, editing, console_errors, settings
):
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    with running_provider() as provider:
        settings.MAGAZINE_EMBED_PROVIDERS = provider.settings()

        page.keyboard.press("Enter")
        page.keyboard.type("We will not be pressured.")
        page.get_by_role("button", name="Pull quote").click()
        page.keyboard.press("End")

        page.get_by_role("button", name="Embed").click()
        page.get_by_label("Link to embed").fill(LINK)
        page.get_by_role("button", name="Insert", exact=True).click()
        expect(page.locator(".ProseMirror p.embed-link")).to_contain_text(LINK)

        page.get_by_role("button", name="Insert table").click()
        page.get_by_label("Rows").fill("2")
        page.get_by_label("Columns").fill("2")
        page.get_by_label("Include header row").select_option("Yes")
        page.get_by_role("button", name="Insert Table", exact=True).click()
        for text in ("City", "Turnout", "Minsk", "61 %"):
            page.keyboard.type(text)
            page.keyboard.press("Tab")
        _save(page)
        assert any("/oembed?" in path for path in provider.requests)  # the server asked

    article = Article.objects.get(pk=editing.pk)
    page.goto(live_server.url + article.get_absolute_url())
    body = page.locator(".article__body")
    expect(body.locator("aside blockquote")).to_have_text("We will not be pressured.")
    expect(body.get_by_role("columnheader", name="Turnout")).to_be_visible()
    expect(body.get_by_role("cell", name="61 %")).to_be_visible()
    card = body.locator("a.embed-card")
    expect(card).to_have_attribute("href", LINK)
    expect(card).to_contain_text("Minsk summit, the press conference")
    expect(card).to_contain_text("Clips · Belta TV")
    thumbnail = card.locator("img")
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("el => el.naturalWidth") == 640
    expect(page.locator("iframe")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    others = [url for url in asked if not url.startswith((live_server.url, "data:"))]
    assert not others, others
    _no_csp_errors(console_errors)


@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,<b>x</b>"])
def test_the_embed_dialog_refuses_a_script_or_data_address_with_a_message(page, editing, address):
    page.get_by_role("button", name="Embed").click()
    field = page.get_by_label("Link to embed")
    field.fill(address)
    page.get_by_role("button", name="Insert", exact=True).click()
    dialog = page.locator("dialog.prose-editor-dialog")
    expect(dialog).to_be_visible()  # refused: the dialog stays, what was typed too
    expect(field).to_have_value(address)
    expect(dialog.get_by_role("alert")).to_have_text(
        "Only a web address (https://…) can be embedded."
    )
    assert "https://" in field.evaluate("el => el.validationMessage")
    expect(page.locator(".ProseMirror p.embed-link")).to_have_count(0)

    field.fill(LINK)
    page.get_by_role("button", name="Insert", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(page.locator(".ProseMirror p.embed-link")).to_contain_text(LINK)


def test_the_picker_warns_of_a_library_image_without_alt_text(page, editing):
    described = media.add_image(image_upload(size=(1600, 900)), alt="A bridge", caption="Dawn.")
    bare = media.add_image(image_upload(size=(1600, 900)), alt="", caption="Minsk at dusk.")
    page.get_by_role("button", name="Library image").click()
    picker = page.locator("dialog.library-picker")
    choice = picker.locator(f'[data-library-image="{bare.pk}"]')
    expect(choice).to_contain_text("No alt text")
    expect(choice).to_have_accessible_name(re.compile(r"Minsk at dusk\..*No alt text"))
    expect(picker.locator(f'[data-library-image="{described.pk}"]')).not_to_contain_text(
        "No alt text"
    )
    page.wait_for_load_state("networkidle")  # thumbnails served before the database goes
