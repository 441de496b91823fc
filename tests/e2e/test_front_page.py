"""The home page looks like a magazine front at 1280 and 390 px, and section pages have
its shape; axe-core finds no serious or critical problem on either (#21)."""

import datetime

import pytest
from django.utils import timezone

from articles import newsroom_time
from articles.models import ArticleRating, Category, DailyViews
from articles.readers import Reader

from ..factories import ArticleFactory, CategoryFactory, CommentFactory, image_upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _magazine():
    """Two sections on the front, stories with pictures, views, comments and votes."""
    today = newsroom_time.local(timezone.now()).date()
    sections = [CategoryFactory(name="Culture", slug="culture", order=1)]
    sections.append(Category.objects.get(path="world"))
    for n in range(10):
        article = ArticleFactory(
            title=f"A story of the front number {n}",
            category=sections[n % 2],
            publish_at=timezone.now() - datetime.timedelta(hours=n + 1),
        )
        article.image = image_upload(f"front-{n}.jpg")
        article.image_alt = f"The picture of story {n}"
        article.save()
        DailyViews.objects.create(article=article, day=today, views=10 * (n + 1))
        CommentFactory.create_batch(n % 3 + 1, article=article)
        for vote in range(3):
            ArticleRating.objects.rate(article, Reader(user=None, token=f"r{n}-{vote}"), 3 + n % 3)


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_front_at_1280_px_has_a_large_lead_beside_the_lists_and_rows_of_four(
    live_server, page, tmp_path
):
    _magazine()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    page.screenshot(path=tmp_path / "front-1280.png", full_page=True)

    lead, lists = _box(page, ".lead__image img"), _box(page, ".front-lists")
    card = _box(page, ".front-card__image img")
    assert lead["width"] > 2.5 * card["width"]  # the lead's image is large, a card's small
    assert lists["x"] >= lead["x"] + lead["width"]  # the lists stand beside the lead
    assert lists["y"] < lead["y"] + lead["height"]
    row = page.locator(".front-row").first.locator(".front-card")
    tops = {round(row.nth(n).bounding_box()["y"]) for n in range(row.count())}
    assert row.count() == 4 and len(tops) == 1  # a row of four side by side
    for heading in ("Most read this week", "Most discussed", "Top rated"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_front_at_390_px_is_one_column(live_server, page, tmp_path):
    _magazine()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    page.screenshot(path=tmp_path / "front-390.png", full_page=True)

    lead, lists = _box(page, ".lead"), _box(page, ".front-lists")
    assert lists["y"] >= lead["y"] + lead["height"]  # the lists come under the lead
    assert lead["width"] > 300
    row = page.locator(".front-row").first.locator(".front-card")
    assert row.nth(1).bounding_box()["y"] > row.nth(0).bounding_box()["y"]  # stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_the_front_and_a_section_page_have_no_serious_accessibility_violations(
    live_server, page, tmp_path, width, serious_violations
):
    _magazine()
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for path in ("/", "/culture/"):
        page.goto(live_server.url + path)
        page.screenshot(path=tmp_path / f"{path.strip('/') or 'home'}-{width}.png")
        assert page.locator(".lead").count() == 1
        if found := serious_violations(page):
            problems[path] = found
    assert not problems, problems
