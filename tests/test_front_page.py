"""The home page as a magazine front: a lead story, a row per section, "Most read",
"Most discussed" and "Top rated", above the river of latest stories (#21)."""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import moderation, newsroom_time
from articles.models import (
    Article,
    ArticleRating,
    Category,
    Comment,
    DailyViews,
    SiteSettings,
    front,
)
from articles.readers import Reader

from .factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    UserFactory,
    image_upload,
    make_editor,
)
from .fresh_renders import Clock
from .helpers import COUNTS_A_FRESH_RENDER, page_queries

pytestmark = pytest.mark.django_db

HOURS = datetime.timedelta(hours=1)


def _page(client=None, url="/"):
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _lead_title(page):
    found = re.search(r'<h2 class="lead__title" id="lead-title"><a href="[^"]+">(.*?)</a>', page)
    return found and found.group(1)


def _list(page, list_id):
    """The titles of one of the front's lists, in order; None when it is left out."""
    found = re.search(rf'id="{list_id}">.*?</h2>(.*?)</ol>', page, re.S)
    return found and re.findall(r'<li><a href="[^"]+">(.*?)</a>', found.group(1))


def _rows(page):
    """{section name: [its row's titles]}, in the page's order."""
    rows = {}
    for section in re.finditer(r'<section class="front-row".*?</section>', page, re.S):
        name = re.search(r'class="front-row__title"[^>]*><a href="[^"]+">(.*?)</a>', section[0])
        rows[name.group(1)] = re.findall(
            r'<h3 class="front-card__title"><a href="[^"]+">(.*?)</a>', section[0]
        )
    return rows


def _story(title, hours_ago, **fields):
    return ArticleFactory(title=title, publish_at=timezone.now() - hours_ago * HOURS, **fields)


def _views(article, views, days_ago=0):
    day = newsroom_time.local(timezone.now()).date() - datetime.timedelta(days=days_ago)
    DailyViews.objects.create(article=article, day=day, views=views)


def _rate(article, *scores):
    for n, score in enumerate(scores):
        ArticleRating.objects.rate(
            article, Reader(user=None, token=f"reader-{article.pk}-{n}"), score
        )


def _editor_chooses_lead(article):
    editor = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(editor)
    site = SiteSettings.load()
    data = {
        "site_name": site.site_name,
        "tagline": site.tagline,
        "description": site.description,
        "call_to_action": site.call_to_action,
        "lead_article": article.pk,
        "count_readers": "on",
    }
    response = client.post(reverse("admin:articles_sitesettings_change", args=[site.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_home_page_leads_with_the_newest_story():
    _story("Yesterday's news", 24)
    _story("The newest story", 1)
    assert _lead_title(_page()) == "The newest story"


def test_the_lead_shows_its_image_large(client):
    article = _story("A story with a picture", 1)
    article.image = image_upload()
    article.image_alt = "A train at night"
    article.save()
    page = _page()
    lead = re.search(r'<article class="lead".*?</article>', page, re.S)[0]
    assert 'class="lead__image"' in lead
    assert "(min-width: 64rem) 44rem" in lead  # drawn large, not as a card


def test_the_editors_pick_chosen_in_the_admin_becomes_the_lead():
    pick = _story("The editors pick", 30)
    _story("The newest story", 1)
    Client().get("/")  # kept: the choice must show at once all the same
    _editor_chooses_lead(pick)
    assert _lead_title(_page()) == "The editors pick"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT, "publish_at": None},
        {"publish_at": timezone.now() + datetime.timedelta(days=1)},
        {"unpublish_at": timezone.now() - datetime.timedelta(minutes=1)},
    ],
    ids=["draft", "scheduled", "taken down"],
)
def test_a_lead_readers_may_not_see_is_never_shown(fields):
    hidden = ArticleFactory(title="Not for readers", **fields)
    _story("The newest story", 1)
    _editor_chooses_lead(hidden)
    page = _page()
    assert "Not for readers" not in page
    assert _lead_title(page) == "The newest story"


def test_each_section_on_the_front_has_a_row_of_its_newest_stories_in_order():
    culture = CategoryFactory(name="Culture", slug="culture", order=1)
    sport = CategoryFactory(name="Sport", slug="sport", order=2)
    football = CategoryFactory(name="Football", slug="football", parent=sport)
    CategoryFactory(name="Hidden", slug="hidden", on_front=False)
    for n in range(6):
        _story(f"Culture {n}", 2 + n, category=culture)
    _story("Sport 0", 2, category=sport)
    _story("Football 0", 3, category=football)
    _story("Hidden story", 2, category=Category.objects.get(slug="hidden"))
    _story("Culture lead", 1, category=culture)

    rows = _rows(_page())

    names = list(rows)
    assert names.index("Culture") < names.index("Sport")
    assert "Hidden" not in rows and "Football" not in rows  # only top-level sections
    # Its newest four but the lead; a subsection's stories in its section's row.
    assert rows["Culture"] == ["Culture 0", "Culture 1", "Culture 2", "Culture 3"]
    assert rows["Sport"] == ["Sport 0", "Football 0"]


