"""
What readers do, recorded without anything personal: an account, or for a guest a
keyed hash of the token in their cookie (`articles.readers` is the request side).

`ReaderAction` is the base of every such row (comments, ratings, comment votes):
who acted, `by_reader()`, and the constraints that let one reader act once on a
target. `StoredOnce` is the one double-post guard: what may be stored once is
named by a unique constraint (a comment form's idempotency key, one vote per reader
and target), and a second sending gets the first row back instead of a second one.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import CheckConstraint, Q, UniqueConstraint


def reader_filter(reader, prefix=""):
    """A Q for what `reader` did: their account's rows, or their guest token's."""
    if reader.user:
        return Q(**{f"{prefix}user": reader.user})
    if reader.token:
        return Q(**{f"{prefix}reader_hash": reader.token_hash})
    return Q(pk__in=[])


class ReaderActionQuerySet(models.QuerySet):
    def by_reader(self, reader):
        """What one reader did (an account, or a guest's token)."""
        if not (reader.user or reader.token):
            return self.none()
        return self.filter(reader_filter(reader))


def reader_hash_field(**options):
    """What a row keeps of a guest: a keyed hash of their token (`Reader.token_hash`)."""
    help_text = "A keyed hash of a guest's reader token; the token itself is never stored."
    return models.CharField(
        max_length=64, editable=False, **{"blank": True, "help_text": help_text, **options}
    )


class ReaderAction(models.Model):
    """A row written by a reader: their account, or (a guest) their token's hash.

    A deleted account leaves the row with neither.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reader_hash = reader_hash_field()

    objects = ReaderActionQuerySet.as_manager()

    class Meta:
        abstract = True

    @staticmethod
    def written_by(reader):
        """The fields naming `reader` on a row they write: their account, or a guest's hash."""
        return {"user": reader.user, "reader_hash": "" if reader.user else reader.token_hash}

    def is_by(self, reader):
        if reader.user:
            return self.user_id == reader.user.pk
        return bool(reader.token) and self.reader_hash == reader.token_hash

    @property
    def reader_kind(self):
        if self.user_id:
            return "user"
        return "guest" if self.reader_hash else "deleted account"


def user_or_guest_constraint(prefix):
    """An account or a guest token, never both."""
    return CheckConstraint(
        condition=Q(user__isnull=True) | Q(reader_hash=""), name=f"{prefix}_user_or_guest_not_both"
    )


def one_per_reader_constraints(target, prefix):
    """An account or a guest token, never both; one row per reader and `target`."""
    return [
        user_or_guest_constraint(prefix),
        UniqueConstraint(
            fields=(target, "user"), condition=Q(user__isnull=False), name=f"{prefix}_one_per_user"
        ),
        UniqueConstraint(
            fields=(target, "reader_hash"),
            condition=~Q(reader_hash=""),
            name=f"{prefix}_one_per_guest",
        ),
    ]


class StoredOnce:
    """What a reader sends, stored once however often it is sent.

    `existing` is a queryset for the row a unique constraint allows once (a comment
    form's idempotency key; one vote per reader and target). `earlier()` finds that
    row when this is a second sending; `store(write)` writes it, and when another
    sending won the race to the constraint (a double click), returns the winner's row
    instead of failing. `get_or_store(write)` is both, for callers with nothing to
    check in between.
    """

    def __init__(self, existing):
        self.existing = existing

    def earlier(self):
        return self.existing.first()

    def store(self, write):
        """(row, created): the row `write()` stored, or the one a concurrent sending did."""
        try:
            with transaction.atomic():
                return write(), True
        except IntegrityError:
            row = self.earlier()
            if row is None:
                raise
            return row, False

    def get_or_store(self, write):
        row = self.earlier()
        return (row, False) if row is not None else self.store(write)
