"""`make backup` keeps dated backups; `check_backup` proves the newest one restores."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from .servers import ROOT


@pytest.fixture
def site(tmp_path):
    """A migrated SQLite site with two uploaded files, and where its backups go."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "MAGAZINE_BACKUP_DIR": str(tmp_path / "backups"),
    }
    (tmp_path / "media" / "images").mkdir(parents=True)
    (tmp_path / "media" / "images" / "a.jpg").write_bytes(b"\xff\xd8 an image")
    (tmp_path / "media" / "b.png").write_bytes(b"\x89PNG another")
    run(env, "migrate", "--noinput", check=True)
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
