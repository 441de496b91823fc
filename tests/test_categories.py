import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Category

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def test_article_breadcrumb_is_home_world_russia(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    nav = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', page, re.S)
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))
    assert links == [("/", "Home"), ("/world/", "World"), ("/world/russia/", "Russia")]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert ld["@type"] == "BreadcrumbList"
    assert [item["name"] for item in ld["itemListElement"]] == [
        "Home",
        "World",
        "Russia",
        seed_article.title,
    ]
    assert ld["itemListElement"][2]["item"] == "http://testserver/world/russia/"


def test_category_url_shows_its_path_and_nests_to_any_depth(client):
    world = Category.objects.get(path="world")
    europe = CategoryFactory(name="Europe", slug="europe", parent=world)
    east = CategoryFactory(name="East", slug="east", parent=europe)
    assert east.get_absolute_url() == "/world/europe/east/"
    assert client.get("/world/europe/east/").status_code == 200


def test_category_page_lists_articles_of_its_subcategories(client, seed_article):
    world_page = client.get("/world/").content.decode()
    assert seed_article.title in world_page
    elsewhere = ArticleFactory()
    assert elsewhere.title not in world_page


def test_renaming_a_parent_moves_its_subcategories_and_articles(client, seed_article):
    world = Category.objects.get(path="world")
    world.slug = "international"
    world.save()
    seed_article.refresh_from_db()
    assert seed_article.category.path == "international/russia"
    assert client.get("/international/russia/").status_code == 200
    assert client.get(seed_article.get_absolute_url()).status_code == 200


def test_category_pages_paginate(client, settings):
    category = CategoryFactory()
    # The lead, a page of cards and one more.
    ArticleFactory.create_batch(settings.MAGAZINE_ARTICLES_PER_PAGE + 2, category=category)
    first = client.get(category.get_absolute_url())
    assert first.content.decode().count('<article class="card">') == (
        settings.MAGAZINE_ARTICLES_PER_PAGE
    )
    older = re.search(r'<a rel="next" href="([^"]+)">Older</a>', first.content.decode())
    second = client.get(older.group(1).replace("&amp;", "&"))
    assert second.content.decode().count('<article class="card">') == 1
    assert 'rel="prev"' in second.content.decode()


def test_top_level_slugs_cannot_shadow_site_pages():
    with pytest.raises(ValidationError) as error:
        Category(name="Admin", slug="admin").full_clean()
    assert "used by the site itself" in str(error.value)


def test_a_category_cannot_sit_inside_its_own_subcategory():
    world = Category.objects.get(path="world")
    russia = Category.objects.get(path="world/russia")
    world.parent = russia
    with pytest.raises(ValidationError):
        world.full_clean()


def test_tag_and_author_pages_list_the_seed_story(client, seed_article):
    assert (
        seed_article.title in client.get(reverse("articles:tag", args=["belarus"])).content.decode()
    )
    author_url = seed_article.author.get_absolute_url()
    assert seed_article.title in client.get(author_url).content.decode()
    assert client.get(reverse("articles:tag", args=["no-such-tag"])).status_code == 404
