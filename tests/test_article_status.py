"""Status that says what it is: Draft, In review, Scheduled (with its time in the
newsroom's zone and the time left), Published, Archived; a "Scheduled" filter; the save
message says when a story goes live; the admin index counts stories in review."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import newsroom_time
from articles.models import Article

from .factories import ArticleFactory, article_admin_data, make_editor, make_writer

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


@pytest.fixture
def minsk(settings):
    settings.TIME_ZONE = "Europe/Minsk"
    timezone.activate("Europe/Minsk")
    yield
    timezone.deactivate()


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def _titles(response):
    return set(re.findall(r"Story number \d+|[A-Z][a-z]+ story", response.content.decode()))


def test_the_changelist_filters_scheduled_stories(editor_client):
    scheduled = ArticleFactory(
        title="Scheduled story", publish_at=timezone.now() + datetime.timedelta(hours=3)
    )
    ArticleFactory(title="Live story")
    ArticleFactory(title="Draft story", status=Article.Status.DRAFT, publish_at=None)
    response = editor_client.get(reverse(CHANGELIST), {"stage": "scheduled"})
    assert response.status_code == 200
    assert _titles(response) == {scheduled.title}
    assert "Scheduled" in response.content.decode()


@pytest.mark.parametrize(
    ("stage", "title"),
    [("published", "Live story"), ("draft", "Draft story"), ("review", "Review story")],
)
def test_the_changelist_filters_by_what_each_story_is(editor_client, stage, title):
    ArticleFactory(title="Scheduled story", publish_at=timezone.now() + datetime.timedelta(hours=3))
    ArticleFactory(title="Live story")
    ArticleFactory(title="Draft story", status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(title="Review story", status=Article.Status.IN_REVIEW, publish_at=None)
    response = editor_client.get(reverse(CHANGELIST), {"stage": stage})
    assert _titles(response) == {title}


def test_a_scheduled_story_shows_the_time_left_in_the_list(editor_client):
    ArticleFactory(
        title="Scheduled story",
        publish_at=timezone.now() + datetime.timedelta(hours=3, minutes=1),
    )
    page = editor_client.get(reverse(CHANGELIST)).content.decode()
    assert "Scheduled" in page
    assert "in 3\xa0hours" in page


def test_the_change_form_says_when_a_story_goes_live_in_the_newsroom_zone(editor_client, minsk):
    when = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)  # 14:00 in Minsk
    article = ArticleFactory(publish_at=when)
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Tue 1 Dec 2026, 14:00 (Europe/Minsk)" in page.content.decode()


def test_saving_a_scheduled_story_says_when_it_will_be_published(editor_client, minsk):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    data = article_admin_data(
        article, status="published", publish_at_0="2030-12-03", publish_at_1="14:00:00"
    )
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data, follow=True
    )
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert "Will be published on Tue 3 Dec 2030, 14:00 (Europe/Minsk)." in texts


def test_the_change_form_offers_an_unpublish_time_beside_the_publish_time(editor_client):
    article = ArticleFactory()
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    assert 'name="unpublish_at_0"' in html
    assert html.index('name="publish_at_0"') < html.index('name="unpublish_at_0"')


def test_an_editor_sets_an_unpublish_time_and_is_told_when_it_comes_down(editor_client, minsk):
    article = ArticleFactory(publish_at=timezone.now() - datetime.timedelta(days=1))
    data = article_admin_data(article, unpublish_at_0="2030-01-01", unpublish_at_1="10:00:00")
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data, follow=True
    )
    article.refresh_from_db()
    assert article.unpublish_at == datetime.datetime(2030, 1, 1, 7, 0, tzinfo=datetime.UTC)
    texts = [str(m) for m in response.context["messages"]]
    assert "Will be taken down on Tue 1 Jan 2030, 10:00 (Europe/Minsk)." in texts


def test_an_unpublish_time_before_the_publish_time_is_refused_with_a_message(editor_client):
    article = ArticleFactory(publish_at=timezone.now() - datetime.timedelta(days=1))
    data = article_admin_data(article, unpublish_at_0="2001-01-01", unpublish_at_1="10:00:00")
    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "after the publish time" in response.content.decode()
    article.refresh_from_db()
    assert article.unpublish_at is None


def test_the_admin_index_counts_stories_in_review(editor_client):
    ArticleFactory.create_batch(2, status=Article.Status.IN_REVIEW, publish_at=None)
    ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "In review: 2" in page
    assert reverse(CHANGELIST) + "?stage=review" in page


def test_a_writer_counts_only_their_own_stories_in_review(client):
    writer = make_writer()
    ArticleFactory(status=Article.Status.IN_REVIEW, publish_at=None, created_by=writer)
    ArticleFactory(status=Article.Status.IN_REVIEW, publish_at=None)
    client.force_login(writer)
    assert "In review: 1" in client.get(reverse("admin:index")).content.decode()


def test_a_story_due_within_the_minute_says_under_a_minute_not_zero(editor_client):
    ArticleFactory(
        title="Scheduled story", publish_at=timezone.now() + datetime.timedelta(seconds=40)
    )
    page = editor_client.get(reverse(CHANGELIST)).content.decode()
    assert "in under a minute" in page
    assert "0\xa0minutes" not in page


def test_an_hour_the_clocks_pass_twice_carries_its_utc_offset(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    # 27 Oct 2030: 02:30 in Berlin happens at 00:30 UTC (summer) and at 01:30 UTC (winter).
    first = datetime.datetime(2030, 10, 27, 0, 30, tzinfo=datetime.UTC)
    second = datetime.datetime(2030, 10, 27, 1, 30, tzinfo=datetime.UTC)
    assert newsroom_time.when(first) == "Sun 27 Oct 2030, 02:30 (Europe/Berlin, +02:00)"
    assert newsroom_time.when(second) == "Sun 27 Oct 2030, 02:30 (Europe/Berlin, +01:00)"
    noon = datetime.datetime(2030, 10, 27, 11, 0, tzinfo=datetime.UTC)
    assert newsroom_time.when(noon) == "Sun 27 Oct 2030, 12:00 (Europe/Berlin)"
