"""The editing session's endpoints answer bad input with a clear 4xx, never a 500, and
refuse what is not a form; history names people and pages through many revisions."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles import publishing
from articles.models import ArticleRevision

from .factories import ArticleFactory, article_admin_data, make_editor

pytestmark = pytest.mark.django_db

BAD_IDS = ["²", "99999999999999999999999", "-1", "1e3", " 1"]


@pytest.fixture
def editor_client():
    client = Client(raise_request_exception=False)
    client.force_login(make_editor(first_name="Anna", last_name="Kowalska"))
    return client


def _autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def _base(client, article):
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    return re.search(r'name="revision_base" value="(\d+)"', page.content.decode())[1]


@pytest.mark.parametrize("base", [*BAD_IDS, "999999"])
def test_autosave_with_a_bad_revision_base_is_refused(editor_client, base):
    article = ArticleFactory()
    data = article_admin_data(article, title="Typed", revision_base=base)

    response = editor_client.post(_autosave_url(article), data)

    assert response.status_code == 400
    assert not ArticleRevision.objects.autosaves().exists()


def test_autosave_with_another_articles_revision_is_refused(editor_client):
    article, other = ArticleFactory(), ArticleFactory()
    data = article_admin_data(article, title="Typed", revision_base=_base(editor_client, other))

    response = editor_client.post(_autosave_url(article), data)

    assert response.status_code == 400
    assert not ArticleRevision.objects.autosaves().exists()


@pytest.mark.parametrize(
    "body, content_type",
    [
        (json.dumps({"title": "x"}), "application/json"),
        ("", "application/x-www-form-urlencoded"),
        ("csrfmiddlewaretoken=x&revision_base=", "application/x-www-form-urlencoded"),
    ],
    ids=["json", "empty", "no-fields"],
)
def test_autosave_of_something_that_is_not_the_form_is_refused(editor_client, body, content_type):
    article = ArticleFactory()

    response = editor_client.post(_autosave_url(article), body, content_type=content_type)

    assert response.status_code == 400
    assert not ArticleRevision.objects.autosaves().exists()
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Restore the unsaved changes" not in page.content.decode()


@pytest.mark.parametrize("query", [{"a": "²"}, {"a": "1", "b": "²"}, {"a": BAD_IDS[1]}])
def test_compare_with_a_bad_revision_number_is_a_clear_400(editor_client, query):
    article = ArticleFactory()
    publishing.save_article(article)
    url = reverse("admin:articles_article_compare", args=[article.pk])

    response = editor_client.get(url, query)

    assert response.status_code == 400
    assert "Choose two revisions to compare" in response.content.decode()


@pytest.mark.parametrize("value", BAD_IDS)
def test_the_change_form_ignores_a_bad_autosave_number(editor_client, value):
    article = ArticleFactory(title="Saved headline")
    url = reverse("admin:articles_article_change", args=[article.pk])

    response = editor_client.get(url, {"autosave": value})

    assert response.status_code == 200
    assert 'value="Saved headline"' in response.content.decode()


@pytest.mark.parametrize("base", BAD_IDS[:2])
def test_a_save_with_a_bad_revision_base_is_refused_with_the_form_kept(editor_client, base):
    article = ArticleFactory(title="Saved headline")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_admin_data(article, title="Typed headline", revision_base=base)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert 'value="Typed headline"' in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Saved headline"


@pytest.mark.parametrize("name", ["autosave", "presence"])
def test_a_get_on_a_post_only_endpoint_is_405(editor_client, name):
    article = ArticleFactory()
    response = editor_client.get(reverse(f"admin:articles_article_{name}", args=[article.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_history_and_compare_name_people_by_their_full_names(editor_client):
    article = ArticleFactory()
    anna = make_editor(username="anna-k", first_name="Anna", last_name="Kowalska")
    publishing.save_article(article, by=anna)
    saved = ArticleRevision.objects.get(article=article)

    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    compare = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"a": saved.pk}
    )

    for page in (history.content.decode(), compare.content.decode()):
        assert "Anna Kowalska" in page
        assert "anna-k" not in page


def test_history_pages_through_every_revision(editor_client):
    article = ArticleFactory()
    for n in range(120):
        article.title = f"Take {n}"
        publishing.save_article(article)
    kept = ArticleRevision.objects.filter(article=article).order_by("pk")
    oldest, newest = (f'id="revision-{saved.pk}"' for saved in (kept.first(), kept.last()))
    url = reverse("admin:articles_article_history", args=[article.pk])

    first = editor_client.get(url).content.decode()
    assert newest in first and oldest not in first
    assert 'href="?page=2"' in first

    last = editor_client.get(url, {"page": "2"}).content.decode()
    assert oldest in last and newest not in last
    assert editor_client.get(url, {"page": "²"}).status_code == 200
