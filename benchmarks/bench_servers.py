"""
`make bench`'s servers (see bench.py): a checkout of the magazine with its own dataset,
static files and cache, built by its own `manage.py`, and gunicorn started from it with
the production settings, whose CPU time is read from /proc around each run.

Two checkouts (this one and BENCH_BEFORE) are driven by the same harness: each builds
its dataset with the same commands and arguments, so that both serve the same pages.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SEED_PATH = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"
# What browsers send: the pages are measured as readers get them, compressed.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}

# A returning guest who rated the seed article and voted on three of its comments: their
# rating and their pressed vote buttons are rendered for them on each request.
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

# The oldest published article with 20 comments (`generate_demo --busy-article-comments`).
TWENTY_COMMENTS = """
from articles.models import Article
found = Article.objects.published().filter(comment_count=20).order_by("pk").first()
print(found.get_absolute_url() if found else "")
"""


class Checkout:
    """One checkout of the magazine under test, `name` being "before" or "after"."""

    def __init__(self, name, root, workdir, port, database_url=None):
        self.name, self.root, self.port = name, Path(root), port
        self.static_root = Path(workdir) / f"{name}-static"
        self.cache_dir = Path(workdir) / f"{name}-cache"
        self.database_url = (
            database_url or f"sqlite:///{self.root / 'benchmarks' / 'bench.sqlite3'}"
        )

    def revision(self):
        """The commit it is at, and whether files were changed since."""

        def git(*args):
            return subprocess.run(
                ["git", "-C", str(self.root), *args], capture_output=True, text=True
            ).stdout.strip()

        changed = " with uncommitted changes" if git("status", "--porcelain", "-uno") else ""
        return f"{git('rev-parse', '--short', 'HEAD') or 'unknown'}{changed}"

    def environment(self, page_cache_seconds, keep_fragments=True, **extra):
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            DJANGO_DEBUG="false",
            DJANGO_CACHE_DIR=str(self.cache_dir),
            MAGAZINE_KEEP_FRAGMENTS=str(keep_fragments).lower(),
            DJANGO_SECRET_KEY="benchmark-only-" + "k" * 40,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_STATIC_ROOT=str(self.static_root),
            MAGAZINE_PAGE_CACHE_SECONDS=str(page_cache_seconds),
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_ACCESS_LOG="/dev/null",
            # No worker is recycled during a run, so that the CPU time read from /proc
            # is every worker's.
            GUNICORN_MAX_REQUESTS="0",
        )
        env.update(extra)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        return env

    def manage(self, *args):
        """stdout of `manage.py *args` in this checkout."""
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=self.root, env=self.environment(600),
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            raise SystemExit(f"{self.root}: manage.py {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def prepare(self, articles, comments, seed_comments):
        """A known dataset, the same for every checkout, and the static files."""
        if self.database_url.startswith("sqlite:"):
            Path(self.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("flush", "--noinput", "-v0")  # also on PostgreSQL
        self.manage("load_seed")
        self.manage(
            "generate_demo", "--articles", str(articles), "--comments-per-article", str(comments),
            "--seed-article-comments", str(seed_comments),
            "--busy-article-comments", str(max(0, 20 - comments)),
        )  # fmt: skip
        shutil.rmtree(self.static_root, ignore_errors=True)
        self.manage("collectstatic", "--noinput", "-v0")

    def shell(self, code):
        return self.manage("shell", "-c", code).strip().splitlines()[-1:] or [""]

    def returning_reader_cookie(self):
        slug = SEED_PATH.rstrip("/").rsplit("/", 1)[1]
        return f"reader={self.shell(RETURNING_READER % slug)[0]}"

    def twenty_comments_path(self):
        return self.shell(TWENTY_COMMENTS)[0] or None

    def start(self, env):
        """gunicorn from this checkout with `env`, once it answers; a fresh cache each time."""
        shutil.rmtree(self.cache_dir, ignore_errors=True)
        return Server(self, env)


class Server:
    def __init__(self, checkout, env):
        self.port = checkout.port
        self.process = subprocess.Popen(
            [GUNICORN, "magazine.wsgi", "-c", "gunicorn.conf.py"],
            cwd=checkout.root, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not start in {checkout.root}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def fetch(self, path, headers=None):
        """(Content-Encoding, body as sent) of one GET; None for a page it does not have."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.headers.get("Content-Encoding", ""), response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    def workers(self):
        master = self.process.pid
        return Path(f"/proc/{master}/task/{master}/children").read_text().split()

    def cpu(self):
        """A snapshot of the CPU time used so far (see cpu_seconds)."""
        master = str(self.process.pid)
        times = {}
        for pid in (master, *self.workers()):
            try:
                times[pid] = process_times(Path(f"/proc/{pid}/stat").read_text())
            except FileNotFoundError:
                continue  # a worker that has just left
        return times, master

    def wait_idle(self, longest=5.0):
        """Once the requests a closed client left behind are done (no more than a tick
        of CPU in 0.2 s), so that their time is not counted in the next run."""
        deadline = time.monotonic() + longest
        last = sum(ticks for ticks, _ in self.cpu()[0].values())
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = sum(ticks for ticks, _ in self.cpu()[0].values())
            if now - last <= 1:
                return
            last = now

    def worker_rss_mb(self):
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


def process_times(stat):
    """(utime + stime, cutime + cstime) in clock ticks, from a /proc/<pid>/stat line."""
    fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return utime + stime, cutime + cstime


def cpu_seconds(start, end):
    """CPU seconds the master and its workers used between two snapshots: each living
    process's own time, and, through the master's children's time, that of a worker
    that ended in between (less what it had used before the start)."""
    (before, master), (after, _) = start, end
    own = sum(ticks - before.get(pid, (0, 0))[0] for pid, (ticks, _) in after.items())
    ended = sum(ticks for pid, (ticks, _) in before.items() if pid not in after)
    reaped = after[master][1] - before[master][1]
    return (own + reaped - ended) / CLOCK_TICKS