def test_an_editor_orders_the_sections_rows_and_hides_one_from_the_list_of_sections():
    culture = CategoryFactory(name="Culture", slug="culture", order=1)
    sport = CategoryFactory(name="Sport", slug="sport", order=2)
    _story("Culture 0", 2, category=culture)
    _story("Sport 0", 3, category=sport)
    _story("Newest", 1)
    rows = list(_rows(_page()))
    assert rows.index("Culture") < rows.index("Sport") and "World" in rows
    client = Client()
    client.force_login(make_editor())
    settings_page = client.get(
        reverse("admin:articles_sitesettings_change", args=[SiteSettings.load().pk])
    )
    changelist = reverse("admin:articles_category_changelist")
    assert f'<a href="{changelist}">list of sections</a>' in settings_page.content.decode()

    sections = list(Category.objects.all())
    data = {"form-TOTAL_FORMS": len(sections), "form-INITIAL_FORMS": len(sections), "_save": "Save"}
    for n, section in enumerate(sections):
        data[f"form-{n}-id"] = section.pk
        data[f"form-{n}-order"] = {"culture": 5, "sport": 1}.get(section.slug, section.order)
        if section.slug != "world":
            data[f"form-{n}-on_front"] = "on"
    response = client.post(changelist, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    rows = list(_rows(_page()))
    assert rows.index("Sport") < rows.index("Culture")
    assert "World" not in rows


def test_most_read_this_week_follows_the_counts():
    little, much, long_ago = _story("Read a little", 2), _story("Read much", 3), _story("Old", 4)
    _views(little, 5)
    _views(much, 3)
    _views(much, 4, days_ago=6)
    _views(long_ago, 100, days_ago=7)  # last week
    assert _list(_page(), "most-read") == ["Read much", "Read a little"]


@pytest.mark.caches_off(reason="each step is a page drawn afresh; kept fronts: below")
def test_most_read_is_left_out_without_counts_or_when_editors_switch_counting_off():
    article = _story("A story", 2)
    assert _list(_page(), "most-read") is None
    _views(article, 3)
    assert _list(_page(), "most-read") == ["A story"]
    site = SiteSettings.load()
    site.count_readers = False
    site.save()
    assert _list(_page(), "most-read") is None


def test_most_discussed_counts_this_weeks_approved_comments_first():
    quiet, busy, old = _story("Quiet", 2), _story("Busy", 3), _story("Old debate", 4)
    CommentFactory(article=quiet)
    CommentFactory.create_batch(2, article=busy)
    CommentFactory(article=busy, status="pending")
    for _ in range(5):
        CommentFactory(article=old, created_at=timezone.now() - datetime.timedelta(days=9))
    assert _list(_page(), "most-discussed") == ["Busy", "Quiet"]


def test_most_discussed_falls_back_to_all_time_when_this_week_was_quiet():
    CommentFactory.create_batch(
        2, article=_story("Old debate", 4), created_at=timezone.now() - datetime.timedelta(days=9)
    )
    CommentFactory(
        article=_story("Older debate", 5), created_at=timezone.now() - datetime.timedelta(days=20)
    )
    _story("Nobody spoke", 1)
    assert _list(_page(), "most-discussed") == ["Old debate", "Older debate"]


def test_top_rated_needs_enough_votes():
    _rate(_story("One perfect vote", 1), 5)
    _rate(_story("Well liked", 2), 5, 4, 4)
    _rate(_story("Loved", 3), 5, 5, 4, 5)
    _rate(_story("Disliked", 4), 1, 2, 1)
    page = _page()
    assert _list(page, "top-rated") == ["Loved", "Well liked", "Disliked"]
    assert "rated 4.8 of 5, 4 votes" in page


def test_later_pages_are_the_river_alone(settings):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 2
    ArticleFactory.create_batch(5)
    first = _page()
    later = _page(url=re.search(r'<a rel="next" href="([^"]+)">', first)[1].replace("&amp;", "&"))
    assert 'class="lead"' in first
    assert 'class="lead"' not in later and 'class="front-row"' not in later
    assert later.count('<article class="card">') == 2


def _cards(page):
    return re.findall(r'<h2 class="card__title"><a href="[^"]+">(.*?)</a>', page)


def _next_page(page):
    return _page(url=re.search(r'<a rel="next" href="([^"]+)">', page)[1].replace("&amp;", "&"))


@pytest.mark.parametrize("on", ["home", "section"])
def test_the_lead_is_not_repeated_in_the_river_below_it(settings, on):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 2
    sport = CategoryFactory(name="Sport", slug="sport")
    for n in range(1, 6):
        _story(f"Story {n}", n, category=sport)
    first = _page(url="/" if on == "home" else sport.get_absolute_url())
    assert _lead_title(first) == "Story 1"
    assert _cards(first) == ["Story 2", "Story 3"]  # a full page, without the lead
    assert _cards(_next_page(first)) == ["Story 4", "Story 5"]  # and nothing skipped


def test_the_editors_pick_is_not_repeated_in_the_river_either(settings):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 2
    stories = [_story(f"Story {n}", n) for n in range(1, 5)]
    _editor_chooses_lead(stories[1])
    first = _page()
    assert _lead_title(first) == "Story 2"
    assert _cards(first) == ["Story 1", "Story 3"]
    assert _cards(_next_page(first))[0] == "Story 4"


def test_a_fresh_install_leads_with_the_seed_story_alone(seed_article):
    assert Article.objects.count() == 1
    page = _page()
    assert _lead_title(page) == seed_article.title
    assert "Latest stories" not in page and "No articles here yet" not in page
    assert 'aria-label="Popular stories"' not in page  # no empty column of lists beside it


def test_a_section_page_leads_with_its_own_newest_story():
    sport = CategoryFactory(name="Sport", slug="sport")
    football = CategoryFactory(name="Football", slug="football", parent=sport)
    _story("Elsewhere, newer", 1)
    _story("Sport, older", 5, category=sport)
    _story("Football, newest of sport", 2, category=football)
    assert _lead_title(_page(url=sport.get_absolute_url())) == "Football, newest of sport"


def test_a_kept_front_is_drawn_again_at_the_next_quarter_hour():
    at = datetime.datetime(2026, 12, 2, 1, 29, 59, tzinfo=datetime.UTC)
    assert front.refresh_at(at) == datetime.datetime(2026, 12, 2, 1, 30, tzinfo=datetime.UTC)
    assert front.refresh_at(at.replace(minute=30, second=0)) == at.replace(minute=45, second=0)


def test_new_views_comments_and_votes_show_in_the_lists_once_the_kept_front_expires(
    monkeypatch, settings
):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 2
    soon = timezone.now() + datetime.timedelta(seconds=2)
    monkeypatch.setattr(front, "refresh_at", lambda: soon)
    section = CategoryFactory()
    for n in range(6):
        _story(f"Newer {n}", 1 + n / 10, category=section)
    # Not on the front yet: older than the river's page and the section's row.
    article = _story("Suddenly popular", 2, category=section)
    page = _page()
    assert _list(page, "most-read") is None and _list(page, "most-discussed") is None
    _views(article, 7)
    CommentFactory(article=article)
    _rate(article, 5, 5, 4)
    assert Client().get("/")["X-Page-Cache"] == "hit"  # kept until the quarter hour
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.5)
    page = _page()
    assert _list(page, "most-read") == ["Suddenly popular"]
    assert _list(page, "most-discussed") == ["Suddenly popular"]
    assert _list(page, "top-rated") == ["Suddenly popular"]


