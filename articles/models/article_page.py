"""
What an article's page shows beside its body, each one query compiled once per process
(`articles.models.compiled`): its agencies, its tags and its change notes. The same rows
as `article.agencies.all()`, `article.tags.all()` and `article.change_notes.for_page()`,
in the same order, without building those querysets on every render.
"""

import functools

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag

from .agencies import Agency
from .articles import Article
from .compiled import Compiled, int_slot
from .corrections import ChangeNote

ARTICLE, CONTENT_TYPE = int_slot("article", 5), int_slot("content_type", 6)


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
    }


def agencies_of(article):
    """The agencies credited under the article, by name."""
    return list(_queries()["agencies"].raw(Agency, article=article.pk))


def tags_of(article):
    """The article's tags, in the order they were added."""
    content_type = ContentType.objects.get_for_model(Article).pk
    return list(_queries()["tags"].raw(Tag, article=article.pk, content_type=content_type))


def change_notes_of(article):
    """Its updates' and corrections' notes, oldest first; only an updated or corrected
    article can have any, so the others cost no query."""
    if not article.revised_at:
        return []
    notes = list(_queries()["notes"].raw(ChangeNote, article=article.pk))
    for note in notes:
        note.article = article
    return notes
