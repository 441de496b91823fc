"""
A backup folder's manifest.json, read strictly: `check_backup` trusts only a manifest
that says everything it must check. A missing or mistyped part is an error naming it,
never a traceback and never a check quietly skipped: the database (a plain file name
in the folder, its engine, checksum and the rows of at least one table) and the media
(the archive's name, checksum and number of files, or null for a `--no-media` backup).
"""

import json
import re

from .backups import BackupError

MANIFEST = "manifest.json"
VERSION = 1
ENGINES = ("sqlite", "postgresql")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def read_manifest(folder):
    """The manifest of the backup in `folder`, checked; raises BackupError."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} has no readable {MANIFEST} ({error}).") from None
    problems = _problems(manifest)
    if problems:
        raise BackupError(f"{folder / MANIFEST} cannot be trusted: " + "; ".join(problems) + ".")
    return manifest


def _problems(manifest):
    if not isinstance(manifest, dict):
        return [f"{MANIFEST} is not an object"]
    problems = []
    if manifest.get("version") != VERSION:
        problems.append(f"version is {manifest.get('version')!r}, not {VERSION}")
    database = manifest.get("database")
    if isinstance(database, dict):
        problems += _file_problems("database", database)
        if database.get("engine") not in ENGINES:
            problems.append(f"database engine {database.get('engine')!r} is not one of {ENGINES}")
        problems += _rows_problems(database.get("rows"))
    else:
        problems.append("database is missing or not an object")
    if "media" not in manifest:
        problems.append("media is missing (null for a backup made with --no-media)")
    elif (media := manifest["media"]) is not None:
        if isinstance(media, dict):
            problems += _file_problems("media", media)
            if not _count(media.get("files")):
                problems.append("media files is not a number of files")
        else:
            problems.append("media is not an object")
    return problems


def _file_problems(part, entry):
    problems = []
    name = entry.get("file")
    if not isinstance(name, str) or not is_plain_name(name):
        problems.append(f"{part} file {name!r} is not a plain file name inside the folder")
    if not isinstance(entry.get("sha256"), str) or not SHA256.match(entry["sha256"]):
        problems.append(f"{part} sha256 is not a checksum")
    return problems


def _rows_problems(rows):
    if not isinstance(rows, dict) or not rows:
        return ["database rows must name every table with its number of rows"]
    return [
        f"database rows of {table!r} is {count!r}, not a number"
        for table, count in rows.items()
        if not _count(count)
    ]


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_plain_name(name):
    """A file right inside the backup folder: no folder part, no `..`, nothing hidden."""
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")
