"""
Reading figures without a tracker: page views counted in memory, written in batches.

A view is one beacon from an article page (articles/views/beacon.py): the page itself
stays the same bytes for everyone, kept by the page cache and Varnish, and the beacon
carries only the article's id. No cookie is set and no address is kept: a view is a
number on an (article, day) row and nothing else. Staff, known bots (by user agent)
and every view while editors have switched counting off are not counted.

Each process adds views up in a `ViewCounter`, keyed (article id, day in the
newsroom's zone), and writes them when `FLUSH_VIEWS` have come in or `FLUSH_SECONDS`
have gone by, and when the process exits (gunicorn's workers exit through Python, so
`atexit` runs there as under runserver). One write is one upsert per batch
(INSERT ... ON CONFLICT DO UPDATE, which SQLite and PostgreSQL both speak) adding to
the day's row, so processes add up without reading each other's counts; a write that
fails keeps its counts for the next one, so nothing is lost to a busy database.
"""

import atexit
import logging
import threading
import time
from collections import Counter

import crawleruseragents
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from . import newsroom_time
from .models import Article, DailyViews, SiteSettings

logger = logging.getLogger(__name__)

FLUSH_VIEWS = 200
FLUSH_SECONDS = 60


def is_bot(user_agent):
    """Whether this user agent is a known bot's (crawlers, link previews, monitors,
    scripted and headless clients, from the kept crawler-user-agents list); an empty
    one is taken for a bot."""
    return not user_agent.strip() or crawleruseragents.is_crawler(user_agent)


def counts_as_reader(user, user_agent):
    """Whether a view by this person, with this browser, is a reader's view to count."""
    return (
        not getattr(user, "is_staff", False)
        and not is_bot(user_agent)
        and SiteSettings.load().count_readers
    )


def today():
    """The day a view counts on: the newsroom's, whatever zone the request runs in."""
    return newsroom_time.local(timezone.now()).date()


def _could_be_an_article(article_id):
    """Whether the id fits the articles' primary key: an address with a longer number
    must not reach the database, where it would fail the whole batch."""
    _, high = connection.ops.integer_field_range(Article._meta.pk.get_internal_type())
    return article_id > 0 and (high is None or article_id <= high)


def record_view(article_id, user, user_agent):
    """Count one view of the article, unless it is not a reader's; True if counted.

    Whether the article is published is checked when the views are written (`write`):
    a view costs no query for the article, and an id nobody publishes is dropped then.
    """
    if not _could_be_an_article(article_id) or not counts_as_reader(user, user_agent):
        return False
    counter.add(article_id, today())
    return True


def write(counts):
    """Add `counts` ({(article id, day): views}) to the stored figures in one upsert;
    views of an article that is not (or no longer) published are dropped."""
    ids = {article_id for article_id, _ in counts}
    published = set(Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
    rows = [(pk, day, views) for (pk, day), views in counts.items() if pk in published]
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(DailyViews._meta.db_table)
    views = quote("views")
    sql = (
        f"INSERT INTO {table} ({quote('article_id')}, {quote('day')}, {views}) "
        f"VALUES (%s, %s, %s) ON CONFLICT ({quote('article_id')}, {quote('day')}) "
        f"DO UPDATE SET {views} = {table}.{views} + excluded.{views}"
    )
    # No page is drawn again for it: a kept front's "Most read" waits for the next
    # quarter hour (articles/models/front.py).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return sum(views for _, _, views in rows)


class ViewCounter:
    """Views counted in this process and not yet written; safe across threads."""

    def __init__(self, flush_views=FLUSH_VIEWS, flush_seconds=FLUSH_SECONDS, clock=time.monotonic):
        self.flush_views, self.flush_seconds, self.clock = flush_views, flush_seconds, clock
        self._lock = threading.Lock()
        self._counts = Counter()
        self._last_flush = clock()
        # The database the waiting views were counted against (see `flush`).
        self._database = None

    def add(self, article_id, day):
        """Count one view; write the batch when it is due."""
        with self._lock:
            if not self._counts:
                self._database = connection.settings_dict["NAME"]
            self._counts[(article_id, day)] += 1
            due = (
                self._counts.total() >= self.flush_views
                or self.clock() - self._last_flush >= self.flush_seconds
            )
        if due:
            self.flush()

    def pending(self):
        """A copy of the views not yet written."""
        with self._lock:
            return Counter(self._counts)

    def flush(self):
        """Write the views counted so far; on a database error keep them for the next
        flush. Returns how many views were written."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            database, self._database = self._database, None
            self._last_flush = self.clock()
        if not counts:
            return 0
        if database != connection.settings_dict["NAME"]:
            # Counted against another database, now gone (a test run's, at exit).
            return 0
        try:
            return write(counts)
        except DatabaseError:
            logger.exception("Reading figures not written; kept for the next try.")
            with self._lock:
                self._counts.update(counts)
                self._database = database
            return 0


counter = ViewCounter()
atexit.register(counter.flush)
