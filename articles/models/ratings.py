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

from collections import Counter, defaultdict

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery

from .. import pagecache
from ..readers import (
    ADDRESS_VOTES_PER_DAY,
    ByReaderQuerySet,
    Reader,
    TooManyVotesFromAddress,
    one_per_reader_constraints,
)
from .articles import RATING_FIELDS, Article
from .votes import Confirmation, PendingVote, address_hash_field

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


def _check_score(score):
    if score not in SCORES:
        raise ValueError(f"A score is 1 to 5, not {score!r}.")


class ArticleRatingQuerySet(ByReaderQuerySet, models.QuerySet):
    def score_of(self, reader, article):
        """The reader's score for the article, or None."""
        if not (reader.user or reader.token):
            return None
        return (
            self.by_reader(reader).filter(article=article).values_list("score", flat=True).first()
        )

    def rate(self, article, reader, score, address_hash=""):
        """Record the reader's vote or change it; return the previous score (or None).

        A guest's new vote with an `address_hash` (`readers.vote_address_hash`) counts only
        while that address has fewer than ADDRESS_VOTES_PER_DAY votes on the article, else
        TooManyVotesFromAddress.
        """
        _check_score(score)
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
                if reader.user:
                    address_hash = ""  # the bound is for guests; accounts are theirs
                elif self.address_is_over_limit(article, address_hash):
                    raise TooManyVotesFromAddress
                self.create(article=article, score=score, address_hash=address_hash, **identity)
                _apply(article.pk, {score: 1})
                return None
            previous = vote.score
            vote.score = score
            vote.save(update_fields=("score", "updated_at"))
            if previous != score:
                _apply(article.pk, {previous: -1, score: 1})
            return previous

    def address_is_over_limit(self, article, address_hash):
        """Whether the address has had its day's guest votes on the article."""
        if not address_hash:
            return False
        from_address = self.filter(article=article, address_hash=address_hash)
        return from_address.count() >= ADDRESS_VOTES_PER_DAY

    def hold(self, article, reader, score, address_hash=""):
        """Keep a new guest's vote, uncounted, until `confirm_pending()` with their cookie."""
        _check_score(score)
        if reader.user or not reader.token:
            raise ValueError("Only a guest's vote waits for their cookie.")
        PendingRating.objects.expired().delete()
        if self.address_is_over_limit(article, address_hash):
            raise TooManyVotesFromAddress
        # A new token is a new random value: it has no vote, waiting or counted, yet.
        PendingRating.objects.create(
            article=article, reader_hash=reader.token_hash, score=score, address_hash=address_hash
        )

    def confirm_pending(self, reader):
        """Count the guest's waiting votes; {article id: Confirmation}. Sent again, nothing
        more is counted: each waiting vote is taken once."""
        if not reader.token:
            return {}
        guest = Reader(user=None, token=reader.token)
        waiting = PendingRating.objects.waiting().filter(
            reader_hash=guest.token_hash,
            article__in=Article.objects.published().filter(rating_enabled=True),
        )
        outcomes = {}
        for pending in waiting.select_related("article").order_by("article_id"):
            with transaction.atomic():
                _lock_articles([pending.article_id])
                taken, _ = PendingRating.objects.filter(pk=pending.pk).delete()
                if not taken:
                    continue  # a concurrent request for the same reader took it
                counted = self.filter(article_id=pending.article_id, reader_hash=guest.token_hash)
                if counted.filter(updated_at__gte=pending.created_at).exists():
                    outcomes[pending.article_id] = Confirmation.SUPERSEDED
                    continue
                try:
                    self.rate(pending.article, guest, pending.score, pending.address_hash)
                except TooManyVotesFromAddress:
                    outcomes[pending.article_id] = Confirmation.OVER_DAILY_LIMIT
                else:
                    outcomes[pending.article_id] = Confirmation.COUNTED
        return outcomes

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

    def with_same_address(self):
        """Annotate `same_address`: how many votes on the article came from the vote's
        address on its day (None for votes that carry no address: accounts, old votes)."""
        same = (
            ArticleRating.objects.filter(
                article=OuterRef("article"), address_hash=OuterRef("address_hash")
            )
            .exclude(address_hash="")
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(same_address=Subquery(same))


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
    address_hash = address_hash_field()
    created_at = models.DateTimeField("voted at", auto_now_add=True)
    updated_at = models.DateTimeField("changed at", auto_now=True)

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

    @property
    def reader_kind(self):
        if self.user_id:
            return "user"
        return "guest" if self.reader_hash else "deleted account"


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
