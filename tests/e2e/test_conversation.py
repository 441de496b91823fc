"""Comments look like a conversation at 390 and 1280 px (#21): avatars, replies indented
with a thread line and folding away, the article's author marked, an editor's pick on
top, a report sent under the comment with JavaScript, the "Notify of" bar compact, and
axe-core finding nothing serious or critical."""

import pytest

from articles.models import CommentReport

from ..factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])


def _conversation(article):
    """A thread three deep, a second thread, the author's reply and an editor's pick."""
    article.author.user = UserFactory()
    article.author.save()
    root = CommentFactory(article=article, name="Ann Lee", body="A first thought.")
    reply = CommentFactory(article=article, parent=root, depth=2, name="Bo Chen", body="Reply.")
    CommentFactory(article=article, parent=reply, depth=3, name="Cy Dee", body="Deeper.")
    CommentFactory(
        article=article,
        parent=root,
        depth=2,
        name="The Author",
        user=article.author.user,
        body="Thanks for reading.",
    )
    CommentFactory(article=article, name="Di Eve", body="Picked remark.", is_featured=True)
    return root


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


@WIDTHS
def test_threads_show_avatars_indented_replies_with_a_line_and_fold_away(
    live_server, page, seed_article, tmp_path, width, serious_violations
):
    root = _conversation(seed_article)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + seed_article.get_absolute_url() + "#comments")
    page.screenshot(path=tmp_path / f"conversation-{width}.png", full_page=True)

    avatar = page.locator(f"#comment-{root.pk} .comment-avatar")
    assert avatar.is_visible() and avatar.inner_text() == "AL"
    box = avatar.bounding_box()
    assert box["width"] >= 30 and abs(box["width"] - box["height"]) < 1

    top, depth2, depth3 = (_box(page, f".comment--depth-{d}") for d in (1, 2, 3))
    assert top["x"] < depth2["x"] < depth3["x"]  # each level further in
    line = page.locator(".comment--depth-2").first.evaluate(
        "e => getComputedStyle(e).borderLeftWidth + ' ' + getComputedStyle(e).borderLeftStyle"
    )
    assert line == "3px solid"
    assert page.locator(".comment__role[data-role=author]").first.inner_text() == "Author"
    picks = _box(page, ".comment-picks")
    assert picks["y"] < top["y"] and "Editor's pick" in page.locator(".comment-picks").inner_text()

    fold = page.locator(f"#comment-{root.pk} [data-comment-collapse]")
    assert fold.get_attribute("aria-expanded") == "true" and fold.inner_text() == "Hide 3 replies"
    fold.click()
    assert not page.locator(".comment--depth-2").first.is_visible()
    assert not page.locator(".comment--depth-3").first.is_visible()
    assert fold.get_attribute("aria-expanded") == "false"
    fold.click()
    assert page.locator(".comment--depth-3").first.is_visible()
    assert page.get_by_role("link", name="View all comments").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not serious_violations(page)


def test_without_javascript_every_reply_shows(browser, live_server, seed_article):
    _conversation(seed_article)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + seed_article.get_absolute_url())
    assert page.locator(".comment--depth-3").first.is_visible()
    assert page.locator("[data-comment-collapse]").count() == 0
    context.close()


@WIDTHS
def test_a_reader_reports_a_comment_under_it(
    live_server, page, seed_article, width, serious_violations
):
    root = _conversation(seed_article)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + seed_article.get_absolute_url())
    address = page.url
    page.locator(f"#comment-{root.pk}").get_by_role(
        "link", name="Report the comment by Ann Lee"
    ).click()
    form = page.locator(f"#comment-{root.pk} [data-comment-report-form]")
    form.get_by_label("Abusive or hateful").check()
    form.get_by_label("Anything to add").fill("Personal attack.")
    assert not serious_violations(page)
    form.get_by_role("button", name="Send the report").click()

    done = page.locator(f"#comment-{root.pk} [data-comment-report-done]")
    assert "Thank you for your report" in done.inner_text()
    assert page.url == address  # no page of its own with JavaScript
    report = CommentReport.objects.get()
    assert (report.comment_id, report.reason, report.note) == (root.pk, "abuse", "Personal attack.")


def test_the_notify_bar_is_one_compact_line_not_a_grey_panel(live_server, page, seed_article):
    """What to be notified of, the address and the button on one line, as wpDiscuz
    shows them."""
    CommentFactory(article=seed_article)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + seed_article.get_absolute_url())

    def centres(*selectors):
        boxes = [_box(page, selector) for selector in selectors]
        return [box["y"] + box["height"] / 2 for box in boxes]

    line = centres(
        ".notify__kind label",
        ".notify select",
        ".notify__email label",
        ".notify input[type=email]",
        ".notify button",
    )
    assert max(line) - min(line) < 6, line
    assert _box(page, ".notify")["height"] < 60
    background = page.locator(".notify").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)"
    assert page.get_by_label("Your email").is_visible()
