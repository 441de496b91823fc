"""“Suggest a change” in two browsers: a writer suggests a change to their published
story, the editor is mailed, sees it on the story's form, compares it word by word and
accepts it; readers see the new words."""

import pytest
from playwright.sync_api import expect

from articles import publishing
from articles.models import Article, Category

from ..factories import AuthorFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Ferry service returns to the islands"


def test_a_writer_suggests_a_change_and_an_editor_accepts_it(
    live_server, page, visitor, admin_sign_in, mailoutbox
):
    writer = make_writer(username="wanda", first_name="Wanda", totp=True)
    editor = make_editor(username="erin", first_name="Erin")
    article = Article.objects.create(
        title=TITLE,
        standfirst="Two boats a day from Monday.",
        body="<p>The ferry sails at nine.</p>",
        category=Category.objects.get(path="world/russia"),
        author=AuthorFactory(name="Wanda W.", user=writer),
        created_by=writer,
    )
    article.publish()
    publishing.save_article(article, by=editor)
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    admin_sign_in(page, "wanda")
    page.goto(change_url)
    page.get_by_role("link", name="Suggest a change").click()
    standfirst = page.get_by_label("Standfirst")
    expect(standfirst).to_have_value("Two boats a day from Monday.")
    standfirst.fill("Three boats a day from Monday.")
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.locator(".messagelist")).to_contain_text("with the editors")
    assert any(TITLE in m.subject for m in mailoutbox if editor.email in m.to)

    desk = visitor()
    admin_sign_in(desk, "erin")
    desk.goto(change_url)
    expect(desk.locator(".suggestions")).to_contain_text("1 suggested change")
    desk.get_by_role("link", name="compare").click()
    expect(desk.locator("dd.diff del")).to_have_text("Two")
    expect(desk.locator("dd.diff ins")).to_have_text("Three")
    desk.get_by_role("button", name="Accept the change").click()
    expect(desk.locator(".messagelist")).to_contain_text("accepted")
    expect(desk.locator(".suggestions")).to_have_count(0)
    assert any("accepted" in m.subject for m in mailoutbox if writer.email in m.to)

    reader = visitor()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.locator("main")).to_contain_text("Three boats a day from Monday.")
