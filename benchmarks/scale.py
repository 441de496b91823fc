"""
`make bench-scale`: do pages stay as fast when the data grows 100-fold?

Builds two PostgreSQL databases with `generate_demo`: small (1,000 articles, 10,000
comments) and large (100,000 articles, 1,000,000 comments); both have the seed story
with 200 comments and one busy article with 1% of all comments (a long "View all
comments"). Then ANALYZE, and for each page: the median of REQUESTS uncached renders
through Django's test client (in process, production settings: DEBUG off, page cache
off) and its SQL query count. Prints small against large with their ratio (target:
at most 1.5×) and writes the table to docs/scale.md.

    python benchmarks/scale.py [--reuse] [--requests 300]

--reuse keeps databases that already hold the data (building the large one takes
about three minutes). Environment: SCALE_DATABASE_URL, the base name of the two
databases (default postgres://magazine:magazine@127.0.0.1:5432/magazine_scale; the
script adds _small and _large; the role needs CREATEDB).
"""

import argparse
import datetime
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BASE_URL = os.environ.get(
    "SCALE_DATABASE_URL", "postgres://magazine:magazine@127.0.0.1:5432/magazine_scale"
)
SIZES = {"small": (1_000, 10_000), "large": (100_000, 1_000_000)}
SEED_COMMENTS = 200
LATE = 0.9  # "a late page": this far down the list


NOTES = """
## What keeps pages flat

- Archives (home, category, tag, author) and "View all comments" page by keyset
  (`?after=` / `?before=` cursors, `articles/pagination.py`): no COUNT(*) and no OFFSET,
  so a late page costs the first page's queries and time. They show Newer/Older (and
  Latest) links instead of "page N of M".
- Tag pages: a semi-join on taggit's table plus an index on (tag, content type, object)
  (migration `scale_indexes`): a late tag page no longer reads the whole tagging table.
- An article's threads: a partial index on (article, created_at, id) for top-level
  comments (same migration).
- Search ranks only the newest 200 matches (`search.MAX_RESULTS`, a stated bound: the
  page says so and asks for another word); the rest of a common word's matches are
  never ranked or counted. At 500, a common word took 1.6× as long on the large
  database: the small one has fewer than 500 matches, so the large one ranked more.
"""


def database_url(size):
    return f"{BASE_URL}_{size}"


def environment(size, static_root):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(size),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="benchmark-only-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(static_root),
        MAGAZINE_PAGE_CACHE_SECONDS="0",
        # Every render from scratch: what grows with the data is the queries.
        MAGAZINE_KEEP_FRAGMENTS="false",
        DJANGO_CACHE_DIR=str(static_root.parent / f"{static_root.name}-cache"),
        DJANGO_LOG_LEVEL="ERROR",
    )
    env.pop("REDIS_URL", None)
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def admin_connection():
    """A connection to the server's `postgres` database, to create and drop ours."""
    import psycopg

    server, _, _ = BASE_URL.rpartition("/")
    return psycopg.connect(f"{server}/postgres", autocommit=True)


