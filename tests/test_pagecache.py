"""The page cache serves anonymous readers, changes show at once, nothing personal leaks."""

import datetime
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import pagecache
from articles.models import Article, ArticleRating, Category, SiteSettings
from articles.readers import Reader

from .factories import ArticleFactory, make_editor

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_served_from_the_cache(client, seed_article, django_assert_num_queries):
    for url in ("/", "/world/", seed_article.get_absolute_url()):
        first = client.get(url)
        assert "X-Page-Cache" not in first
        with django_assert_num_queries(0):
            again = Client().get(url)
        assert again["X-Page-Cache"] == "hit"
        for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
            assert header in again  # security headers on cached pages too
        assert again.content.replace(b" ", b"")[:500] == first.content.replace(b" ", b"")[:500]


def test_the_first_reader_after_a_restart_fills_the_cache(seed_article):
    """Kept markup creates the page's versions while the first page renders; a version
    new to the cache is no change, so that first page is kept too."""
    url = seed_article.get_absolute_url()
    assert "X-Page-Cache" not in Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"


def test_a_vote_shows_to_the_next_reader_at_once(seed_article):
    url = seed_article.get_absolute_url()
    assert "0 votes" in Client().get(url).content.decode()
    ArticleRating.objects.rate(seed_article, Reader(user=None, token="reader-one"), 4)
    page = Client().get(url)
    assert "X-Page-Cache" not in page
    assert "1 vote" in page.content.decode()


def test_publishing_shows_on_the_home_page_at_once():
    Client().get("/")
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    assert draft.title not in Client().get("/").content.decode()
    draft.publish()
    assert draft.title in Client().get("/").content.decode()


def test_a_scheduled_article_appears_when_its_time_comes():
    scheduled = ArticleFactory(publish_at=timezone.now() + datetime.timedelta(seconds=2))
    assert scheduled.title not in Client().get("/").content.decode()
    assert Client().get("/")["X-Page-Cache"] == "hit"
    time.sleep(2.5)  # no job runs at that moment: the cached home page must simply expire
    assert scheduled.title in Client().get("/").content.decode()


def test_a_changed_tagline_shows_on_every_page_at_once(seed_article):
    Client().get("/")
    Client().get(seed_article.get_absolute_url())
    settings_row = SiteSettings.load()
    settings_row.tagline = "Read all about it"
    settings_row.save()
    assert "Read all about it" in Client().get("/").content.decode()
    assert "Read all about it" in Client().get(seed_article.get_absolute_url()).content.decode()


def test_a_new_category_shows_in_the_navigation_at_once():
    Client().get("/")
    Category.objects.create(name="Culture", slug="culture")
    assert 'href="/culture/"' in Client().get("/").content.decode()


def test_nothing_personal_is_served_to_another_reader(seed_article):
    url = seed_article.get_absolute_url()
    voter = Client()
    voter.get(url)
    voter.post(reverse("articles:rate", args=[seed_article.pk]), {"score": 4}, follow=True)
    own_page = voter.get(url).content.decode()
    assert "Your vote: 4 of 5" in own_page

    stranger = Client()
    page = stranger.get(url)
    html = page.content.decode()
    assert "Your vote" not in html
    assert "your vote (4 of 5) is counted" not in html.lower()
    assert "csrfmiddlewaretoken" not in html  # the shared page carries no one's token
    # The stranger's browser says the form is from this site: their vote is accepted.
    response = Client(enforce_csrf_checks=True).post(
        reverse("articles:rate", args=[seed_article.pk]),
        {"score": 5},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302


def test_staff_previews_and_signed_in_pages_are_never_cached(client, seed_article):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    client.force_login(make_editor())
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert Client().get(draft.get_absolute_url()).status_code == 404
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")


def test_listing_pages_tell_browsers_they_may_revalidate(seed_article):
    Client().get("/")
    response = Client().get("/")
    assert response["Cache-Control"].startswith("public, max-age=")
    etag = response["ETag"]
    assert Client().get("/", headers={"If-None-Match": etag}).status_code == 304


def test_comments_show_to_the_next_reader_at_once(seed_article):
    from articles import moderation
    from articles.models import Comment

    url = seed_article.get_absolute_url()
    Client().get(url)
    comment = Comment(article=seed_article, name="Ola", email="ola@example.com", body="First!")
    moderation.post(comment, user=make_editor())
    page = Client().get(url).content.decode()
    assert "First!" in page
    moderation.remove(Comment.objects.filter(pk=comment.pk))
    assert "First!" not in Client().get(url).content.decode()


def _versions_read(monkeypatch):
    """The names whose versions the page cache reads from the shared cache, as they go."""
    read = []
    real = pagecache.versions

    def counted(names, missing_value=None):
        read.extend(names)
        return real(names, missing_value)

    monkeypatch.setattr(pagecache, "versions", counted)
    return read


def test_a_kept_page_is_checked_by_one_read_however_many_stories_it_shows(monkeypatch):
    """A kept home page names every story it shows (some 30): one read of the shared
    cache per name was most of a hit's time (a file each on one machine)."""
    ArticleFactory.create_batch(12)
    Client().get("/")
    read = _versions_read(monkeypatch)
    assert Client().get("/")["X-Page-Cache"] == "hit"
    assert len(read) == 1


def test_a_change_elsewhere_keeps_the_page_and_its_one_read(seed_article, monkeypatch):
    """A change to a story the page does not show costs the next hit a check of each
    name it does show; then one read again."""
    elsewhere = ArticleFactory()
    url = seed_article.get_absolute_url()
    Client().get(url)
    ArticleRating.objects.rate(elsewhere, Reader(user=None, token="reader-one"), 4)
    read = _versions_read(monkeypatch)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    assert len(read) > 1
    read.clear()
    assert Client().get(url)["X-Page-Cache"] == "hit"
    # One read for the page; "site" for the section paths its address resolves through.
    assert read == [pagecache.ANY_CHANGE, "site"]
