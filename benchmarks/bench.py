"""
`make bench`: gunicorn with the production settings on 127.0.0.1, a generated dataset,
and wrk (2 threads, 16 connections, sending a browser's `Accept-Encoding`) against the
pages readers load most, in each layer setting: cached, kept parts only (page cache
off), from scratch (nothing kept). Prints medians of several runs of requests/s, p50/p99
latency, bytes as sent, share of the ceiling (the story as a precompressed static file
on the same gunicorn) and server CPU per request; then the Varnish rows, issue #17's
targets as pass/fail lines and the layers table; writes all of it to docs/performance.md
above the earlier measurements.

BENCH_BEFORE=/path/to/other/checkout (`make bench-compare`): the same rows on that
checkout too, in one sitting: its own dataset built by its own manage.py with the same
arguments, its own gunicorn on the same port, interleaved round by round (before, after,
before, after...), driven by this wrk harness; then a before/after table.

Environment: BENCH_SECONDS (per run, default 4), BENCH_RUNS (rounds, default 5),
BENCH_ARTICLES (default 1000), BENCH_COMMENTS (per article, default 10), BENCH_PORT,
DATABASE_URL (default: a throwaway SQLite file under each checkout's benchmarks/; with it
set, BENCH_BEFORE_DATABASE_URL names the before's), BENCH_REPORT (default
docs/performance.md), BENCH_ONLY=varnish (only the Varnish rows, printed).
"""

import datetime
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import bench_report
import bench_varnish
import bench_wrk
from bench_servers import BROWSER, SEED_PATH, Checkout, cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8231"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "1000"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "10"))
SEED_COMMENTS = 200
REPORT = Path(os.environ.get("BENCH_REPORT", ROOT / "docs" / "performance.md"))

# Each layer setting: (page cache seconds, keep fragments) and the pages measured in it.
SETTINGS = {
    "cached": (600, True, ("ceiling", "story", "twenty", "home", "category", "search")),
    "kept parts": (0, True, ("story", "twenty", "home", "category", "search", "reader")),
    "from scratch": (0, False, ("story", "twenty", "home", "reader")),
}
ENCODED_NAMES = {"gzip": ".gz", "br": ".br"}  # as WhiteNoise looks for them


STARTED = time.monotonic()


def progress(text):
    print(f"{time.monotonic() - STARTED:6.0f} s  {text}", file=sys.stderr)


class Sitting:
    """The figures of every checkout measured: runs, bytes sent and worker memory."""

    def __init__(self, checkouts):
        self.checkouts = checkouts
        self.runs = {c.name: {} for c in checkouts}
        self.sizes = {c.name: {} for c in checkouts}
        self.rss = {}
        self.pages = {}

    def medians(self, name):
        return {key: bench_wrk.median(runs) for key, runs in self.runs[name].items()}


def prepare(checkout, sitting):
    """Its dataset and static files, the addresses and cookie of its pages, and the
    ceiling: its story as a static file, stored compressed as the page is sent."""
    progress(f"{checkout.name}: building the dataset in {checkout.root}")
    checkout.prepare(ARTICLES, COMMENTS, SEED_COMMENTS)
    cookie = checkout.returning_reader_cookie()
    pages = {
        "ceiling": ("/static/ceiling.html", {}),
        "story": (SEED_PATH, {}),
        "twenty": (checkout.twenty_comments_path(), {}),
        "home": ("/", {}),
        "category": ("/world/", {}),
        "search": ("/search/?q=sanctions", {}),
        "reader": (SEED_PATH, {"Cookie": cookie}),
    }
    with checkout.start(checkout.environment(600)) as server:
        _, story = server.fetch(SEED_PATH)
        encoding, sent = server.fetch(SEED_PATH, BROWSER)
        _, own = server.fetch(SEED_PATH, {"Cookie": cookie})
    if b"Your vote: 4 of 5" not in own or b'aria-pressed="true"' not in own:
        raise SystemExit(f"{checkout.name}: the returning reader's page does not show their votes.")
    (checkout.static_root / "ceiling.html").write_bytes(story)
    if encoding in ENCODED_NAMES:
        (checkout.static_root / f"ceiling.html{ENCODED_NAMES[encoding]}").write_bytes(sent)
    sitting.pages[checkout.name] = pages


