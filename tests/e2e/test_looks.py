"""The pages people look at most, at a phone's and a desktop's width: they fit the
screen (nothing wider than the window), axe-core finds nothing serious, and a
screenshot of each is left in tests/e2e/screenshots/ for people to look at."""

import pytest

from ..factories import CommentFactory, make_editor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = {"phone": 390, "desktop": 1280}
WIDER_THAN_THE_WINDOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def busy_story(seed_article):
    """The seed story with 200 comments: 100 threads of a comment and a reply."""
    for thread in CommentFactory.create_batch(100, article=seed_article):
        CommentFactory(article=seed_article, parent=thread, depth=2, name="Ales")
    return seed_article


def wrong_at_each_width(page, url, serious_violations):
    """What is wrong with `url` at a phone's width and a desktop's."""
    problems = {}
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        if overflow := page.evaluate(WIDER_THAN_THE_WINDOW):
            problems[f"{label}: wider than the window by {overflow} px"] = url
        if found := serious_violations(page):
            problems[f"{label}: axe"] = found
    return problems


@pytest.mark.parametrize(
    "name, path",
    [("home", "/"), ("section", "/world/"), ("story", None), ("comments", "comments")],
)
def test_a_reader_sees_pages_that_fit_and_pass_axe(
    live_server, page, busy_story, serious_violations, screenshot, name, path
):
    if path is None:
        path = busy_story.get_absolute_url()
    elif path == "comments":
        path = f"/comments/{busy_story.pk}/"
    assert not wrong_at_each_width(page, live_server.url + path, serious_violations)
    screenshot(page, f"looks-{name}")


def test_an_editor_sees_an_admin_dashboard_that_fits_and_passes_axe(
    live_server, page, admin_sign_in, serious_violations, screenshot
):
    make_editor(username="editor")
    admin_sign_in(page, "editor")
    assert not wrong_at_each_width(page, f"{live_server.url}/admin/", serious_violations)
    screenshot(page, "looks-admin-dashboard")
