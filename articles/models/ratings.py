"""
Article rating: one vote per reader per article, 1 to 5 stars.

The database guarantees the rules (score range, one vote per account or guest
token). The article's figures (`Article.rating_1` … `rating_5`) change only
here, with F() updates in the same transaction as the votes, while the
article's row is locked: counts stay exact under concurrent votes, and pages
read them with the article at no extra query.

A new guest's first vote waits as a `PendingRating` until their browser comes back
with the reader cookie, and one address's guest votes on an article are bounded per
day (see `articles.models.votes`).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery

from .. import pagecache
from .articles import RATING_FIELDS, Article
from .readers import one_per_reader_constraints
from .votes import PendingVote, Vote, VoteQuerySet

SCORES = range(1, 6)


class ArticleRatingQuerySet(VoteQuerySet):
    target, value_field, article_lookup = "article", "score", "article"

    def check_value(self, value):
        if value not in SCORES:
            raise ValueError(f"A score is 1 to 5, not {value!r}.")

    def lock(self, target_ids):
        return list(
            Article.objects.select_for_update()
            .filter(pk__in=target_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def apply(self, target_id, moves):
        updates = {f"rating_{score}": F(f"rating_{score}") + n for score, n in moves.items() if n}
        if updates:
            Article.objects.filter(pk=target_id).update(**updates)

    def article_id_of(self, target):
        return target.pk

    def pending_model(self):
        return PendingRating

    def confirmable(self, pending):
        return pending.filter(article__in=Article.objects.published().filter(rating_enabled=True))

    def score_of(self, reader, article):
        """The reader's score for the article, or None."""
        return self.value_of(reader, article)

    def rate(self, article, reader, score, address_hash=""):
        """Record the reader's vote or change it; return the previous score (or None)."""
        return self.cast(article, reader, score, address_hash)

    def reset(self, article):
        """Delete all of an article's votes and set its figures to zero."""
        with transaction.atomic():
            self.lock([article.pk])
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


class ArticleRating(Vote):
    """One reader's vote on one article. Nothing personal: an account or a token hash;
    a deleted account leaves its vote counted, with neither."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    objects = ArticleRatingQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "vote"
        indexes = [
            models.Index(fields=("article", "created_at"), name="rating_article_created_idx"),
            models.Index(fields=("-created_at",), name="rating_created_idx"),
            # The daily bound per address, and the admin's "from one address" column.
            models.Index(
                fields=("article", "address_hash"),
                condition=~Q(address_hash=""),
                name="rating_article_address_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
            *one_per_reader_constraints("article", "rating"),
        ]

    def __str__(self):
        return f"{self.score}★ on “{self.article}”"


class PendingRating(PendingVote):
    """A new guest's vote on an article, counted once their browser keeps the cookie."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta(PendingVote.Meta):
        verbose_name = "vote awaiting its reader's cookie"
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="pending_rating_score_1_to_5"
            ),
            models.UniqueConstraint(
                fields=("article", "reader_hash"), name="pending_rating_one_per_guest"
            ),
        ]

    def __str__(self):
        return f"{self.score}★ on “{self.article}”, waiting"
