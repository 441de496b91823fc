"""On SQLite, a page read again runs the statements its first reading prepared.

SQLite prepares a statement anew on every run when one of its parameters is compared
with a column as a partial index's condition compares that column with a constant
(`status = ?` beside an index `WHERE status = 'pending'`): whether the index may serve
depends on the value. On the story with 200 comments that was a quarter of its SQL time.
SQLite asks the connection's authorizer about what a statement reads while it prepares
it, never when a prepared statement runs again: that is how a test sees it.
"""

import sqlite3
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from articles.models import Comment

from .fresh_renders import World
from .helpers import COUNTS_A_FRESH_RENDER

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's statement preparing"),
]


@contextmanager
def selects_prepared_again():
    """The SELECT statements run meanwhile that SQLite prepared before running them."""
    connection.ensure_connection()
    database, prepared, again = connection.connection, [False], []

    def authorize(*_):
        prepared[0] = True
        return sqlite3.SQLITE_OK

    def ran(sql):
        if prepared[0] and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            again.append(sql)
        prepared[0] = False

    database.set_authorizer(authorize)  # which also expires every prepared statement
    database.set_trace_callback(ran)
    try:
        yield again
    finally:
        database.set_authorizer(None)
        database.set_trace_callback(None)


def test_pages_read_again_prepare_none_of_their_statements_again():
    world = World()
    Comment.objects.filter(article=world.story, parent=None).update(is_featured=True)
    client = Client()
    with selects_prepared_again() as again:
        for _ in range(2):  # the first reading prepares each statement
            for path in world.pages():
                assert client.get(path).status_code == 200, path
        again.clear()
        for path in world.pages():
            client.get(path)

    assert again == [], "\n\n".join(again)
