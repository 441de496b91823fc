"""
`make bench`: gunicorn with the production settings on 127.0.0.1, a generated dataset,
and wrk at 16 connections against the pages readers load most. Prints requests per
second, p50/p99 latency, bytes per response and each page's ratio to the ceiling (a
static file of the article page's size served by the same gunicorn), plus the RSS of
each worker, as medians of several runs; writes the same to docs/performance.md.

Environment: BENCH_SECONDS (per run, default 10), BENCH_RUNS (default 3),
BENCH_ARTICLES (default 1000), BENCH_COMMENTS (per article, default 10),
DATABASE_URL (default: a throwaway SQLite file under benchmarks/), BENCH_ONLY=varnish
(only the Varnish rows, printed, docs/performance.md left as it is).

The Varnish rows (where varnishd is installed) put varnish/default.vcl in front of a
fresh gunicorn and count, from its access log, the requests that reached it during the
runs: none may. Beside them, the same Varnish config serving the same bytes (as Varnish
delivered them) from a server of fixed objects: the most Varnish can do with that page.
"""

import datetime
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import edge_cache

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8231"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "1000"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "10"))
SEED_COMMENTS = 200
VARNISH_PORT = PORT + 1  # and PORT + 2 for the fixed objects, PORT + 3 for their Varnish
SEED_PATH = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