def measure_setting(checkout, setting, sitting, first):
    """One round of a setting's pages on a fresh server of `checkout`."""
    page_cache, keep, names = SETTINGS[setting]
    pages, runs = sitting.pages[checkout.name], sitting.runs[checkout.name]
    with checkout.start(checkout.environment(page_cache, keep)) as server:
        for name in names:
            path, headers = pages[name]
            key, headers = (name, setting), BROWSER | headers
            if path is None or (not first and key not in runs):
                continue  # a page this checkout does not have
            if first:
                found = server.fetch(path, headers)
                if found is None:
                    continue
                sitting.sizes[checkout.name][key] = len(found[1])
            bench_wrk.warm_up(checkout.port, path, headers)
            server.wait_idle()
            start = server.cpu()
            run = bench_wrk.run(checkout.port, path, SECONDS, headers)
            cpu = cpu_seconds(start, server.cpu())
            cpu_ms = cpu * 1000 / run.requests if run.requests else None
            runs.setdefault(key, []).append(run._replace(cpu_ms=cpu_ms))
            progress(f"{checkout.name}: {bench_report.label(key)}: {run.rps:,.0f}/s")
        if setting == "kept parts":
            sitting.rss[checkout.name] = server.worker_rss_mb()


def sit(sitting):
    """Every setting's pages on every checkout, round by round, checkouts in turn."""
    for number in range(RUNS):
        progress(f"round {number + 1} of {RUNS}")
        for setting in SETTINGS:
            for checkout in sitting.checkouts:
                measure_setting(checkout, setting, sitting, first=number == 0)


def checkouts(workdir):
    after = Checkout("after", ROOT, workdir, PORT, os.environ.get("DATABASE_URL"))
    before_root = os.environ.get("BENCH_BEFORE")
    if not before_root:
        return [after]
    if not (Path(before_root) / "manage.py").exists():
        raise SystemExit(f"BENCH_BEFORE={before_root} is not a checkout of the magazine")
    before_database = os.environ.get("BENCH_BEFORE_DATABASE_URL")
    if os.environ.get("DATABASE_URL") and not before_database:
        raise SystemExit("With DATABASE_URL set, BENCH_BEFORE_DATABASE_URL names the before's.")
    return [Checkout("before", before_root, workdir, PORT, before_database), after]


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        found = checkouts(workdir)
        if os.environ.get("BENCH_ONLY") == "varnish":
            found[-1].prepare(ARTICLES, COMMENTS, SEED_COMMENTS)
            print("\n".join(bench_varnish.render(bench_varnish.rows(found[-1], SECONDS, RUNS))))
            return
        sitting = Sitting(found)
        for checkout in found:
            prepare(checkout, sitting)
        sit(sitting)
        progress("Varnish")
        varnish = bench_varnish.rows(found[-1], SECONDS, RUNS)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = render(sitting, varnish)
    print(report)
    bench_report.write(REPORT, report)


def command():
    """The command that was run, with the settings given to it."""
    names = ("BENCH_BEFORE", "BENCH_SECONDS", "BENCH_RUNS", "BENCH_ARTICLES", "BENCH_COMMENTS")
    given = [f"{name}={os.environ[name]}" for name in names if name in os.environ]
    return " ".join(
        [*given, "make bench" if "MAKELEVEL" in os.environ else "python benchmarks/bench.py"]
    )


def machine():
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def render(sitting, varnish):
    names = [c.name for c in sitting.checkouts]
    after = sitting.medians("after")
    before = sitting.medians("before") if "before" in names else {}
    where = "; ".join(f"{c.name}: `{c.root}` at {c.revision()}" for c in sitting.checkouts)
    lines = [
        "# Performance",
        "",
        f"Measured by `{command()}` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: "
        f"{machine()}, database `{sitting.checkouts[-1].database_url.split('://')[0]}`, "
        f"{ARTICLES} generated articles with {COMMENTS} comments each; the seed story has "
        f"{SEED_COMMENTS} comments and the oldest generated article 20. wrk: 2 threads, 16 "
        f"connections, `Accept-Encoding: {BROWSER['Accept-Encoding']}`, {SECONDS} s per run, "
        f"medians of {RUNS} rounds, each setting on a fresh server per round, on the same "
        f"machine as the server (so figures are best read as ratios). {where}.",
        "",
        bench_report.SETTINGS_TEXT,
        "",
        "## This checkout" if before else "## Figures",
        "",
        *bench_report.table(after, sitting.sizes["after"]),
        "",
        "Worker RSS after the kept-parts runs (MB): "
        + ", ".join(f"{mb:.0f}" for mb in sitting.rss.get("after", [])),
    ]
    if before:
        lines += [
            "",
            "## Before and after, in one sitting",
            "",
            *bench_report.compare_table(before, after),
        ]
    lines += ["", "## Targets (issue #17)", "", *bench_report.checks(before, after)]
    lines += ["", "## Layers", "", "Requests/s of each page with every layer, without the "
              "page cache, and without kept parts too" + (", each as a share of before's page"
              " as served: a layer may go where the page without it stays at 85 % or more."
              if before else "."), "", *bench_report.layers_table(after, before)]  # fmt: skip
    lines += bench_varnish.render(varnish)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
