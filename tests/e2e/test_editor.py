import pytest
from playwright.sync_api import expect

from articles.models import Article

from ..factories import UserFactory, give_totp_device
from . import select2

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_editor_writes_and_publishes_an_article_in_the_rich_text_editor(
    live_server, page, console_errors, admin_sign_in
):
    give_totp_device(UserFactory(username="editor", is_staff=True, is_superuser=True))
    admin_sign_in(page, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#id_title").fill("Snow in Sochi")
    editor = page.locator(".prose-editor > .ProseMirror")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.type("Skiing resumed on Tuesday.")
    select2.pick(page, "category", "Russia")
    select2.pick(page, "author", "Newsroom")
    page.locator("#id_tags").fill("Sochi, Wea")
    page.locator("#id_status").select_option("published")
    page.locator("#id_publish_at_0").fill("2024-01-01")
    page.locator("#id_publish_at_1").fill("10:00:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(title="Snow in Sochi")
    assert "Skiing resumed on Tuesday." in article.body_html
    assert article.category.path == "world/russia"
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Snow in Sochi")
    expect(page.locator(".breadcrumbs")).to_contain_text("Russia")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
