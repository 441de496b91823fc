"""
The first page of cards on the home and section pages, the lists readers open most,
from queries compiled once per process (`articles.models.compiled`): building and
compiling the list's queryset and its prefetch cost Django more than the database took
to run them. The cards come with their images and lead bylines as columns, their
sections from the cached categories, their other authors from one more query: the same
as `Article.objects.published().for_listing()` (`in_category()` for a section) gives,
in the lists' order. Later pages (`?after=`) and the other lists run that queryset.
"""

import functools

from django.db import connection, models
from django.utils import timezone

from . import featured_image
from .article_queryset import CARDS_NEVER_SHOW, attach_author, author_columns
from .articles import Article
from .categories import Category, attach_sections
from .compiled import Compiled, Slot, int_slot, time_slot
from .people import Author

ORDERING = ("-publish_at", "-id")
SECTION = int_slot("section", 7)


def first_page(per_page, section=None):
    """([the newest `per_page` published cards, of `section` and its subsections when
    given], whether more follow)."""
    queries = _queries(per_page)
    values = {"now": _db_now()}
    if section is None:
        rows = queries["home"].raw(Article, **values)
    else:
        below = _like_prefix(section.path + "/")
        rows = queries["section"].raw(Article, section=section.pk, below=below, **values)
    cards = rows[:per_page]
    _complete(cards, queries["others"], per_page)
    return cards, len(rows) > per_page


def complete(cards, per_page):
    """Other authors for up to `per_page` cards fetched elsewhere (the front's lead)."""
    _complete(cards, _queries(per_page)["others"], per_page, attach=False)


def subsections(section):
    """The section's subsections, as `section.children.all()` gives them."""
    return _subsections_query().raw(Category, section=section.pk)


@functools.cache
def _subsections_query():
    return Compiled.of(Category.objects.filter(parent_id=SECTION.value), SECTION)


def _complete(cards, others_query, per_page, attach=True):
    """Each card's image, lead byline and section, as `select_related` gives them, and
    its other authors, as `bylines()` reads them."""
    attach_sections(cards)
    for card in cards:
        if attach:
            featured_image.attach(card)
            attach_author(card)
    if not cards:
        return
    ids = [card.pk for card in cards] + [0] * (per_page - len(cards))  # no article has id 0
    others = {card.pk: [] for card in cards}
    for author in others_query.raw(Author, **{f"article_{i}": pk for i, pk in enumerate(ids)}):
        others[author._byline_of].append(author)
    for card in cards:
        card.__dict__.setdefault("_prefetched_objects_cache", {})["co_authors"] = others[card.pk]


def _db_now():
    return Article._meta.get_field("publish_at").get_db_prep_value(timezone.now(), connection)


def _like_prefix(text):
    """`startswith`'s parameter, as Django's lookup sends it."""
    return connection.ops.prep_for_like_query(text) + "%"


@functools.cache
def _queries(per_page):
    now = time_slot("now", Article._meta.get_field("publish_at"))
    below_text = "\x00below\x00/"
    below = Slot("below", below_text, _like_prefix(below_text))
    cards = Article.objects.published(now=now.value).defer(*CARDS_NEVER_SHOW)
    in_section = cards.filter(
        models.Q(category_id=SECTION.value) | models.Q(category__path__startswith=below_text)
    )
    articles = [int_slot(f"article_{i}", 100 + i) for i in range(per_page)]
    others = (
        Author.objects.filter(co_bylines__article_id__in=[slot.value for slot in articles])
        .annotate(_byline_of=models.F("co_bylines__article_id"))
        .order_by("co_bylines__position", "co_bylines__id")
    )
    return {
        "home": Compiled.of(_card_page(cards, per_page), now),
        "section": Compiled.of(_card_page(in_section, per_page), now, SECTION, below),
        "others": Compiled.of(others, *articles),
    }


def _card_page(queryset, per_page):
    """A page of cards and one more row, to know whether there are more."""
    columns = queryset.annotate(**featured_image.columns(), **author_columns())
    return columns.order_by(*ORDERING)[: per_page + 1]
