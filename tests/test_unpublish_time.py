"""An unpublish time takes a story down by itself: 410 Gone at its address, and gone
from every list, feed, sitemap, search and count, with no job to run."""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRedirect

from .factories import ArticleFactory, make_editor

pytestmark = pytest.mark.django_db


def _taken_down(**kwargs):
    now = timezone.now()
    return ArticleFactory(
        title="Taken down story",
        publish_at=now - datetime.timedelta(days=2),
        unpublish_at=now - datetime.timedelta(minutes=1),
        **kwargs,
    )


def test_an_article_past_its_unpublish_time_answers_410_gone(client):
    article = _taken_down()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "no longer available" in response.content.decode()
    assert article.title not in response.content.decode()


def test_an_article_before_its_unpublish_time_is_on_the_site(client):
    article = ArticleFactory(unpublish_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.is_published and not article.is_taken_down


def test_taken_down_queryset_and_property_agree():
    article, live = _taken_down(), ArticleFactory()
    assert list(Article.objects.taken_down()) == [article]
    assert article.is_taken_down and not article.is_published
    assert not live.is_taken_down
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_the_compiled_lookup_by_address_leaves_out_a_taken_down_article():
    article = _taken_down()
    assert Article.objects.published_at(article.category_id, article.slug) is None


@pytest.mark.parametrize(
    "name", ["articles:home", "articles:feed", "articles:feed-atom", "articles:sitemap"]
)
def test_a_taken_down_article_leaves_lists_feeds_and_the_sitemap(client, name):
    article = _taken_down()
    live = ArticleFactory(title="Still here story")
    page = client.get(reverse(name)).content.decode()
    assert live.title in page or live.get_absolute_url() in page
    assert article.title not in page
    assert article.get_absolute_url() not in page


def test_a_taken_down_article_leaves_search(client):
    article = _taken_down(body="<p>Platypus sightings downtown.</p>")
    page = client.get(reverse("articles:search"), {"q": "platypus"}).content.decode()
    assert article.title not in page


def test_a_cached_page_comes_down_by_itself_at_the_unpublish_time(client):
    """Anonymous readers' pages are cached: the cache must not outlive the unpublish time."""
    article = ArticleFactory(unpublish_at=timezone.now() + datetime.timedelta(seconds=2))
    home = reverse("articles:home")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.title in client.get(home).content.decode()
    assert client.get(home).get("X-Page-Cache") == "hit"
    time.sleep(2.2)
    assert client.get(article.get_absolute_url()).status_code == 410
    assert article.title not in client.get(home).content.decode()


def test_unpublish_time_must_come_after_the_publish_time():
    now = timezone.now()
    article = ArticleFactory.build(publish_at=now, unpublish_at=now - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError) as raised:
        article.full_clean(exclude=["category", "author", "slug", "image"])
    assert "after the publish time" in str(raised.value)


def test_the_next_scheduled_time_includes_an_unpublish_time():
    soon = timezone.now() + datetime.timedelta(minutes=5)
    ArticleFactory(unpublish_at=soon)
    ArticleFactory(publish_at=timezone.now() + datetime.timedelta(hours=2))
    assert Article.objects.next_scheduled_time() == soon


def _editor_client(client):
    client.force_login(make_editor())
    return client


def test_republishing_a_taken_down_story_from_the_list_puts_it_back_up(client):
    article = _taken_down()
    response = _editor_client(client).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Published 1 article." in [str(m) for m in response.context["messages"]]
    article.refresh_from_db()
    assert article.unpublish_at is None
    assert client.get(article.get_absolute_url()).status_code == 200


def test_the_review_desk_offers_to_publish_a_taken_down_story_again(client):
    article = _taken_down()
    client = _editor_client(client)
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert "Publish again" in client.get(change).content.decode()
    response = client.post(
        reverse("admin:articles_article_publish_now", args=[article.pk]), follow=True
    )
    assert "is published" in " ".join(str(m) for m in response.context["messages"])
    article.refresh_from_db()
    assert article.is_published and article.unpublish_at is None


def test_the_old_address_of_a_taken_down_story_answers_410_gone(client):
    article = _taken_down()
    ArticleRedirect.objects.create(old_path="/world/old-slug/", article=article)
    response = client.get("/world/old-slug/")
    assert response.status_code == 410
    assert "no longer available" in response.content.decode()
