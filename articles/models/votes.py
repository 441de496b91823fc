"""
What article ratings and comment votes share: one vote per reader and target, figures
that follow every change exactly, a guest's first vote that waits, and a daily bound
on one address's guest votes on one article.

A vote is recorded while its target's row is locked, and the figures it counts in
(an article's `rating_1` … `rating_5`, a comment's `score`) change in the same
transaction with F() updates, so they stay exact under concurrent votes. Each kind
of vote says how in a few hooks (`lock`, `apply`, ...) of `VoteQuerySet`.

A guest is a token in a cookie, so a script that drops the cookie would be a new
reader, with a new vote, on every request. A guest who sends no reader cookie
therefore gets one with their vote, and the vote waits (`PendingVote`) until a
request comes back with that cookie, which a browser does at once by following the
redirect after the vote. The vote's figures move only then. Waiting votes count for
an hour at most; each new waiting vote deletes those older than that.

Votes of guests also carry a hash of their address whose key changes every day
(`readers.vote_address_hash`): votes from one network on one day share it, and a
count of them bounds that network's votes on one article per day. Nobody can tell
the address from the hash, nor link one day's hash to another's.
"""

import dataclasses
import enum
from collections import Counter, defaultdict
from datetime import timedelta

from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from .. import pagecache
from .readers import ReaderAction, ReaderActionQuerySet, StoredOnce, reader_hash_field

# Guest votes one address may cast on one article (or on one article's comments) in a
# day: generous, since a school or an office is one address behind its router.
ADDRESS_VOTES_PER_DAY = 50
# How long a new guest's vote waits for their browser to come back with the cookie.
PENDING_VOTE_LIFETIME = timedelta(hours=1)


class TooManyVotesFromAddress(Exception):
    """The address has had its day's guest votes on this article."""


class Confirmation(enum.Enum):
    """What became of a waiting vote when its reader came back."""

    COUNTED = "counted"
    # The network had its day's guest votes on the article already.
    OVER_DAILY_LIMIT = "over daily limit"
    # The reader voted again, with their cookie, after this one: theirs stands.
    SUPERSEDED = "superseded"


def address_hash_field():
    """The day-keyed address hash on a counted vote."""
    return models.CharField(
        "address of the day",
        max_length=64,
        blank=True,
        editable=False,
        help_text=(
            "A guest's address, hashed with a key that changes every day: a guest's votes "
            "from one network on one day share it, and nobody can tell the address from it."
        ),
    )


