"""An article's old addresses answer 301 with its current one, forever."""

import re

import pytest
from django.urls import reverse

from articles.models import Article, ArticleRedirect, Category

from .factories import ArticleFactory, CategoryFactory, article_admin_data, make_editor

pytestmark = pytest.mark.django_db


def _assert_moved(client, old_url, article):
    article.refresh_from_db()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


def _admin_form(article, **changes):
    return article_admin_data(article, **changes)


def test_editor_changes_a_slug_in_the_admin_and_the_old_address_redirects(client, seed_article):
    old_url = seed_article.get_absolute_url()
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_article_change", args=[seed_article.pk]),
        _admin_form(seed_article, slug="putin-and-lukashenka-meet-in-sochi"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    _assert_moved(client, old_url, seed_article)
    assert seed_article.get_absolute_url() == "/world/russia/putin-and-lukashenka-meet-in-sochi/"


def test_tags_saved_in_the_admin_are_searchable(client, seed_article):
    client.force_login(make_editor())
    client.post(
        reverse("admin:articles_article_change", args=[seed_article.pk]),
        _admin_form(seed_article, tags="Zeppelins"),
    )
    client.logout()
    results = client.get(reverse("articles:search"), {"q": "zeppelins"}).content.decode()
    shown = re.findall(r'<h2 class="card__title"><a href="([^"]+)">', results)
    assert shown == [seed_article.get_absolute_url()]


def test_moving_an_article_to_another_section_redirects_its_old_address(client, seed_article):
    old_url = seed_article.get_absolute_url()
    seed_article.category = CategoryFactory(name="Europe", slug="europe")
    seed_article.save()
    _assert_moved(client, old_url, seed_article)


def test_renaming_a_section_redirects_the_articles_of_it_and_its_subsections(client, seed_article):
    old_url = seed_article.get_absolute_url()
    in_world = ArticleFactory(category=Category.objects.get(path="world"))
    in_world_url = in_world.get_absolute_url()
    world = Category.objects.get(path="world")
    world.slug = "international"
    world.save()
    _assert_moved(client, old_url, seed_article)
    _assert_moved(client, in_world_url, in_world)
    assert seed_article.get_absolute_url().startswith("/international/russia/")


def test_every_old_address_leads_to_the_current_one(client):
    article = ArticleFactory(slug="first")
    first = article.get_absolute_url()
    article.slug = "second"
    article.save()
    second = article.get_absolute_url()
    article.slug = "third"
    article.save()
    _assert_moved(client, first, article)
    _assert_moved(client, second, article)


def test_moving_back_to_an_old_address_does_not_redirect_it(client):
    article = ArticleFactory(slug="first")
    first = article.get_absolute_url()
    article.slug = "second"
    article.save()
    article.slug = "first"
    article.save()
    assert client.get(first).status_code == 200
    _assert_moved(client, article.get_absolute_url().replace("first", "second"), article)
    assert not ArticleRedirect.objects.filter(old_path=first).exists()


def test_old_addresses_of_unpublished_articles_stay_404(client):
    article = ArticleFactory(slug="first")
    old_url = article.get_absolute_url()
    article.slug = "second"
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(old_url).status_code == 404


def test_saving_without_moving_records_nothing(seed_article):
    seed_article.title = "A new headline, same address"
    seed_article.save()
    assert not ArticleRedirect.objects.exists()


def test_editors_see_the_redirects_in_the_admin(client, seed_article):
    old_url = seed_article.get_absolute_url()
    seed_article.slug = "renamed"
    seed_article.save()
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_articleredirect_changelist")).content.decode()
    assert old_url in page
    assert seed_article.get_absolute_url() in page


def test_unknown_addresses_are_still_the_friendly_404(client):
    response = client.get("/world/russia/no-such-story/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()
