"""`make backup` keeps dated backups; `check_backup` proves the newest one restores."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from .servers import ROOT, migrated


@pytest.fixture
def site(tmp_path):
    """A migrated SQLite site with two uploaded files, and where its backups go."""
    return make_site(tmp_path)


@pytest.fixture(scope="module")
def one_backup(tmp_path_factory):
    """One backup of such a site, made once for the tests that only read it."""
    env = make_site(tmp_path_factory.mktemp("site"))
    run(env, "backup", check=True)
    return Path(newest(env))


def make_site(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "MAGAZINE_BACKUP_DIR": str(tmp_path / "backups"),
    }
    (tmp_path / "media" / "images").mkdir(parents=True)
    (tmp_path / "media" / "images" / "a.jpg").write_bytes(b"\xff\xd8 an image")
    (tmp_path / "media" / "b.png").write_bytes(b"\x89PNG another")
    migrated(tmp_path / "site.sqlite3")
    return env


def run(env, *command, check=False):
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert not check or result.returncode == 0, result.stderr
    return result


def folders(env):
    backups = env["MAGAZINE_BACKUP_DIR"]
    return sorted(os.listdir(backups)) if os.path.isdir(backups) else []


def newest(env):
    return os.path.join(env["MAGAZINE_BACKUP_DIR"], folders(env)[-1])


def test_backups_go_to_dated_folders_and_only_the_newest_are_kept(site):
    made = []
    for _ in range(3):
        run(site, "backup", "--keep", "2", check=True)
        made.append(folders(site)[-1])
        time.sleep(1.05)  # folders are named to the second
    assert folders(site) == made[1:]
    content = sorted(os.listdir(newest(site)))
    assert content == ["database.sqlite3", "manifest.json", "media.tar.gz"]
    manifest = json.loads(Path(newest(site), "manifest.json").read_text())
    assert manifest["media"]["files"] == 2
    assert manifest["database"]["rows"]["django_migrations"] > 0


def test_check_backup_restores_the_newest_backup_and_finds_every_row(site):
    run(site, "backup", check=True)
    result = run(site, "check_backup", check=True)
    assert (
        "restores:" in result.stdout and "and 2 media files, as when it was made" in result.stdout
    )


def test_check_backup_fails_clearly_on_a_corrupt_database_file(site):
    run(site, "backup", check=True)
    database = os.path.join(newest(site), "database.sqlite3")
    with open(database, "r+b") as file:
        file.seek(4096)
        file.write(b"\x00" * 512)  # bit rot in the second page
    result = run(site, "check_backup")
    assert result.returncode == 1
    assert "Backup check failed" in result.stderr and "is damaged" in result.stderr


def test_check_backup_fails_when_the_backup_does_not_hold_what_it_recorded(site):
    run(site, "backup", check=True)
    manifest_path = Path(newest(site), "manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["database"]["rows"]["articles_article"] += 1
    manifest_path.write_text(json.dumps(manifest))
    result = run(site, "check_backup")
    assert result.returncode == 1
    assert "articles_article: 2 rows when backed up, 1 restored" in result.stderr


def test_check_backup_fails_on_a_truncated_media_archive(site):
    run(site, "backup", check=True)
    archive = os.path.join(newest(site), "media.tar.gz")
    os.truncate(archive, os.path.getsize(archive) // 2)
    result = run(site, "check_backup")
    assert result.returncode == 1
    assert "media.tar.gz is damaged" in result.stderr


def test_check_backup_says_when_there_is_no_backup(site):
    result = run(site, "check_backup")
    assert result.returncode == 1
    assert "There is no backup in" in result.stderr and "make backup" in result.stderr


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql"
    or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs PostgreSQL (set DATABASE_URL to one) and pg_dump/pg_restore on PATH; CI has both",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_backup_is_restored_into_a_scratch_database_and_checked(tmp_path, settings):
    from django.core.management import call_command

    from articles import backup_sets

    folder, _ = backup_sets.make_backup(tmp_path / "backups", keep=2, media=False)
    report = backup_sets.check_backup(folder)
    assert report.rows == json.loads((folder / "manifest.json").read_text())["database"]["rows"]
    assert report.rows["django_migrations"] > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%_check_%"])
        assert cursor.fetchall() == []  # the scratch database is dropped
    dump = folder / "database.dump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    with pytest.raises(Exception, match="is damaged"):
        call_command("check_backup", str(folder))


def test_backups_are_readable_by_their_owner_alone(site):
    """They hold password hashes, second-factor secrets, sessions and readers' emails."""
    previous = os.umask(0o022)  # what most servers run with
    try:
        run(site, "backup", check=True)
    finally:
        os.umask(previous)
    folder = Path(newest(site))
    assert folder.stat().st_mode & 0o777 == 0o700
    for path in folder.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path.name


def test_a_second_backup_in_the_same_second_is_refused_clearly(tmp_path):
    from datetime import UTC, datetime

    from articles import backup_sets
    from articles.backups import BackupError

    now = datetime(2026, 1, 31, 2, 0, tzinfo=UTC)
    (tmp_path / "20260131-020000Z.partial").mkdir()  # the first one, still writing
    with pytest.raises(BackupError, match="another backup is being written"):
        backup_sets.make_backup(tmp_path, keep=2, now=now)
    assert (tmp_path / "20260131-020000Z.partial").is_dir()  # the first one's is left alone


def edited(folder, edit):
    """A copy of the backup `folder` whose manifest `edit` changed."""
    copy = Path(tempfile.mkdtemp(dir=folder.parent)) / folder.name
    shutil.copytree(folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest = edit(manifest, copy) or manifest
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


def _without_media(manifest, folder):
    del manifest["media"]
    (folder / "media.tar.gz").unlink()


def _without_the_file(manifest, folder):
    del manifest["database"]["file"]


def _without_a_table(manifest, folder):
    del manifest["database"]["rows"]["articles_article"]


def _set(path, value):
    def edit(manifest, folder):
        *parents, last = path
        target = manifest
        for key in parents:
            target = target[key]
        target[last] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (_without_media, "media"),
        (_set(("database", "rows"), {}), "rows"),
        (_without_a_table, "articles_article"),
        (_without_the_file, "file"),
        (_set(("database",), []), "database"),
        (_set(("database", "rows"), None), "rows"),
        (_set(("database", "rows", "articles_article"), "two"), "articles_article"),
        (_set(("database", "file"), "../../../site.sqlite3"), "plain file name"),
        (_set(("media", "files"), None), "files"),
        (lambda m, f: [m], "manifest.json"),
    ],
    ids=[
        "no-media",
        "no-rows",
        "a-table-left-out",
        "no-file",
        "database-a-list",
        "rows-null",
        "rows-not-a-number",
        "file-outside-the-folder",
        "media-files-null",
        "manifest-a-list",
    ],
)
def test_check_backup_refuses_a_manifest_that_does_not_say_what_to_check(one_backup, edit, said):
    from django.core.management import CommandError, call_command

    folder = edited(one_backup, edit)
    with pytest.raises(CommandError, match="Backup check failed") as failure:
        call_command("check_backup", str(folder))
    assert said in str(failure.value)


def test_a_database_only_backup_checks_and_says_so(site):
    run(site, "backup", "--no-media", check=True)
    result = run(site, "check_backup", check=True)
    assert "no media (backed up with --no-media)" in result.stdout
