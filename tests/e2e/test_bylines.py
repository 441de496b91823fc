"""A new colleague in one screen, and a story with two bylines: an editor adds a staff
writer (name, email, role, byline, bio, avatar), the writer sets a password from the
invitation's link and signs in, and the editor's story names both of them."""

import io
import re

import pytest
from django.contrib.auth.models import Permission
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article, Category, OutgoingMail

from ..factories import AuthorFactory, make_editor
from . import select2

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "night trains of minsk 1987"


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (30, 90, 160)).save(buffer, format="PNG")
    return {"name": "wanda.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_an_editor_adds_a_writer_who_sets_a_password_and_shares_a_byline(
    live_server, page, visitor, admin_sign_in, settings, console_errors
):
    settings.MAGAZINE_SITE_URL = live_server.url
    editor = make_editor(username="erin", first_name="Erin", last_name="Editor")
    editor.user_permissions.add(Permission.objects.get(codename="add_user"))
    erin = AuthorFactory(name="Erin Editor", user=editor)
    article = Article.objects.create(
        title="Night trains return",
        body="<p>The night train to Minsk runs again.</p>",
        category=Category.objects.get(path="world/russia"),
        author=erin,
        created_by=editor,
    )

    admin_sign_in(page, "erin")
    page.locator("tr.model-user").get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", name="Add a staff member")).to_be_visible()
    page.get_by_label("Name").fill("Wanda Writer")
    page.get_by_label("Email").fill("wanda@example.com")
    page.get_by_label("Writer: writes stories").check()
    page.get_by_label("Bio").fill("Covers the railways.")
    page.get_by_label("Avatar").set_input_files(_png())
    page.get_by_role("button", name="Add the staff member and send the invitation").click()
    expect(page.locator(".messagelist")).to_contain_text("Added Wanda Writer (writer)")

    mail = OutgoingMail.objects.get(to="wanda@example.com")
    link = re.search(re.escape(live_server.url) + r"/admin/password/set/\S+", mail.body)
    writer_page = visitor()
    writer_page.goto(link.group(0))
    writer_page.get_by_label("New password").fill(PASSWORD)
    writer_page.get_by_label("Confirm password").fill(PASSWORD)
    writer_page.get_by_role("button", name="Change my password").click()
    expect(writer_page.get_by_role("heading", name="Password reset complete")).to_be_visible()
    writer_page.goto(f"{live_server.url}/admin/")
    writer_page.get_by_label("Username").fill("wanda@example.com")
    writer_page.get_by_label("Password").fill(PASSWORD)
    writer_page.get_by_role("button", name="Log in").click()
    expect(writer_page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Newsroom|Set up two-factor sign-in")
    )

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    select2.pick(page, "co_bylines-0-author", "Wanda", "Wanda Writer")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    article.publish()

    reader = visitor()
    reader.goto(live_server.url + article.get_absolute_url())
    byline = reader.locator(".byline")
    expect(byline).to_contain_text("By Erin Editor and Wanda Writer")
    expect(byline.get_by_role("link", name="Wanda Writer")).to_have_attribute(
        "href", "/author/wanda-writer/"
    )
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
