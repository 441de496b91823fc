"""
Backups on a schedule (`make backup`, `manage.py backup`) and their proof
(`manage.py check_backup`): a backup nobody has restored is a hope, not a backup.

Each run writes one dated folder, e.g. `backups/20250131-020000Z/`:

    database.sqlite3 or database.dump   the database (articles/backups.py)
    media.tar.gz                        MEDIA_ROOT's files (uploads)
    manifest.json                       what was written: checksums, rows per table,
                                        number of media files (backup_manifest.py)

The folder is written as `<name>.partial` and renamed once complete, so the newest
folder is always a whole backup; then all but the newest `keep` are removed. Only the
owner can read it.

The rows per table are counted in the copy itself (SQLite), or in the snapshot that
pg_dump dumps (PostgreSQL: `pg_export_snapshot()`), so they describe exactly what the
backup holds. `check_backup` compares the checksums, restores the database into a
scratch database (a temporary file, or a new PostgreSQL database it drops afterwards),
counts its rows again and reads the whole media archive.
"""

import contextlib
import hashlib
import json
import re
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

from .backup_manifest import MANIFEST, VERSION, read_manifest
from .backups import BackupError, backup, check_sqlite_file, owner_only, run_pg, sqlite_copy

FOLDER_NAME = re.compile(r"^\d{8}-\d{6}Z$")
MEDIA_ARCHIVE = "media.tar.gz"


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Writing --------------------------------------------------------------------------


def make_backup(directory, keep, media=True, using="default", now=None):
    """Write a new dated backup folder under `directory`; (its path, removed folders).

    Only the owner may read what it writes (folders 0700, files 0600): a backup holds
    password hashes, second-factor secrets, sessions and readers' addresses.
    """
    directory = Path(directory)
    name = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%SZ")
    final, partial = directory / name, directory / f"{name}.partial"
    with owner_only():
        directory.mkdir(parents=True, exist_ok=True)
        if final.exists():
            raise BackupError(f"{final} exists already: one backup per second at most.")
        try:
            partial.mkdir()
        except FileExistsError:
            raise BackupError(
                f"another backup is being written to {partial} (started this same second); "
                "if none runs, an earlier one was interrupted: remove that folder."
            ) from None
        try:
            manifest = {"created_at": datetime.now(UTC).isoformat(), "version": VERSION}
            manifest["database"] = _back_up_database(partial, using)
            manifest["media"] = _back_up_media(partial / MEDIA_ARCHIVE) if media else None
            (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            partial.rename(final)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return final, prune(directory, keep)


def _back_up_database(folder, using):
    connection = connections[using]
    if connection.vendor == "postgresql":
        path = folder / "database.dump"
        # One snapshot for the dump and the counts: the counts describe the dump.
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            rows = _count_rows(cursor, connection.introspection.table_names(cursor))
            backup(path, using=using, snapshot=snapshot)
    else:
        path = folder / "database.sqlite3"
        backup(path, using=using)
        rows = sqlite_rows(path)
    return {"file": path.name, "engine": connection.vendor, "sha256": sha256(path), "rows": rows}


def _back_up_media(archive):
    root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(archive, "w:gz") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith(".readyz-"):
                    tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    count += 1
    return {"file": archive.name, "sha256": sha256(archive), "files": count}


def _count_rows(cursor, tables):
    counts = {}
    quote = cursor.db.ops.quote_name
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # names from introspection
        counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_rows(path):
    """Rows per table of the SQLite file at `path`."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in sorted(tables)}


def completed_backups(directory):
    """The complete backup folders under `directory`, oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_dir() and FOLDER_NAME.match(path.name) and (path / MANIFEST).is_file()
    )


def prune(directory, keep):
    """Remove all but the newest `keep` backup folders (only folders this module made)."""
    removed = completed_backups(directory)[: -max(keep, 1)]
    for path in removed:
        shutil.rmtree(path)
    return removed


# --- Checking -------------------------------------------------------------------------


@dataclass
class CheckReport:
    folder: Path
    rows: dict = field(default_factory=dict)
    media_files: int | None = None


def check_backup(folder, using="default"):
    """Restore the backup in `folder` into a scratch database and compare it with its
    manifest; raises BackupError saying what is wrong."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    database = manifest["database"]
    path = folder / database["file"]
    _check_checksum(path, database["sha256"])
    rows = _restored_rows(path, database["engine"], using)
    recorded = database["rows"]
    differences = [
        f"{table}: {count} rows when backed up, {rows.get(table, 'no table')} restored"
        for table, count in recorded.items()
        if rows.get(table) != count
    ] + [
        f"{table}: restored with {rows[table]} rows, not in the manifest"
        for table in rows.keys() - recorded.keys()
    ]
    if differences:
        raise BackupError(
            f"{path} does not restore what it held: " + "; ".join(sorted(differences))
        )
    report = CheckReport(folder=folder, rows=rows)
    if media := manifest["media"]:
        report.media_files = _check_media(folder / media["file"], media)
    return report


def _check_checksum(path, expected):
    if not path.is_file():
        raise BackupError(f"{path} is missing.")
    if sha256(path) != expected:
        raise BackupError(
            f"{path} is damaged: its checksum differs from the one recorded when the backup "
            "was made. Use an older backup."
        )


def _restored_rows(path, engine, using):
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="check-backup-") as scratch:
            target = Path(scratch) / "restored.sqlite3"
            check_sqlite_file(path)
            sqlite_copy(path, target)
            return sqlite_rows(target)
    if engine == "postgresql":
        return _restored_rows_postgresql(path, connections[using])
    raise BackupError(f"Checking {engine} backups is not supported.")


def _restored_rows_postgresql(path, connection):
    """Restore into a new database on the same server, count its rows, drop it."""
    scratch = f"{connection.settings_dict['NAME']}_check_{secrets.token_hex(4)}"[:63]
    quote = connection.ops.quote_name
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quote(scratch)}")
    except Exception as error:
        raise BackupError(
            f"Could not create the scratch database {scratch} ({error}); the database user "
            "needs CREATEDB to check a backup."
        ) from None
    settings_dict = {**connection.settings_dict, "NAME": scratch}
    try:
        run_pg(["pg_restore", "--no-owner", "--exit-on-error"], settings_dict, str(path))
        with _connect(settings_dict) as db, db.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = [name for (name,) in cursor.fetchall()]
            return {
                t: cursor.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                for t in sorted(tables)
            }
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(scratch)} WITH (FORCE)")


def _connect(settings_dict):
    import psycopg  # only on PostgreSQL, which needs it installed anyway

    return psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or None,
        **{k: v for k, v in settings_dict["OPTIONS"].items() if k == "sslmode"},
    )


def _check_media(archive, media):
    _check_checksum(archive, media["sha256"])
    try:
        with tarfile.open(archive, "r:gz") as tar:
            count = sum(1 for member in tar if member.isfile())
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} cannot be read ({error}).") from None
    if count != media["files"]:
        raise BackupError(f"{archive} holds {count} files; {media['files']} were backed up.")
    return count
