"""
What article ratings and comment votes share: a guest's first vote waits, and one
address's guest votes on one article are bounded per day.

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

import enum

from django.db import models
from django.utils import timezone

from ..readers import PENDING_VOTE_LIFETIME


class Confirmation(enum.Enum):
    """What became of a waiting vote when its reader came back."""

    COUNTED = "counted"
    # The network had its day's guest votes on the article already.
    OVER_DAILY_LIMIT = "over daily limit"
    # The reader voted again, with their cookie, after this one: theirs stands.
    SUPERSEDED = "superseded"


class PendingVoteQuerySet(models.QuerySet):
    def waiting(self):
        """Votes still waiting for their reader (younger than `PENDING_VOTE_LIFETIME`)."""
        return self.filter(created_at__gte=timezone.now() - PENDING_VOTE_LIFETIME)

    def expired(self):
        return self.filter(created_at__lt=timezone.now() - PENDING_VOTE_LIFETIME)


class PendingVote(models.Model):
    """A new guest's vote, not counted until their browser comes back with its cookie."""

    reader_hash = models.CharField(
        max_length=64,
        editable=False,
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