def environment(static_root, page_cache_seconds, keep_fragments=True):
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_CACHE_DIR=str(static_root.parent / f"{static_root.name}-cache"),
        MAGAZINE_KEEP_FRAGMENTS=str(keep_fragments).lower(),
        DJANGO_SECRET_KEY="benchmark-only-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(static_root),
        MAGAZINE_PAGE_CACHE_SECONDS=str(page_cache_seconds),
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'benchmarks' / 'bench.sqlite3'}")
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(env):
    if env["DATABASE_URL"].startswith("sqlite:"):
        Path(env["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "flush", "--noinput", "-v0")  # a known dataset, also on PostgreSQL
    manage(env, "load_seed")
    manage(
        env, "generate_demo", "--articles", str(ARTICLES),
        "--comments-per-article", str(COMMENTS), "--seed-article-comments", str(SEED_COMMENTS),
    )  # fmt: skip


# A returning guest who rated the seed article and voted on three of its comments: their
# rating is rendered for them on each request, and the kept comment section gets their
# votes pressed (see articles/fragments.py).
RETURNING_READER = """
from django.http import HttpResponse
from articles import readers
from articles.models import Article, CommentVote
from articles.models.ratings import ArticleRating
reader = readers.Reader(user=None, token="benchmark-returning-reader")
article = Article.objects.get(slug=%r)
ArticleRating.objects.rate(article, reader, 4)
for comment in article.comments.filter(parent=None)[:3]:
    CommentVote.objects.vote(comment, reader, 1)
response = HttpResponse()
response.set_signed_cookie(readers.COOKIE_NAME, reader.token, salt=readers.COOKIE_SALT)
print(response.cookies[readers.COOKIE_NAME].value)
"""


def returning_reader_cookie(env):
    """The Cookie header of that reader (`main` checks that their page shows their votes)."""
    slug = SEED_PATH.rstrip("/").rsplit("/", 1)[1]
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", RETURNING_READER % slug],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return f"reader={out.strip().splitlines()[-1]}"


def start_server(env):
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "magazine.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def worker_rss_mb(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def fetch(path, cookie=None):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request) as response:
        return response.read()


def fetch_size(path, cookie=None):
    return len(fetch(path, cookie))


def wrk(path, cookie=None, port=PORT):
    """One wrk run: (requests/s, p50 ms, p99 ms)."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{SECONDS}s",
            "--latency",
            *headers,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), ms("50"), ms("99")


def measure(path, cookie=None, port=PORT):
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    subprocess.run(
        ["wrk", "-t1", "-c4", "-d2s", *headers, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
    )  # warm-up
    runs = [wrk(path, cookie, port) for _ in range(RUNS)]
    return tuple(statistics.median(values) for values in zip(*runs, strict=True))


def access_log_lines(log):
    return len(log.read_text().splitlines()) if log.exists() else 0


VARNISH_TARGETS = (("home", "/"), ("article, 200 comments", SEED_PATH))


def varnish_rows(static_root):
    """{page: [through Varnish (rps, p50, p99), Varnish serving the same bytes as a static
    object (rps, p50, p99), bytes, requests that reached gunicorn during the runs]}."""
    if not shutil.which("varnishd"):
        print("varnishd is not installed (apt-get install varnish): no Varnish rows")
        return {}
    log = static_root.parent / f"{static_root.name}-access.log"
    env = environment(static_root, 600) | {
        "GUNICORN_ACCESS_LOG": str(log),
        "MAGAZINE_EDGE_CACHE_URLS": f"http://127.0.0.1:{VARNISH_PORT}/",
    }
    objects, rows = {}, {}
    server = start_server(env)  # a fresh one: Varnish's first request is rendered, tagged
    try:
        with edge_cache.varnishd(VARNISH_PORT, PORT):
            for name, path in VARNISH_TARGETS:
                size = len(edge_cache.fetch(VARNISH_PORT, path)[1])  # the one that may reach it
                stored = edge_cache.fetch(VARNISH_PORT, path, {"Accept-Encoding": "gzip"})
                objects[path] = edge_cache.as_static_object(*stored)
                time.sleep(0.3)
                before = access_log_lines(log)
                measured = measure(path, port=VARNISH_PORT)
                time.sleep(0.3)
                rows[name] = [measured, None, size, access_log_lines(log) - before]
    finally:
        stop_server(server)
    with edge_cache.static_objects(PORT + 2, objects), edge_cache.varnishd(PORT + 3, PORT + 2):
        for name, path in VARNISH_TARGETS:
            edge_cache.fetch(PORT + 3, path)
            rows[name][1] = measure(path, port=PORT + 3)
    return rows


def render_varnish(rows):
    lines = [
        "",
        "## Through Varnish",
        "",
        "Varnish 7.1 with `varnish/default.vcl` in front of a fresh gunicorn (`make "
        "serve-proxied`), beside the same config serving the same bytes (as Varnish "
        "delivered them) from a server of fixed objects. *Reached gunicorn*: requests in its "
        "access log during the warm-up and the runs, after the first request.",
        "",
        "| page | through Varnish, requests/s | p50 ms | p99 ms | bytes | same bytes as a "
        "static object, requests/s | share | reached gunicorn |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ((rps, p50, p99), (static_rps, _, _), size, reached) in rows.items():
        lines.append(
            f"| {name} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {size:,} | {static_rps:,.0f} "
            f"| {rps / static_rps:.0%} | {reached} |"
        )
    return "\n".join([*lines, ""])


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    env = environment(static_root, page_cache_seconds=600)
    prepare_database(env)
    manage(env, "collectstatic", "--noinput", "-v0")
    if os.environ.get("BENCH_ONLY") == "varnish":
        print(render_varnish(varnish_rows(static_root)))
        return

    targets = [
        ("home", "/"),
        ("category", "/world/"),
        ("article, 200 comments", SEED_PATH),
        ("search", "/search/?q=sanctions"),
    ]
    reader_cookie = returning_reader_cookie(env)
    results = {}
    for mode, cache_seconds, keep in (
        ("cached", 600, True),
        ("uncached", 0, True),
        ("uncached, rendered from scratch", 0, False),
    ):
        env = environment(static_root, cache_seconds, keep)
        if mode == "cached":
            # The ceiling: a static file as large as the article page, same server.
            server = start_server(env)
            size = fetch_size(SEED_PATH)
            stop_server(server)
            (static_root / "ceiling.html").write_bytes(b"x" * size)
        server = start_server(env)
        try:
            if mode == "cached":
                results["static file (ceiling)"] = (*measure("/static/ceiling.html"), size)
            for name, path in targets if keep else targets[2:3]:
                try:
                    size = fetch_size(path)
                except OSError:
                    continue  # a page this checkout does not have yet
                results[f"{name} ({mode})"] = (*measure(path), size)
            if mode == "uncached":
                own_page = fetch(SEED_PATH, reader_cookie)
                if b"Your vote: 4 of 5" not in own_page or b'aria-pressed="true"' not in own_page:
                    raise SystemExit("The returning reader's page does not show their votes.")
                size = len(own_page)
                results["article, 200 comments (uncached, a reader who voted on it)"] = (
                    *measure(SEED_PATH, reader_cookie),
                    size,
                )
                rss = worker_rss_mb(server)
        finally:
            stop_server(server)

    report = render(results, rss) + render_varnish(varnish_rows(static_root))
    print(report)
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "performance.md").write_text(report)


def render(results, rss):
    ceiling = results["static file (ceiling)"][0]
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    lines = [
        "# Performance",
        "",
        f"Measured by `make bench` on {datetime.date.today()}: {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, database `{os.environ.get('DATABASE_URL', 'SQLite')}`"
        f", {ARTICLES} generated articles with {COMMENTS} comments each; the seed article has "
        f"{SEED_COMMENTS} comments. wrk: 2 threads, 16 connections, {SECONDS} s, median of "
        f"{RUNS} runs, on the same machine as the server (so figures are best read as ratios).",
        "",
        "*Cached*: the page cache serves anonymous readers. *Uncached*: the page cache is "
        "off, so every request runs the view: it looks the article up in the database and "
        "joins markup kept in memory under the versions of what it shows (see "
        "`articles/fragments.py`). *A reader who voted on it* has rated the article and "
        "voted on three comments: their rating is rendered for them, and the kept comment "
        "section gets their votes pressed. "
        "*Rendered from scratch*: nothing kept (`MAGAZINE_KEEP_FRAGMENTS=false`), every "
        "query and template on every request.",
        "",
        "| page | requests/s | p50 ms | p99 ms | bytes | share of ceiling |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (rps, p50, p99, size) in results.items():
        lines.append(
            f"| {name} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {size:,} | {rps / ceiling:.0%} |"
        )
    lines += [
        "",
        "Worker RSS after the uncached runs (MB): " + ", ".join(f"{mb:.0f}" for mb in rss),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
