"""Backups taken while the site writes restore every row committed before they began."""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction

from articles.models import Agency

from .servers import migrated

BATCH = 5  # agencies per transaction: a consistent copy holds whole batches only


def manage(*args, database_url):
    """Run manage.py as an operator would, against the database the URL names."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def agency_name(n):
    return f"Backup test agency {n:06d}"


class Writer(threading.Thread):
    """Commits agencies in batches, one transaction per batch, until stopped.

    `open_writer` is a context manager giving a function that commits one batch
    of names through a connection the thread holds open, as a running site does.
    """

    def __init__(self, open_writer):
        super().__init__(daemon=True)
        self.open_writer = open_writer
        self.committed = 0
        self.error = None
        self.stopping = threading.Event()

    def run(self):
        try:
            with self.open_writer() as write_batch:
                while not self.stopping.is_set():
                    first = self.committed
                    write_batch([agency_name(n) for n in range(first, first + BATCH)])
                    self.committed = first + BATCH
                    time.sleep(0.001)
        except Exception as error:
            self.error = error

    def wait_for(self, rows):
        deadline = time.monotonic() + 10
        while self.committed < rows and self.error is None:
            assert time.monotonic() < deadline, "the writer stalled"
            time.sleep(0.005)

    def stop(self):
        self.stopping.set()
        self.join(10)
        assert self.error is None, self.error


def back_up_while_writing(writer, take_backup):
    """Take a backup mid-way through a stream of commits.

    Returns how many rows were committed before the backup started, and how many
    by the time it had finished.
    """
    writer.start()
    try:
        writer.wait_for(10 * BATCH)
        before = writer.committed
        take_backup()
        after = writer.committed
        writer.wait_for(after + 4 * BATCH)  # and the site keeps writing afterwards
    finally:
        writer.stop()
    assert after > before, "the writer should have kept committing while backup_db ran"
    return before, after


def assert_a_consistent_snapshot(restored_names, before, after):
    """Every row committed before the backup, whole batches only, nothing from later."""
    restored = sorted(name for name in restored_names if name.startswith("Backup test agency"))
    assert before <= len(restored) <= after
    assert len(restored) % BATCH == 0
    assert restored == [agency_name(n) for n in range(len(restored))]


# SQLite: a real database file, as the site runs it (WAL mode), not the test database.


@pytest.fixture
def sqlite_db(tmp_path):
    path = tmp_path / "magazine.sqlite3"
    migrated(path)
    return path


def sqlite_rows(path, sql):
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def test_an_sqlite_backup_taken_during_writes_restores_every_committed_row(sqlite_db, tmp_path):
    backup, restored = tmp_path / "backup.sqlite3", tmp_path / "restored.sqlite3"

    @contextlib.contextmanager
    def open_writer():
        # Held open, this connection keeps the WAL alive: recent commits are not in
        # the main database file yet, so copying that file alone would lose them.
        with contextlib.closing(sqlite3.connect(sqlite_db, timeout=20)) as db:

            def write_batch(names):
                with db:
                    db.executemany(
                        "INSERT INTO articles_agency (name, url) VALUES (?, '')",
                        [(name,) for name in names],
                    )

            yield write_batch

    def take_backup():
        result = manage("backup_db", str(backup), database_url=f"sqlite:///{sqlite_db}")
        assert result.returncode == 0, result.stderr

    before, after = back_up_while_writing(Writer(open_writer), take_backup)
    assert sqlite_rows(sqlite_db, "PRAGMA journal_mode") == [("wal",)]

    result = manage("restore_db", str(backup), database_url=f"sqlite:///{restored}")
    assert result.returncode == 0, result.stderr
    assert sqlite_rows(restored, "PRAGMA integrity_check") == [("ok",)]
    names = [name for (name,) in sqlite_rows(restored, "SELECT name FROM articles_agency")]
    assert_a_consistent_snapshot(names, before, after)
    migrations = "SELECT app, name FROM django_migrations ORDER BY id"
    assert sqlite_rows(restored, migrations) == sqlite_rows(sqlite_db, migrations)


def test_restore_refuses_a_database_with_tables_unless_forced(tmp_path):
    backup, live = tmp_path / "backup.sqlite3", tmp_path / "live.sqlite3"
    for path, name in ((backup, "In the backup"), (live, "Only in the live database")):
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE articles_agency (name text)")
            db.execute("INSERT INTO articles_agency VALUES (?)", [name])
    names = "SELECT name FROM articles_agency"

    refused = manage("restore_db", str(backup), database_url=f"sqlite:///{live}")
    assert refused.returncode == 1
    assert "already has tables" in refused.stderr and "--force" in refused.stderr
    assert sqlite_rows(live, names) == [("Only in the live database",)]

    forced = manage("restore_db", "--force", str(backup), database_url=f"sqlite:///{live}")
    assert forced.returncode == 0, forced.stderr
    assert sqlite_rows(live, names) == [("In the backup",)]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    target = tmp_path / "target.sqlite3"
    result = manage("restore_db", str(not_a_backup), database_url=f"sqlite:///{target}")
    assert result.returncode == 1
    assert "is not an SQLite backup" in result.stderr
    assert not target.exists()


# PostgreSQL: pg_dump of the test database while it takes writes, restored into a
# throwaway database made for the test.


def postgres_url(name):
    db = connection.settings_dict
    password = quote(db["PASSWORD"], safe="")
    return f"postgres://{quote(db['USER'], safe='')}:{password}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql"
    or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs PostgreSQL (set DATABASE_URL to one) and pg_dump/pg_restore on PATH; CI has both",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_backup_taken_during_writes_restores_every_committed_row(tmp_path):
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"
    backup = tmp_path / "backup.dump"

    def write_batch(names):
        with transaction.atomic():
            Agency.objects.bulk_create(Agency(name=name) for name in names)

    @contextlib.contextmanager
    def open_writer():
        try:
            yield write_batch
        finally:
            connection.close()  # the writer thread's own connection

    def take_backup():
        result = manage("backup_db", str(backup), database_url=postgres_url(source))
        assert result.returncode == 0, result.stderr

    before, after = back_up_while_writing(Writer(open_writer), take_backup)

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        result = manage("restore_db", str(backup), database_url=postgres_url(target))
        assert result.returncode == 0, result.stderr
        with psycopg.connect(postgres_url(target)) as db:
            names = [name for (name,) in db.execute("SELECT name FROM articles_agency")]
            migrations = db.execute(
                "SELECT app, name FROM django_migrations ORDER BY id"
            ).fetchall()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    assert_a_consistent_snapshot(names, before, after)
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        assert migrations == cursor.fetchall()


def test_backup_db_writes_a_file_only_its_owner_can_read(sqlite_db, tmp_path):
    target = tmp_path / "copy.sqlite3"
    previous = os.umask(0o022)
    try:
        result = manage("backup_db", str(target), database_url=f"sqlite:///{sqlite_db}")
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    assert target.stat().st_mode & 0o777 == 0o600
