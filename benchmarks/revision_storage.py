"""
What 1,000 revisions of the seed story cost in the database (issue: under 10 MB).

    python benchmarks/revision_storage.py [N]

A throwaway SQLite database is migrated (which loads the seed story), then the story
is saved N times (default 1,000) through `articles.publishing.save_article`, as the
admin saves it, each time with a new headline and a word changed in the body. Prints
the bytes the revision tables hold (reversion's revisions and versions and our
ArticleRevision rows, by SQLite's dbstat) and the growth of the vacuumed file.
"""

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("reversion_revision", "reversion_version", "articles_articlerevision")


def main(count):
    folder = tempfile.mkdtemp(prefix="revision-storage-")
    path = Path(folder) / "db.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from articles import publishing
    from articles.models import Article

    article = Article.objects.get(slug__startswith="belarusian-russian-leaders")
    connection.close()
    before = _vacuumed_size(path)
    body = article.body
    for n in range(count):
        article.title = f"Belarusian, Russian Leaders Meet (take {n})"
        article.body = body.replace("Sochi", f"Sochi ({n})", 1)
        publishing.save_article(article)
    connection.close()
    after = _vacuumed_size(path)
    held = _table_bytes(path)
    print(f"{count} revisions of the seed story ({len(body):,} characters of body):")
    for table, size in held.items():
        print(f"  {table}: {size:,} bytes")
    total = sum(held.values())
    print(
        f"  revision tables: {total:,} bytes ({total / 1e6:.2f} MB), {total // count:,} a revision"
    )
    print(f"  database file grew by {after - before:,} bytes ({(after - before) / 1e6:.2f} MB)")


def _vacuumed_size(path):
    with sqlite3.connect(path) as db:
        db.execute("VACUUM")
    return path.stat().st_size


def _table_bytes(path):
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
        owner = dict(db.execute("SELECT name, tbl_name FROM sqlite_master"))
    held = dict.fromkeys(TABLES, 0)
    for name, size in rows:
        if owner.get(name) in held:
            held[owner[name]] += size
    return held


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
