"""
Database backups for both engines the magazine runs on.

SQLite: Python's sqlite3 online backup API copies the file in one step, a
consistent snapshot, while the site keeps writing (WAL mode lets one connection
read while another writes). PostgreSQL: `pg_dump --format=custom`, restored with
`pg_restore`. The connection comes from settings.DATABASES; the password travels
in PGPASSWORD, never on a command line where `ps` would show it.

Uploaded images live in MEDIA_ROOT, not in the database: back that up too.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """A backup or restore that could not be done, with the reason for the operator."""


@contextlib.contextmanager
def owner_only():
    """Files and folders made inside (by pg_dump too) are the owner's alone: a backup
    holds password hashes, second-factor secrets, sessions and readers' addresses."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def backup(path, using="default", snapshot=None):
    """Write a backup of the database to `path`, readable by its owner alone; a
    half-written file never takes its place.

    `snapshot` (PostgreSQL): dump the data as an exported snapshot sees it
    (`pg_export_snapshot()`), so that counts taken in that snapshot describe the dump.
    """
    connection = connections[using]
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        with owner_only():
            _write_backup(connection, partial, snapshot)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _write_backup(connection, partial, snapshot):
    if connection.vendor == "sqlite":
        source = Path(connection.settings_dict["NAME"])
        if not source.is_file():
            raise BackupError(f"There is no SQLite database at {source}.")
        sqlite_copy(source, partial)
    elif connection.vendor == "postgresql":
        options = [f"--snapshot={snapshot}"] if snapshot else []
        _run_pg(["pg_dump", "--format=custom", f"--file={partial}", *options], connection)
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def restore(path, using="default", force=False):
    """Replace the database's contents with the backup at `path`.

    Refuses a database that already has tables unless `force`: restoring is meant
    for a new, empty database, and overwriting the live one must be a decision.
    """
    connection = connections[using]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    if connection.vendor == "sqlite":
        check_sqlite_file(path)
    if not force and not is_empty(using):
        raise BackupError(
            f"{connection.settings_dict['NAME']} already has tables; restoring would "
            "overwrite them. Restore into a new, empty database, or pass --force."
        )
    connection.close()
    if connection.vendor == "sqlite":
        sqlite_copy(path, connection.settings_dict["NAME"])
    elif connection.vendor == "postgresql":
        # --clean --if-exists drops each object of the backup before recreating it;
        # --single-transaction makes the restore all or nothing.
        _run_pg(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"],
            connection,
            str(path),
        )
    else:
        raise BackupError(f"Restoring {connection.vendor} databases is not supported.")


def is_empty(using="default"):
    """True if the database has no tables yet (a fresh one, made to restore into)."""
    with connections[using].cursor() as cursor:
        return not connections[using].introspection.table_names(cursor)


def sqlite_copy(source, target):
    # pages=-1 (the default) copies every page in one step, under one read
    # transaction: the copy is the database as it was at one instant.
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        # A copy of a WAL database is a WAL database too, and opening it leaves -wal and
        # -shm files beside it: a backup is one self-contained file.
        dst.execute("PRAGMA journal_mode=DELETE")


def check_sqlite_file(path):
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite backup ({error}).") from None
    if result != "ok":
        raise BackupError(f"{path} is damaged: {result}")


def _run_pg(command, connection, *arguments):
    run_pg(command, connection.settings_dict, *arguments)


def run_pg(command, settings_dict, *arguments):
    """Run a PostgreSQL client program against the database `settings_dict` describes."""
    if not shutil.which(command[0]):
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    env = {**os.environ}
    for variable, value in (
        ("PGHOST", settings_dict["HOST"]),
        ("PGPORT", settings_dict["PORT"]),
        ("PGUSER", settings_dict["USER"]),
        ("PGPASSWORD", settings_dict["PASSWORD"]),
        ("PGSSLMODE", settings_dict["OPTIONS"].get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    command = [*command, f"--dbname={settings_dict['NAME']}", *arguments]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
