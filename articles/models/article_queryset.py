"""Article's queryset: what the public may see (`published()`), what each member of
the newsroom may see (`visible_to()`), and the queries pages run most."""

import datetime
import functools

from django.db import connection, models
from django.utils import timezone

from .. import pagecache, roles, search
from . import featured_image
from .bylines import ArticleByline, with_bylines
from .compiled import Compiled, int_slot, text_slot, time_slot
from .people import Author
from .scheduling import PUBLISHED, published_q, stage_q, taken_down_q
from .story_people import StoryMember

LISTS_NEVER_SHOW = ("body", "search_text", "search_vector")
# Nor does a card show the body: a feed's items do, and a search result a passage of it.
CARDS_NEVER_SHOW = (*LISTS_NEVER_SHOW, "body_html", "body_text")


class ArticleQuerySet(models.QuerySet):
    def delete(self):
        """The admin's "Delete selected" calls no `Article.delete()`: the deleted
        articles' pages and the lists are bumped here."""
        deleted = list(self.values_list("pk", flat=True))
        result = super().delete()
        pagecache.invalidate("articles", *map(pagecache.article_page, deleted))
        return result

    def published(self, now=None):
        """The only definition of what the public may see."""
        return self.filter(_is_published(now))

    def published_at(self, category_id, slug):
        """The published article at /<its category's path>/<slug>/, or None.

        The query readers' requests run most. Building and compiling it anew took four
        fifths of its time, so it is compiled once per process, from `published()`,
        and run through `raw()` with this request's values in place.
        """
        found = _published_at_query(self.model).raw(
            self.model, now=_db_value(self.model, timezone.now()), category=category_id, slug=slug
        )
        article = found[0] if found else None
        if article is not None:
            featured_image.attach(article)
            attach_author(article)
        return article

    def visible_to(self, user):
        """What `user` may read on the site, previews included: published articles, and
        the unpublished ones to editors and to the people on them (`on_story`).

        An unpublished story is under embargo: the rest of the newsroom keeps out of it,
        as WordPress's authors keep out of each other's drafts.
        """
        if not (user.is_staff or user.is_superuser):
            return self.published()
        if roles.can_publish(user):
            return self.all()
        return self.filter(_is_published() | _is_on_story(user))

    def for_listing(self, with_body=False, with_text=False):
        """What a card shows: section, image and every author (one query for the others).

        Not the body nor the search columns, which no card shows: a page of cards reads a
        fraction of the rows' bytes. A feed's items show the body (`with_body`), a search
        result a passage of its text (`with_text`).
        """
        shown = {"body_html", "body_text"} if with_body else {"body_text"} if with_text else ()
        return (
            self.select_related("category", "author", "image")
            .defer(*(name for name in CARDS_NEVER_SHOW if name not in shown))
            .prefetch_related(with_bylines())
        )

    def in_category(self, category):
        """Articles of a category and of all its subcategories."""
        return self.filter(
            models.Q(category=category) | models.Q(category__path__startswith=category.path + "/")
        )

    def taken_down(self, now=None):
        """Published articles past their unpublish time: their addresses answer 410."""
        return self.filter(taken_down_q(now))

    def at_stage(self, stage, now=None):
        """Articles that are what `scheduling.Stage` says ("scheduled", "draft", ...)."""
        return self.filter(stage_q(stage, now))

    def next_scheduled_time(self):
        """When the next scheduled article goes live or the next one comes down, or None:
        pages that list articles are kept no longer than that. Every listing page asks,
        so the query is compiled once per process (`_next_times_query`)."""
        now = _db_value(self.model, timezone.now())
        (times,) = _next_times_query(self.model).rows(now=now)
        return min((_moment(t) for t in times if t is not None), default=None)

    def on_story(self, user):
        """Articles `user` is on: started, carries the byline of, or was added to."""
        return self.filter(_is_on_story(user))

    def search(self, query):
        """Articles matching a reader's query (see `articles.search`), best first."""
        return search.matching(self, search.clean_query(query))

    def refresh_search_text(self):
        """Recompute `search_text` after tags, a section name or an author name changed."""
        articles = list(
            self.select_related("category", "author").prefetch_related("tags", with_bylines())
        )
        for article in articles:
            article.search_text = article.make_search_text()
        self.model.objects.bulk_update(articles, ["search_text"], batch_size=500)
        search.store_vectors(self.model.objects.filter(pk__in=[a.pk for a in articles]))


def _is_published(now=None):
    return published_q(now)


def _is_on_story(user):
    """Its creator, its bylines' accounts (the lead's and the others', `ArticleByline`)
    or a member (`StoryMember`); `Exists`, so that a story with many people is one row."""
    if user.pk is None:
        return models.Q(pk__in=[])
    story = models.OuterRef("pk")
    members = StoryMember.objects.filter(article=story, user=user)
    bylines = ArticleByline.objects.filter(article=story, author__user=user)
    return (
        models.Q(created_by=user)
        | models.Q(author__user=user)
        | models.Exists(bylines)
        | models.Exists(members)
    )


# The lead byline comes with the article, as columns (raw() cannot select_related).
_AUTHOR_PREFIX = "_author_"


def author_columns():
    return {
        f"{_AUTHOR_PREFIX}{field.attname}": models.F(f"author__{field.attname}")
        for field in Author._meta.concrete_fields
    }


def attach_author(article):
    names = [field.attname for field in Author._meta.concrete_fields]
    values = [article.__dict__.pop(f"{_AUTHOR_PREFIX}{name}") for name in names]
    if article.author_id is not None:
        article.author = Author.from_db(article._state.db, names, values)


def _moment(value):
    """A time as the database's cursor gives an aggregate of one: SQLite gives its text."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.replace(tzinfo=datetime.UTC) if timezone.is_naive(value) else value


@functools.cache
def _next_times_query(model):
    """The next publish and unpublish times, one row; by either time's index (status
    alone would scan every published article)."""
    now = time_slot("now", model._meta.get_field("publish_at"))
    live = models.Q(status=PUBLISHED, publish_at__gt=now.value)
    down = models.Q(status=PUBLISHED, unpublish_at__gt=now.value)
    times = (
        model.objects.filter(live | models.Q(unpublish_at__gt=now.value))
        .order_by()
        # Grouped by a constant, which SQL leaves out: one row, as aggregate() gives.
        .annotate(one=models.Value(1))
        .values("one")
        .annotate(live=models.Min("publish_at", filter=live))
        .annotate(down=models.Min("unpublish_at", filter=down))
        .values_list("live", "down")
    )
    return Compiled.of(times, now)


def _db_value(model, value):
    return model._meta.get_field("publish_at").get_db_prep_value(value, connection)


@functools.cache
def _published_at_query(model):
    """`published_at()`'s query, compiled (`models.compiled`): not the columns the page
    never shows (the editor's source of the body, the search index's)."""
    now = time_slot("now", model._meta.get_field("publish_at"))
    category, slug = int_slot("category", 1), text_slot("slug")
    query = (
        model.objects.published(now=now.value)
        .filter(category_id=category.value, slug=slug.value)
        .defer(*LISTS_NEVER_SHOW)
        .annotate(**featured_image.columns(), **author_columns())
    )
    return Compiled.of(query.order_by()[:1], now, category, slug)