def _fill_sections(first, last):
    for n in range(first, last):
        section = CategoryFactory(name=f"Front section {n}", slug=f"front-{n}", order=n)
        for hours in range(3, 9):
            story = _story(f"Story {hours} of {section.name}", hours + n, category=section)
            _views(story, hours)
            CommentFactory(article=story)
            _rate(story, 4, 5, 3)


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
@pytest.mark.parametrize("chosen_lead", [False, True], ids=["newest", "editors pick"])
def test_the_front_costs_the_same_with_2_and_6_sections(client, chosen_lead):
    if chosen_lead:
        _editor_chooses_lead(_story("The pick", 40))
    _fill_sections(0, 2)
    with_two = page_queries(client, "/")
    _fill_sections(2, 6)
    assert len(_rows(_page(client))) == 6 + 1  # World, from the seed, too
    assert page_queries(client, "/") == with_two
    # The home page's 7 (tests/test_query_counts.py); the chosen lead and its other authors.
    assert with_two == 7 + 2 * chosen_lead


def test_a_comment_on_a_story_the_front_shows_changes_its_figure_at_once():
    article = _story("Talked about", 2)
    CommentFactory(article=article)
    assert "1 comment</span>" in _page()
    assert Client().get("/")["X-Page-Cache"] == "hit"
    comment = CommentFactory(article=article, status="pending")
    moderation.approve(Comment.objects.filter(pk=comment.pk))
    page = _page()
    assert "2 comments</span>" in page


