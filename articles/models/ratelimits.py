"""
Rate-limit counters in the database, for caches that cannot count atomically.

The file and local-memory caches count in two steps (read, then write), so
concurrent requests in several gunicorn workers all read the same count and
all pass. One `INSERT … ON CONFLICT … DO UPDATE … RETURNING` statement counts
and reads in one step on SQLite (3.35+) and PostgreSQL alike. Keys are keyed
hashes (`articles.ratelimit`), so the table holds nothing readable.
"""

import random

from django.db import connection, models
from django.utils import timezone

# Expired windows are deleted by about one hit in this many, so the table stays small
# without a scheduled job.
PRUNE_ONE_IN = 100


class RateCounterQuerySet(models.QuerySet):
    def count_hit(self, key, expires_at):
        """Add one hit to the counter `key` (created if new); return its count."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        sql = (
            f"INSERT INTO {table} (key, hits, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits"
        )
        expires = self.model._meta.get_field("expires_at").get_db_prep_value(expires_at, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, expires])
            (hits,) = cursor.fetchone()
        if random.randrange(PRUNE_ONE_IN) == 0:
            self.expired().delete()
        return hits

    def expired(self):
        return self.filter(expires_at__lt=timezone.now())


class RateCounter(models.Model):
    """Attempts of one identity in one rate-limit window (see `articles.ratelimit`)."""

    key = models.CharField(max_length=100, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    objects = RateCounterQuerySet.as_manager()

    class Meta:
        ordering = ("expires_at",)

    def __str__(self):
        return f"{self.key}: {self.hits}"
