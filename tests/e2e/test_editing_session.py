"""Two editors in two browsers, autosave across a closed tab, and the leave warning."""

import time

import pytest
from playwright.sync_api import expect

from articles import media
from articles.models import Article, ArticleRevision

from ..factories import image_upload, make_editor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _editor_page(visitor, admin_sign_in, username):
    make_editor(username=username, first_name=username.capitalize())
    page = visitor()
    admin_sign_in(page, username)
    return page


def _open(page, live_server, article):
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".prose-editor > .ProseMirror")).to_be_visible()
    page.wait_for_load_state("networkidle")


def _save(page):
    page.get_by_role("button", name="Save and continue editing").click()
    # The test database is SQLite in memory, shared by the live server's threads: it
    # refuses a request that overlaps a save, where a real database would wait.
    page.wait_for_load_state("networkidle")


def test_two_editors_in_two_browsers_merge_and_stop_on_the_same_field(
    live_server, visitor, admin_sign_in, seed_article
):
    anna = _editor_page(visitor, admin_sign_in, "anna")
    ben = _editor_page(visitor, admin_sign_in, "ben")
    _open(anna, live_server, seed_article)
    _open(ben, live_server, seed_article)

    anna.locator("#id_title").fill("Anna's headline")
    _save(anna)
    expect(anna.locator(".messagelist")).to_contain_text("was changed successfully")
    ben.locator("#id_image_caption").fill("Ben's caption")
    _save(ben)
    expect(ben.locator(".messagelist")).to_contain_text("was changed successfully")
    seed_article.refresh_from_db()
    assert (seed_article.title, seed_article.image_caption) == ("Anna's headline", "Ben's caption")

    # Both now change the standfirst: the second save stops, with everything typed kept.
    anna.locator("#id_standfirst").fill("Anna's standfirst")
    ben.locator("#id_standfirst").fill("Ben's standfirst")
    ben.locator("#id_image_credit").fill("Ben's credit")
    _save(anna)
    expect(anna.locator(".messagelist")).to_contain_text("was changed successfully")
    _save(ben)
    conflict = ben.locator("#conflict-standfirst")
    expect(conflict).to_contain_text("Anna's standfirst")
    expect(conflict).to_contain_text("Ben's standfirst")
    expect(ben.locator("#id_standfirst")).to_have_value("Ben's standfirst")
    expect(ben.locator("#id_image_credit")).to_have_value("Ben's credit")

    ben.get_by_label("Keep theirs").check()
    _save(ben)
    expect(ben.locator(".messagelist")).to_contain_text("was changed successfully")
    seed_article.refresh_from_db()
    assert (seed_article.standfirst, seed_article.image_credit) == (
        "Anna's standfirst",
        "Ben's credit",
    )


