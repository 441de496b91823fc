"""
Each SQLite connection with the query planner stability guarantee on.

Without it SQLite prepares a statement anew on every run when a bound value could
change its plan: a parameter compared with a column as a partial index's condition
compares that column with a constant, or a LIKE pattern (Django's `startswith`). That
was a quarter of the SQL time of the story with 200 comments. With it, plans never depend
on the values, so each statement is prepared once per connection
(tests/test_statement_reuse.py); a partial index then serves only the queries that
state its condition without a parameter (`parent IS NULL`).
"""

import sqlite3

from django.db.backends.signals import connection_created
from django.dispatch import receiver


@receiver(connection_created)
def plan_without_the_values(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_QPSG, True)
