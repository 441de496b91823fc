"""
Rows of a compiled query become instances without `Model.__init__`
(`articles.models.compiled._made`): a front makes fifty-odd stories per render. They
must be what the ORM loads: the same values, deferred fields loaded on use, saved as
an update, and heard by whatever listens for instances being made.
"""

from unittest import mock

import pytest
from django.db import models
from django.db.models.signals import post_init

from articles.models import Article, Category, front
from articles.models.compiled import Compiled

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    return ArticleFactory.create_batch(3, category=Category.objects.get(path="world/russia"))


def both_ways(queryset):
    """(the instances a compiled query makes, those the ORM loads), in the same order."""
    return Compiled.of(queryset).raw(Article), list(queryset)


def fields_of(instance):
    return {name: value for name, value in vars(instance).items() if name != "_state"}


def test_a_compiled_querys_stories_are_those_the_orm_loads(stories):
    made, loaded = both_ways(Article.objects.defer("body_html", "body_text").order_by("pk"))

    assert [fields_of(story) for story in made] == [fields_of(story) for story in loaded]
    for story, same in zip(made, loaded, strict=True):
        assert (
            story.get_deferred_fields()
            == same.get_deferred_fields()
            == {
                "body_html",
                "body_text",
            }
        )
        assert (story._state.adding, story._state.db) == (False, "default")
    first = made[-1]
    assert first.body_html == loaded[-1].body_html  # a deferred field, loaded on use
    assert first.category == loaded[-1].category


def test_a_story_a_compiled_query_made_is_saved_as_an_update(stories):
    made, _ = both_ways(Article.objects.only("id", "title").order_by("pk"))
    count = Article.objects.count()

    made[-1].title = "A title set on a compiled row"
    made[-1].save(update_fields=["title"])

    assert Article.objects.count() == count
    assert Article.objects.get(pk=made[-1].pk).title == "A title set on a compiled row"


def test_a_listener_for_new_instances_hears_each_story(stories):
    heard = []

    def listen(sender, instance, **kwargs):
        heard.append(instance.pk)

    compiled = Compiled.of(Article.objects.only("id", "title").order_by("pk"))
    post_init.connect(listen, sender=Article, weak=False)
    try:
        made = compiled.raw(Article)
    finally:
        post_init.disconnect(listen, sender=Article)
    assert heard == [story.pk for story in made]


@pytest.mark.caches_off(reason="counts what a front drawn from scratch makes")
def test_a_front_makes_its_stories_without_running_model_init(stories):
    made = []
    original = models.Model.__init__

    def counting(self, *args, **kwargs):
        made.append(type(self))
        original(self, *args, **kwargs)

    with mock.patch.object(models.Model, "__init__", counting):
        lead, river, _ = front.lead_and_river(10)
        shown = front.home(lead)

    assert shown.rows and river  # the front has stories...
    assert Article not in made  # ...and none went through Model.__init__