def test_a_bolded_word_and_a_chosen_image_survive_the_other_browsers_saves(
    live_server, visitor, admin_sign_in, seed_article
):
    picked = media.add_image(image_upload("library.jpg"), alt="Leaders at the summit")
    anna = _editor_page(visitor, admin_sign_in, "anna")
    ben = _editor_page(visitor, admin_sign_in, "ben")
    _open(anna, live_server, seed_article)
    _open(ben, live_server, seed_article)

    # Anna bolds one word of the body and saves; Ben changes only the headline.
    word = anna.locator(".prose-editor > .ProseMirror p").first
    # Its first word chosen by the keyboard: a double click on a loaded machine could
    # arrive as two clicks and choose nothing (it failed a local CI run).
    word.click(position={"x": 2, "y": 10})
    anna.keyboard.press("Home")
    anna.keyboard.press("Shift+Control+ArrowRight")
    anna.wait_for_function("() => window.getSelection().toString().trim().length > 0")
    anna.keyboard.press("Control+b")
    expect(word.locator("strong")).to_have_count(1)
    _save(anna)
    expect(anna.locator(".messagelist")).to_contain_text("was changed successfully")
    bolded = Article.objects.get(pk=seed_article.pk).body
    assert "<strong>" in bolded
    ben.locator("#id_title").fill("Ben's headline")
    _save(ben)
    expect(ben.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Article.objects.get(pk=seed_article.pk)
    assert (saved.title, saved.body) == ("Ben's headline", bolded)
    expect(ben.locator(".prose-editor > .ProseMirror p strong")).to_have_count(1)

    # Anna picks a featured image from the library; Ben changes only the standfirst.
    _open(anna, live_server, seed_article)
    anna.locator("#id_image-library").fill(str(picked.pk))
    _save(anna)
    expect(anna.locator(".messagelist")).to_contain_text("was changed successfully")
    ben.locator("#id_standfirst").fill("Ben's standfirst")
    _save(ben)
    expect(ben.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Article.objects.get(pk=seed_article.pk)
    assert (saved.image_id, saved.standfirst, saved.body) == (
        picked.pk,
        "Ben's standfirst",
        bolded,
    )
    expect(ben.locator("#id_image-library")).to_have_value(str(picked.pk))


def test_the_conflict_page_shows_the_other_editors_changes_and_saving_keeps_them(
    live_server, visitor, admin_sign_in, seed_article
):
    anna = _editor_page(visitor, admin_sign_in, "anna")
    ben = _editor_page(visitor, admin_sign_in, "ben")
    _open(anna, live_server, seed_article)
    _open(ben, live_server, seed_article)

    anna.locator("#id_title").fill("Anna's headline")
    anna.locator("#id_standfirst").fill("Anna's standfirst")
    _save(anna)
    expect(anna.locator(".messagelist")).to_contain_text("was changed successfully")
    ben.locator("#id_title").fill("Ben's headline")
    _save(ben)
    expect(ben.locator("#conflict-title ins").first).to_have_text("Anna's")
    expect(ben.locator("#id_title")).to_have_value("Ben's headline")
    expect(ben.locator("#id_standfirst")).to_have_value("Anna's standfirst")

    ben.get_by_label("Keep mine").check()
    _save(ben)
    expect(ben.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Article.objects.get(pk=seed_article.pk)
    assert (saved.title, saved.standfirst) == ("Ben's headline", "Anna's standfirst")


def test_typing_autosaves_and_a_reopened_tab_restores_it(
    live_server, visitor, admin_sign_in, seed_article, settings
):
    settings.MAGAZINE_AUTOSAVE_SECONDS = 1
    page = _editor_page(visitor, admin_sign_in, "anna")
    errors = []
    page.context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _open(page, live_server, seed_article)
    page.locator("#id_title").fill("Typed but never saved")
    expect(page.locator(".autosave-status")).to_contain_text("Autosaved at", timeout=10_000)
    context = page.context
    page.close()

    # The reopened tab autosaves at the usual pace: a one-second autosave racing the save
    # below finds the test's in-memory SQLite table locked (shared cache: no busy wait),
    # which a database on disk or PostgreSQL waits out.
    settings.MAGAZINE_AUTOSAVE_SECONDS = 60
    page = context.new_page()
    _open(page, live_server, seed_article)
    page.get_by_role("link", name="Restore the unsaved changes from").click()
    expect(page.locator("#id_title")).to_have_value("Typed but never saved")
    assert Article.objects.get(pk=seed_article.pk).title != "Typed but never saved"
    _save(page)
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=seed_article.pk).title == "Typed but never saved"
    assert errors == []


def test_leaving_with_unsaved_changes_asks_first(live_server, visitor, admin_sign_in, seed_article):
    page = _editor_page(visitor, admin_sign_in, "anna")
    _open(page, live_server, seed_article)
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator("#id_title").click()
    page.keyboard.type(" (draft)")
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 5
    while not dialogs and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed()
    assert ArticleRevision.objects.filter(kind=ArticleRevision.Kind.AUTOSAVE).count() <= 1
