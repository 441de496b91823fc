"""
What an article's page shows beside its body, each one query compiled once per process
(`articles.models.compiled`): its agencies, its tags, its change notes and the stories
related to it. The same rows as `article.agencies.all()`, `article.tags.all()` and
`article.change_notes.for_page()`, in the same order, without building those querysets
on every render; and its reading time, from the body's words.
"""

import functools

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from . import card_list, featured_image
from .agencies import Agency
from .articles import Article
from .categories import attach_sections
from .compiled import Compiled, int_slot, time_slot
from .corrections import ChangeNote

ARTICLE, CONTENT_TYPE = int_slot("article", 5), int_slot("content_type", 6)
SECTION = int_slot("section", 9)
_NOW = time_slot("now", Article._meta.get_field("publish_at"))
# An adult reads about 230 words of news a minute (Brysbaert 2019: 238 for non-fiction).
WORDS_PER_MINUTE = 230
RELATED_STORIES = 4


@functools.cache
def _queries():
    article = Article(pk=ARTICLE.value)
    tags = Tag.objects.filter(
        taggit_taggeditem_items__content_type_id=CONTENT_TYPE.value,
        taggit_taggeditem_items__object_id=ARTICLE.value,
    ).order_by("taggit_taggeditem_items__id")
    return {
        "agencies": Compiled.of(Agency.objects.filter(articles=article), ARTICLE),
        "tags": Compiled.of(tags, ARTICLE, CONTENT_TYPE),
        "notes": Compiled.of(ChangeNote.objects.filter(article=article).for_page(), ARTICLE),
        "related": Compiled.of(_related_stories(), ARTICLE, CONTENT_TYPE, SECTION, _NOW),
    }


def _related_stories():
    """Published stories sharing the article's tags (the most shared first), then the
    others of its section, newest first; not the article itself. One query, whatever
    the number of tags: only the stories tagged alike and the section's newest are
    looked at."""
    tagged = TaggedItem.objects.filter(content_type_id=CONTENT_TYPE.value)
    its_tags = tagged.filter(object_id=ARTICLE.value).values("tag_id")
    alike = tagged.filter(tag_id__in=its_tags)
    shared = (
        alike.filter(object_id=models.OuterRef("pk"))
        .order_by()
        .values("object_id")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    in_section = models.Q(category_id=SECTION.value)
    published = Article.objects.published(now=_NOW.value).exclude(pk=ARTICLE.value)
    # A story of the section sharing no tag comes after every one that shares some, so
    # its newest few are all that can be shown: the rest of the section is never read.
    newest_in_section = (
        published.filter(in_section).order_by(*card_list.ORDERING).values("pk")[:RELATED_STORIES]
    )
    # Both lists looked up by id, each story tagged alike checked as published by its id:
    # said around them, the published filter made SQLite read every published story.
    tagged_alike = alike.filter(models.Exists(published.filter(pk=models.OuterRef("object_id"))))
    stories = (
        Article.objects.filter(
            models.Q(pk__in=tagged_alike.values("object_id")) | models.Q(pk__in=newest_in_section)
        )
        .only("title", "slug", "standfirst", "category_id", "image_id", "image_alt", "publish_at")
        .annotate(
            shared_tags=Coalesce(models.Subquery(shared), 0),
            same_section=models.Case(models.When(in_section, then=1), default=0),
            **featured_image.columns(),
        )
    )
    return stories.order_by("-shared_tags", "-same_section", "-publish_at", "-id")[:RELATED_STORIES]


def agencies_of(article):
    """The agencies credited under the article, by name."""
    return _queries()["agencies"].raw(Agency, article=article.pk)


def tags_of(article):
    """The article's tags, in the order they were added."""
    content_type = ContentType.objects.get_for_model(Article).pk
    return _queries()["tags"].raw(Tag, article=article.pk, content_type=content_type)


def change_notes_of(article):
    """Its updates' and corrections' notes, oldest first; only an updated or corrected
    article can have any, so the others cost no query."""
    if not article.revised_at:
        return []
    notes = _queries()["notes"].raw(ChangeNote, article=article.pk)
    for note in notes:
        note.article = article
    return notes


def related_stories(article):
    """Up to four published stories to read next (`_related_stories`), with their
    images and sections as the cards' are: one query."""
    values = {
        "article": article.pk,
        "content_type": ContentType.objects.get_for_model(Article).pk,
        "section": article.category_id or 0,  # no article is in section 0
        "now": _db_now(),
    }
    stories = _queries()["related"].raw(Article, **values)
    attach_sections(stories)
    for story in stories:
        featured_image.attach(story)
    return stories


def _db_now():
    return Article._meta.get_field("publish_at").get_db_prep_value(timezone.now(), connection)


def reading_minutes(article):
    """Minutes to read the body (its words on save, `body_text`), at least one."""
    return max(1, round(len(article.body_text.split()) / WORDS_PER_MINUTE))