class VoteQuerySet(ReaderActionQuerySet):
    """Votes of one kind. A subclass names its target and value fields and the hooks."""

    target = ""  # the voted-on foreign key ("article", "comment")
    value_field = ""  # the vote's value ("score", "value")
    article_lookup = ""  # from a vote to its article ("article", "comment__article")

    # --- hooks -----------------------------------------------------------------------

    def check_value(self, value):
        raise NotImplementedError

    def lock(self, target_ids):
        """Lock the targets' rows in id order; return the ids of their articles."""
        raise NotImplementedError

    def lock_article_of(self, target):
        """Serialize the count of one address's votes on the target's article."""

    def apply(self, target_id, moves):
        """Add `moves` ({value: +n or -n}) to the target's figures."""
        raise NotImplementedError

    def article_id_of(self, target):
        raise NotImplementedError

    def pending_model(self):
        raise NotImplementedError

    def confirmable(self, pending):
        """The waiting votes whose targets may still be voted on."""
        return pending

    def outcome(self, target, previous):
        """What `cast()` returns, read inside its transaction."""
        return previous

    # --- what every kind of vote does ------------------------------------------------

    def value_of(self, reader, target):
        """The reader's vote on the target, or None."""
        if not (reader.user or reader.token):
            return None
        mine = self.by_reader(reader).filter(**{self.target: target})
        return mine.values_list(self.value_field, flat=True).first()

    def cast(self, target, reader, value, address_hash=""):
        """Record the reader's vote or change it; return `outcome()` (by default the
        previous value, or None).

        A guest's new vote with an `address_hash` (`readers.vote_address_hash`) counts only
        while that address has fewer than ADDRESS_VOTES_PER_DAY votes on the article, else
        TooManyVotesFromAddress.
        """
        self.check_value(value)
        if not (reader.user or reader.token):
            raise ValueError("A vote needs a signed-in reader or a guest token.")

        def write():
            address = "" if reader.user else address_hash  # the bound is for guests
            if address:
                self.lock_article_of(target)
                if self.address_is_over_limit(self.article_id_of(target), address):
                    raise TooManyVotesFromAddress
            fields = {self.target: target, self.value_field: value, "address_hash": address}
            return self.create(**fields, **self.model.written_by(reader))

        with transaction.atomic():
            self.lock([target.pk])
            mine = self.by_reader(reader).filter(**{self.target: target})
            vote, created = StoredOnce(mine).get_or_store(write)
            previous = None if created else getattr(vote, self.value_field)
            if previous != value:
                if not created:
                    setattr(vote, self.value_field, value)
                    vote.save(update_fields=(self.value_field, "updated_at"))
                moves = Counter({value: 1})
                if previous is not None:
                    moves[previous] -= 1
                self.apply(target.pk, moves)
                pagecache.invalidate(pagecache.article_page(self.article_id_of(target)))
            return self.outcome(target, previous)

    def address_is_over_limit(self, article_id, address_hash):
        """Whether the address has had its day's guest votes on the article."""
        if not address_hash:
            return False
        on_article = {f"{self.article_lookup}_id": article_id}
        from_address = self.filter(**on_article, address_hash=address_hash)
        return from_address.count() >= ADDRESS_VOTES_PER_DAY

    def hold(self, target, reader, value, address_hash=""):
        """Keep a new guest's vote, uncounted, until `confirm_pending()` with their cookie."""
        self.check_value(value)
        if reader.user or not reader.token:
            raise ValueError("Only a guest's vote waits for their cookie.")
        pending = self.pending_model().objects
        pending.expired().delete()
        if self.address_is_over_limit(self.article_id_of(target), address_hash):
            raise TooManyVotesFromAddress
        # A new token is a new random value: it has no vote, waiting or counted, yet.
        pending.create(
            **{self.target: target, self.value_field: value},
            reader_hash=reader.token_hash,
            address_hash=address_hash,
        )

    def confirm_pending(self, reader):
        """Count the guest's waiting votes; {target id: Confirmation}. Sent again, nothing
        more is counted: each waiting vote is taken once."""
        if not reader.token:
            return {}
        guest = dataclasses.replace(reader, user=None)
        pending_votes = self.pending_model().objects
        waiting = self.confirmable(pending_votes.waiting().by_reader(guest))
        target_id = f"{self.target}_id"
        outcomes = {}
        for pending in waiting.select_related(self.target).order_by(target_id):
            pk = getattr(pending, target_id)
            with transaction.atomic():
                self.lock([pk])
                taken, _ = pending_votes.filter(pk=pending.pk).delete()
                if not taken:
                    continue  # a concurrent request for the same reader took it
                counted = self.by_reader(guest).filter(**{target_id: pk})
                if counted.filter(updated_at__gte=pending.created_at).exists():
                    outcomes[pk] = Confirmation.SUPERSEDED
                    continue
                target, value = getattr(pending, self.target), getattr(pending, self.value_field)
                try:
                    self.cast(target, guest, value, pending.address_hash)
                except TooManyVotesFromAddress:
                    outcomes[pk] = Confirmation.OVER_DAILY_LIMIT
                else:
                    outcomes[pk] = Confirmation.COUNTED
        return outcomes

    def remove(self):
        """Delete these votes; the figures they counted in follow. Returns how many."""
        target_id = f"{self.target}_id"
        with transaction.atomic():
            article_ids = self.lock(set(self.values_list(target_id, flat=True)))
            # Read again under the locks: a vote may have changed meanwhile.
            votes = list(self.values_list("pk", target_id, self.value_field))
            moves = defaultdict(Counter)
            for _, pk, value in votes:
                moves[pk][value] -= 1
            self.model._default_manager.filter(pk__in=[pk for pk, _, _ in votes]).delete()
            for pk, counts in sorted(moves.items()):
                self.apply(pk, counts)
            pagecache.invalidate(*(pagecache.article_page(pk) for pk in sorted(article_ids)))
        return len(votes)

    def with_same_address(self):
        """Annotate `same_address`: how many votes on the article came from the vote's
        address on its day (None for votes that carry no address: accounts, old votes)."""
        same = (
            self.model._default_manager.filter(
                **{self.article_lookup: OuterRef(self.article_lookup)},
                address_hash=OuterRef("address_hash"),
            )
            .exclude(address_hash="")
            .order_by()
            .values("address_hash")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(same_address=Subquery(same))


class Vote(ReaderAction):
    """One reader's vote on one target: an account or a token hash, nothing personal."""

    address_hash = address_hash_field()
    created_at = models.DateTimeField("voted at", auto_now_add=True)
    updated_at = models.DateTimeField("changed at", auto_now=True)

    class Meta:
        abstract = True


class PendingVoteQuerySet(ReaderActionQuerySet):
    def waiting(self):
        """Votes still waiting for their reader (younger than `PENDING_VOTE_LIFETIME`)."""
        return self.filter(created_at__gte=timezone.now() - PENDING_VOTE_LIFETIME)

    def expired(self):
        return self.filter(created_at__lt=timezone.now() - PENDING_VOTE_LIFETIME)


class PendingVote(models.Model):
    """A new guest's vote, not counted until their browser comes back with its cookie."""

    reader_hash = reader_hash_field(
        blank=False,
        help_text="A keyed hash of the reader token sent with the vote; the token is never stored.",
    )
    address_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="The voter's address hashed with a key of the day (see the vote's).",
    )
    created_at = models.DateTimeField("voted at", auto_now_add=True)

    objects = PendingVoteQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("created_at",), name="%(class)s_created_idx")]
