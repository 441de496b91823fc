"""Tags are one whatever their case: "MINSK" and "minsk" used to split the archive."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_tag_typed_in_capitals_joins_the_existing_tag(client):
    first = ArticleFactory(tags=["minsk"])
    second = ArticleFactory(tags=["MINSK"])
    assert Tag.objects.filter(name__iexact="minsk").count() == 1
    html = client.get(reverse("articles:tag", args=["minsk"])).content.decode()
    assert first.title in html and second.title in html


def test_one_form_naming_a_tag_twice_in_two_cases_makes_one_tag():
    article = ArticleFactory(tags=["Belarus", "BELARUS"])
    assert [tag.name for tag in article.tags.all()] == ["Belarus"]


def test_the_migration_merges_tags_made_before_into_the_most_used_spelling(client):
    # As they were before: taggit kept spellings apart (forced here with create()).
    minsk, shouting, capital = (Tag.objects.create(name=n, slug=s) for n, s in
                                (("Minsk", "minsk"), ("MINSK", "minsk_1"), ("minsk", "minsk_2")))  # fmt: skip
    both, only_shouting, plain = ArticleFactory(), ArticleFactory(), ArticleFactory()
    for article, tags in ((both, [minsk, shouting]), (only_shouting, [shouting]), (plain, [minsk])):
        for tag in tags:
            TaggedItem.objects.create(content_object=article, tag=tag)
    capital_article = ArticleFactory()
    TaggedItem.objects.create(content_object=capital_article, tag=capital)
    unrelated = ArticleFactory(tags=["Sochi"])

    migration = importlib.import_module("articles.migrations.0018_merge_tags_differing_in_case")
    migration.merge_tags_differing_in_case(apps, None)

    assert list(Tag.objects.filter(name__iexact="minsk").values_list("name", flat=True)) == [
        "Minsk"
    ]
    for article in (both, only_shouting, plain, capital_article):
        assert [tag.name for tag in article.tags.all()] == ["Minsk"]
    assert [tag.name for tag in unrelated.tags.all()] == ["Sochi"]
    html = client.get(reverse("articles:tag", args=["minsk"])).content.decode()
    assert all(a.title in html for a in (both, only_shouting, plain, capital_article))
