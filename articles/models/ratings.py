"""
Article rating: one vote per reader per article, 1 to 5 stars.

The database guarantees the rules (score range, one vote per account or guest
token). The article's figures (`Article.rating_1` … `rating_5`) change only
here, with F() updates in the same transaction as the votes, while the
article's row is locked: counts stay exact under concurrent votes, and pages
read them with the article at no extra query.
"""

from collections import Counter, defaultdict

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery

from .. import pagecache
from ..readers import ByReaderQuerySet, one_per_reader_constraints
from .articles import RATING_FIELDS, Article

SCORES = range(1, 6)


def _lock_articles(article_ids):
    """Lock article rows (in id order, so two lockers cannot deadlock)."""
    list(
        Article.objects.select_for_update()
        .filter(pk__in=article_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _apply(article_id, changes):
    """Add `changes` ({score: +n or -n}) to the article's counters."""
    updates = {f"rating_{score}": F(f"rating_{score}") + n for score, n in changes.items() if n}
    if updates:
        Article.objects.filter(pk=article_id).update(**updates)
        pagecache.invalidate(pagecache.article_page(article_id))


class ArticleRatingQuerySet(ByReaderQuerySet, models.QuerySet):
    def score_of(self, reader, article):
        """The reader's score for the article, or None."""
        if not (reader.user or reader.token):
            return None
        return (
            self.by_reader(reader).filter(article=article).values_list("score", flat=True).first()
        )

    def rate(self, article, reader, score):
        """Record the reader's vote or change it; return the previous score (or None)."""
        if score not in SCORES:
            raise ValueError(f"A score is 1 to 5, not {score!r}.")
        if reader.user:
            identity = {"user": reader.user}
        elif reader.token:
            identity = {"reader_hash": reader.token_hash}
        else:
            raise ValueError("A vote needs a signed-in reader or a guest token.")
        with transaction.atomic():
            _lock_articles([article.pk])
            vote = self.filter(article=article, **identity).first()
            if vote is None:
                self.create(article=article, score=score, **identity)
                _apply(article.pk, {score: 1})
                return None
            previous = vote.score
            vote.score = score
            vote.save(update_fields=("score", "updated_at"))
            if previous != score:
                _apply(article.pk, {previous: -1, score: 1})
            return previous

    def remove(self):
        """Delete these votes; their articles' figures follow. Returns how many."""
        with transaction.atomic():
            _lock_articles(set(self.values_list("article_id", flat=True)))
            # Read again under the locks: a vote may have changed meanwhile.
            votes = list(self.values_list("pk", "article_id", "score"))
            changes = defaultdict(Counter)
            for _, article_id, score in votes:
                changes[article_id][score] -= 1
            ArticleRating.objects.filter(pk__in=[pk for pk, _, _ in votes]).delete()
            for article_id, counts in changes.items():
                _apply(article_id, counts)
        return len(votes)

    def reset(self, article):
        """Delete all of an article's votes and set its figures to zero."""
        with transaction.atomic():
            _lock_articles([article.pk])
            removed, _ = self.filter(article=article).delete()
            Article.objects.filter(pk=article.pk).update(**dict.fromkeys(RATING_FIELDS, 0))
            pagecache.invalidate(pagecache.article_page(article.pk))
        return removed

    def in_bursts(self, votes, within):
        """Votes with at least `votes` votes on the same article within `within` of them."""
        neighbours = (
            ArticleRating.objects.filter(
                article=OuterRef("article"),
                created_at__gte=OuterRef("created_at") - within,
                created_at__lte=OuterRef("created_at") + within,
            )
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(burst_size=Subquery(neighbours)).filter(burst_size__gte=votes)


class ArticleRating(models.Model):
    """One reader's vote on one article. Nothing personal: an account or a token hash."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # A deleted account leaves its vote counted, with neither user nor token.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reader_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A keyed hash of a guest's reader token; the token itself is never stored.",
    )
    created_at = models.DateTimeField("voted at", auto_now_add=True)
    updated_at = models.DateTimeField("changed at", auto_now=True)

    objects = ArticleRatingQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "vote"
        indexes = [
            models.Index(fields=("article", "created_at"), name="rating_article_created_idx"),
            models.Index(fields=("-created_at",), name="rating_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
            *one_per_reader_constraints("article", "rating"),
        ]

    def __str__(self):
        return f"{self.score}★ on “{self.article}”"

    @property
    def reader_kind(self):
        if self.user_id:
            return "user"
        return "guest" if self.reader_hash else "deleted account"