def holds_data(size):
    """Whether the database exists with the generated data of this size."""
    import psycopg

    articles, comments = SIZES[size]
    try:
        with psycopg.connect(database_url(size)) as conn:
            found = conn.execute(
                "SELECT (SELECT count(*) FROM articles_article),"
                " (SELECT count(*) FROM articles_comment)"
            ).fetchone()
    except psycopg.Error:
        return False
    # Generated articles plus the seed story; comments plus the seed's and the busy one's.
    return found == (articles + 1, comments + SEED_COMMENTS + comments // 100)


def build(size, env):
    articles, comments = SIZES[size]
    name = database_url(size).rpartition("/")[2]
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_seed")
    started = time.perf_counter()
    manage(
        env, "generate_demo", "--articles", str(articles), "--comments", str(comments),
        "--seed-article-comments", str(SEED_COMMENTS),
        "--busy-article-comments", str(comments // 100),
    )  # fmt: skip
    print(f"{size}: generate_demo took {time.perf_counter() - started:.0f} s", flush=True)


def analyze(size):
    """VACUUM ANALYZE our tables (the role may not vacuum the system catalogs)."""
    import psycopg

    with psycopg.connect(database_url(size), autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        for (table,) in tables:
            conn.execute(f'VACUUM ANALYZE "{table}"')


def _counted(queries, execute, sql, params, many, context):
    queries.append(sql)
    return execute(sql, params, many, context)


def measure(requests):
    """In a child process whose settings point at one database: {page: (median ms, queries)}."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from taggit.models import Tag

    from articles import pagination, seed
    from articles.models import Article, Comment
    from articles.models.comments import THREAD_ORDER

    def late_cursor(queryset, ordering, per_page):
        """The cursor of a full page LATE of the way down (one OFFSET query, not timed)."""
        count = queryset.count()
        row = queryset.order_by(*ordering)[max(0, min(int(count * LATE), count - per_page - 1))]
        return pagination.encode(row, ordering)

    seed_article = Article.objects.get(slug=seed.SLUG)
    busy = Article.objects.exclude(pk=seed_article.pk).order_by("-comment_count").first()
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n", "name")[0]
    world = Article.objects.published().filter(category__path__startswith="world")
    threads = Comment.objects.filter(article=busy).approved().top_level()
    comments_url = reverse("articles:comments", args=[busy.pk])
    newest = THREAD_ORDER[Comment.Sort.NEWEST]
    pages = {
        "home": "/",
        "category (World)": "/world/",
        "tag": reverse("articles:tag", args=[tag.slug]),
        "seed article (200 comments)": seed_article.get_absolute_url(),
        "all comments, page 1": f"{comments_url}?sort=newest",
        "all comments, late page": f"{comments_url}?sort=newest&after="
        + late_cursor(threads, newest, settings.MAGAZINE_COMMENT_THREADS_PER_PAGE),
        "category, late page": "/world/?after="
        + late_cursor(world, ("-publish_at", "-id"), settings.MAGAZINE_ARTICLES_PER_PAGE),
        "search (common word)": "/search/?q=sanctions",
        "search (rare word)": "/search/?q=lukashenka",
    }
    client = Client()
    results = {}
    for name, url in pages.items():
        for _ in range(5):  # warm up: templates, connection, the database's cache
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        queries = []
        with connection.execute_wrapper(functools.partial(_counted, queries)):
            client.get(url)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        results[name] = (statistics.median(times), len(queries), url)
    results["busy article's comments"] = (busy.comment_count, 0, busy.get_absolute_url())
    return results


def render(results, requests, build_notes):
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    small, large = results["small"], results["large"]
    lines = [
        "# Pages as the data grows",
        "",
        f"Measured by `make bench-scale` (`benchmarks/scale.py`) on {datetime.date.today()}: "
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, PostgreSQL. "
        "Small: 1,000 articles and 10,000 comments; large: 100,000 articles and 1,000,000 "
        f"comments (`generate_demo`), both with the seed story ({SEED_COMMENTS} comments) and "
        "one busy article with 1% of the comments. Median of "
        f"{requests} sequential uncached renders per page through Django's test client "
        "(DEBUG off, page cache and kept markup off), after ANALYZE; queries counted on one render. "
        f"Late pages are {LATE:.0%} of the way down the list.",
        "",
        "| page | small ms | large ms | large / small | queries small | queries large |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    busy = "busy article's comments"
    for name in small:
        if name == busy:
            continue
        (s_ms, s_q, _), (l_ms, l_q, _) = small[name], large[name]
        lines.append(f"| {name} | {s_ms:.1f} | {l_ms:.1f} | {l_ms / s_ms:.2f}× | {s_q} | {l_q} |")
    lines += [
        "",
        f"The busy article has {small[busy][0]:,} comments (small) and {large[busy][0]:,} "
        "(large). Addresses on the large database:",
        "",
    ]
    lines += [f"- {name}: `{url}`" for name, (_, _, url) in large.items() if name != busy]
    if build_notes:
        lines += ["", *build_notes]
    return "\n".join(lines) + "\n" + NOTES


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep databases holding the data")
    parser.add_argument("--requests", type=int, default=300, help="renders per page")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.requests)))
        return

    static_root = Path(tempfile.mkdtemp(prefix="scale-static-"))
    results, notes = {}, []
    for size in SIZES:
        env = environment(size, static_root)
        if args.reuse and holds_data(size):
            print(f"{size}: reusing {database_url(size)}", flush=True)
            manage(env, "migrate", "--noinput", "-v0")  # this branch's indexes
        else:
            started = time.perf_counter()
            build(size, env)
            notes.append(
                f"Building the {size} database took {time.perf_counter() - started:.0f} s."
            )
        analyze(size)
        if size == "small":
            manage(env, "collectstatic", "--noinput", "-v0")
        out = subprocess.run(
            [PYTHON, __file__, "--measure", "--requests", str(args.requests)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[size] = json.loads(out.strip().splitlines()[-1])
    report = render(results, args.requests, notes)
    print(report)
    (ROOT / "docs" / "scale.md").write_text(report)


if __name__ == "__main__":
    main()
