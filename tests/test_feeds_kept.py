"""Feeds and the sitemap name what they show, as pages do (articles.pagecache): the page
cache keeps them, a cache in front may, and a change clears them."""

import datetime
import time

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import moderation, publishing
from articles.models import Article, Comment

from .factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

ARTICLE_FEEDS = [
    "/feed/",
    "/feed/atom/",
    "/feeds/section/world/",
    "/feeds/section/world/russia/atom/",
    "/feeds/tag/vladimir-putin/",
    "/feeds/author/newsroom/atom/",
]


def titles(response):
    assert response.status_code == 200
    return [entry.title for entry in feedparser.parse(response.content).entries]


@pytest.mark.parametrize("url", ARTICLE_FEEDS)
def test_an_article_feed_is_kept_and_shows_a_new_title_at_once(seed_article, url):
    first = Client().get(url)
    assert seed_article.title in titles(first)
    again = Client().get(url)
    assert again["X-Page-Cache"] == "hit"
    assert again["Last-Modified"] == first["Last-Modified"]  # a feed reader's next ask

    article = Article.objects.get(pk=seed_article.pk)
    article.title = "A title changed by an editor"
    publishing.save_article(article)

    changed = Client().get(url)
    assert "X-Page-Cache" not in changed
    assert "A title changed by an editor" in titles(changed)


def test_the_feed_shows_a_scheduled_article_when_it_goes_live(seed_article):
    soon = ArticleFactory(title="Out in a moment", publish_at=timezone.now())
    Article.objects.filter(pk=soon.pk).update(
        publish_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    assert "Out in a moment" not in titles(Client().get("/feed/"))
    assert Client().get("/feed/")["X-Page-Cache"] == "hit"

    time.sleep(1.1)

    assert "Out in a moment" in titles(Client().get("/feed/"))


def test_the_comments_feed_is_kept_and_shows_an_approved_comment_at_once(seed_article):
    url = reverse("articles:comments-feed", args=[seed_article.pk])
    waiting = CommentFactory(article=seed_article, status=Comment.Status.PENDING)
    assert titles(Client().get(url)) == []
    assert Client().get(url)["X-Page-Cache"] == "hit"

    moderation.approve([waiting.pk])

    assert len(titles(Client().get(url))) == 1


def test_the_comments_feed_shows_a_new_article_title(seed_article):
    url = reverse("articles:comments-feed", args=[seed_article.pk])
    Client().get(url)
    article = Article.objects.get(pk=seed_article.pk)
    article.title = "Renamed"
    publishing.save_article(article)
    assert feedparser.parse(Client().get(url).content).feed.title == "Comments on “Renamed”"


def test_the_corrections_feed_is_kept(seed_article):
    Client().get("/corrections/feed/")
    assert Client().get("/corrections/feed/")["X-Page-Cache"] == "hit"


def test_the_sitemap_is_kept_and_cleared_by_an_edit(seed_article):
    Client().get("/sitemap.xml")
    assert Client().get("/sitemap.xml")["X-Page-Cache"] == "hit"

    article = Article.objects.get(pk=seed_article.pk)
    article.slug = "a-new-address"
    publishing.save_article(article)

    changed = Client().get("/sitemap.xml")
    assert "X-Page-Cache" not in changed
    assert b"/world/russia/a-new-address/" in changed.content