def test_the_lead_story_picker_offers_stories_readers_see_or_will_see_only(client):
    """Site settings' lead-story search: a draft picked there would never lead the front."""
    ArticleFactory(title="Summit draft", status="draft")
    live = ArticleFactory(title="Summit today")
    scheduled = ArticleFactory(title="Summit tomorrow", publish_at=timezone.now() + 24 * HOURS)
    client.force_login(make_editor(is_superuser=True))
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Summit",
            "app_label": "articles",
            "model_name": "sitesettings",
            "field_name": "lead_article",
        },
    ).json()["results"]
    assert {result["text"] for result in found} == {live.title, scheduled.title}


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
def test_the_front_reads_the_sections_from_the_shared_cache_the_same_times_for_2_and_6(
    client, monkeypatch
):
    """Each card's section came from the shared cache alone (a Redis round trip, or a file
    read and unpickling on one machine): 35 reads for a front of a few sections."""
    reads = []
    cached = Category.objects.cached
    monkeypatch.setattr(type(Category.objects), "cached", lambda self: reads.append(1) or cached())
    _fill_sections(0, 2)
    client.get("/")
    with_two = len(reads)
    _fill_sections(2, 6)
    reads.clear()
    client.get("/")
    assert len(reads) == with_two <= 6


def _reader_the_page_cache_cannot_serve():
    """A reader with a cookie of their own (signed in, a voter, an editor): every page
    is drawn for them."""
    client = Client()
    client.cookies["sessionid"] = "theirs"
    return client


FRONT_LISTS_SQL = ("ROW_NUMBER", "recent_comments", "rating_score", "week_views")


def test_a_reader_the_page_cache_cannot_serve_gets_the_kept_front_without_its_queries():
    """The front is the same for everyone: drawn once per process, not once a reader."""
    _fill_sections(0, 2)
    reader = _reader_the_page_cache_cannot_serve()
    first = _page(reader)
    with CaptureQueriesContext(connection) as queries:
        again = reader.get("/")
    assert "X-Page-Cache" not in again
    assert _rows(again.content.decode()) == _rows(first)
    assert _list(again.content.decode(), "most-read") == _list(first, "most-read")
    lists = [q["sql"] for q in queries if any(part in q["sql"] for part in FRONT_LISTS_SQL)]
    assert lists == []


def test_the_kept_front_changes_at_once_for_them_with_what_it_shows():
    reader = _reader_the_page_cache_cannot_serve()
    _story("The lead", 0.1)
    culture = CategoryFactory(name="Culture", slug="culture", order=1)
    talked_about = _story("Talked about", 2, category=culture)
    CommentFactory(article=talked_about)
    assert "1 comment</span>" in _page(reader)
    comment = CommentFactory(article=talked_about, status="pending")
    moderation.approve(Comment.objects.filter(pk=comment.pk))
    assert "2 comments</span>" in _page(reader)
    _story("Culture, newer", 1, category=culture)  # a new story in the row
    assert _rows(_page(reader))["Culture"][0] == "Culture, newer"
    culture.name = "Arts"  # a section's name, which bumps the site's version
    culture.save()
    assert "Arts" in _rows(_page(reader))


def test_a_reader_the_page_cache_cannot_serve_gets_the_kept_river_without_its_queries():
    """The lead and the river's first page are the same for everyone, as the front is."""
    for hours in range(1, 4):
        _story(f"Story {hours}", hours)
    reader = _reader_the_page_cache_cannot_serve()
    first = _page(reader)
    with CaptureQueriesContext(connection) as queries:
        again = reader.get("/").content.decode()
    assert again == first
    cards = [q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"]]
    assert [sql for sql in cards if "MIN(" not in sql] == []  # the next scheduled time only


def test_the_kept_river_changes_at_once_with_a_story_and_at_a_scheduled_one(monkeypatch):
    clock = Clock(monkeypatch)
    reader = _reader_the_page_cache_cannot_serve()
    _story("Yesterday's", 24)
    _page(reader)
    _story("Just in", 0.1)
    assert "Just in" in _page(reader)
    scheduled = _story("Scheduled", -1)  # an hour from now
    assert "Scheduled" not in _page(reader)
    clock.move_to(scheduled.publish_at)
    assert "Scheduled" in _page(reader)
