"""What an editor deletes in the admin leaves the pages a stranger is served at once,
whether deleted on its own page or with the list's "Delete selected" (a queryset
`delete()`, which calls no model's `delete()`); so do tags a merge moves."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Agency, Article, Author, Category

from .factories import ArticleFactory, AuthorFactory, CategoryFactory, make_editor

pytestmark = pytest.mark.django_db


def page(url):
    """A stranger's page, twice: the second one is the kept copy where one is kept."""
    Client().get(url)
    return Client().get(url)


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def delete_selected(client, model, *objects):
    url = reverse(f"admin:articles_{model._meta.model_name}_changelist")
    data = {"action": "delete_selected", "_selected_action": [o.pk for o in objects], "post": "yes"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not model.objects.filter(pk__in=[o.pk for o in objects]).exists()


def delete_one(client, obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("how", ["one", "selected"])
def test_a_deleted_agency_is_no_longer_credited(editor_client, seed_article, how):
    agency = Agency.objects.create(name="Kyodo News")
    seed_article.agencies.add(agency)
    Article.objects.get(pk=seed_article.pk).save()
    assert "Kyodo News" in page(seed_article.get_absolute_url()).content.decode()

    if how == "one":
        delete_one(editor_client, agency)
    else:
        delete_selected(editor_client, Agency, agency)

    assert "Kyodo News" not in page(seed_article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("how", ["one", "selected"])
def test_a_deleted_section_leaves_the_menu(editor_client, seed_article, how):
    section = CategoryFactory(name="Gardening", slug="gardening")
    assert ">Gardening<" in page("/").content.decode()

    if how == "one":
        delete_one(editor_client, section)
    else:
        delete_selected(editor_client, Category, section)

    assert ">Gardening<" not in page("/").content.decode()
    assert ">Gardening<" not in page(seed_article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("how", ["one", "selected"])
def test_a_deleted_authors_page_is_gone(editor_client, how):
    author = AuthorFactory(name="Paula Gone", slug="paula-gone")
    url = author.get_absolute_url()
    assert page(url).status_code == 200

    if how == "one":
        delete_one(editor_client, author)
    else:
        delete_selected(editor_client, Author, author)

    assert page(url).status_code == 404


@pytest.mark.parametrize(
    "how",
    [
        "one",
        "selected",
    ],
)
def test_a_deleted_article_leaves_its_page_and_the_lists(editor_client, seed_article, how):
    other = ArticleFactory(title="A story to delete", category=seed_article.category)
    url = other.get_absolute_url()
    assert page(url).status_code == 200
    assert "A story to delete" in page("/").content.decode()

    if how == "one":
        delete_one(editor_client, other)
    else:
        delete_selected(editor_client, Article, other)

    assert page(url).status_code in (404, 410)
    assert "A story to delete" not in page("/").content.decode()


def test_tags_merged_in_the_admin_show_on_the_articles_page(editor_client, seed_article):
    (old,) = seed_article.tags.filter(name="Vladimir Putin")
    assert 'rel="tag">Vladimir Putin<' in page(seed_article.get_absolute_url()).content.decode()

    changelist = reverse("admin:taggit_tag_changelist")
    data = {"action": "render_tag_form", "_selected_action": [old.pk]}
    assert editor_client.post(changelist, data).status_code == 302
    merge = reverse("admin:taggit_tag_merge_tags")
    assert editor_client.post(merge, {"new_tag_name": "Putin"}).status_code == 302

    shown = page(seed_article.get_absolute_url()).content.decode()
    assert 'rel="tag">Putin<' in shown and 'rel="tag">Vladimir Putin<' not in shown
