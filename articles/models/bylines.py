"""Bylines that are true: an article's other authors, in order, after its lead.

`Article.author` stays the lead byline (publishing needs it, and lists and the admin
filter by it); `ArticleByline` adds the others. Readers see them all: "By A and B" on
the page, every one in JSON-LD and the feeds, and each author's page lists the stories
they are on.
"""

import functools

from django.db import models

from .. import pagecache
from .compiled import Compiled, int_slot
from .people import Author

ARTICLE = int_slot("article", 4)


class ArticleByline(models.Model):
    """One more author of one article, after the lead byline."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="co_bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="co_bylines")
    position = models.PositiveSmallIntegerField(
        default=1, help_text="Where the name stands after the lead byline: lower first."
    )

    class Meta:
        ordering = ("position", "id")
        verbose_name = "other author"
        verbose_name_plural = "other authors"
        constraints = [
            models.UniqueConstraint(
                fields=("article", "author"), name="byline_author_once_per_article"
            ),
        ]
        indexes = [models.Index(fields=("author", "article"), name="byline_author_idx")]

    def __str__(self):
        # Named with its story: the page refusing to delete an author lists these.
        return f"{self.author} on “{self.article.title}”"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        pagecache.invalidate(pagecache.article_page(self.article_id), "articles")

    def delete(self, *args, **kwargs):
        article_id = self.article_id
        deleted = super().delete(*args, **kwargs)
        pagecache.invalidate(pagecache.article_page(article_id), "articles")
        return deleted


class BylinesMixin:
    """The article's side: all its authors in order, and their names as readers read them."""

    def bylines(self):
        """[lead author, then the others in order]; a rough draft may have none.

        The other authors come from `co_bylines` as prefetched (`with_bylines()`, as
        lists do), else from one query compiled once (`_co_authors_query`), whose result
        the instance keeps beside its prefetched rows (forgotten by `refresh_from_db`),
        so that the page and its JSON-LD share it.
        """
        lead = [self.author] if self.author_id else []
        if self.pk is None:
            return lead
        kept = self.__dict__.setdefault("_prefetched_objects_cache", {})
        if "co_bylines" in kept:
            others = [b.author for b in self.co_bylines.all()]
        else:
            if "co_authors" not in kept:
                kept["co_authors"] = _co_authors_query().raw(Author, article=self.pk)
            others = kept["co_authors"]
        return lead + [a for a in others if a.pk != self.author_id]

    @property
    def byline_names(self):
        """ "A", "A and B", "A, B and C"."""
        return join_names([author.name for author in self.bylines()])

    def set_co_authors(self, author_ids):
        """Make these authors (ids, in order) the article's other authors."""
        wanted = [pk for pk in dict.fromkeys(author_ids) if pk != self.author_id]
        existing = set(Author.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        self.co_bylines.all().delete()
        ArticleByline.objects.bulk_create(
            ArticleByline(article=self, author_id=pk, position=n)
            for n, pk in enumerate((pk for pk in wanted if pk in existing), start=1)
        )
        kept = getattr(self, "_prefetched_objects_cache", {})
        kept.pop("co_bylines", None)
        kept.pop("co_authors", None)
        pagecache.invalidate(pagecache.article_page(self.pk), "articles")

    def co_author_ids(self):
        return list(self.co_bylines.values_list("author_id", flat=True))


@functools.cache
def _co_authors_query():
    """An article's other authors, in byline order: `bylines()` asks on every article page."""
    others = Author.objects.filter(co_bylines__article_id=ARTICLE.value)
    return Compiled.of(others.order_by("co_bylines__position", "co_bylines__id"), ARTICLE)


def by_author_q(author):
    """Articles `author` is on: as the lead byline or as one of the others."""
    return models.Q(author=author) | models.Q(
        pk__in=ArticleByline.objects.filter(author=author).values("article_id")
    )


def join_names(names):
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def with_bylines():
    """The prefetch that gives lists every article's other authors in one query."""
    return models.Prefetch("co_bylines", queryset=ArticleByline.objects.select_related("author"))
