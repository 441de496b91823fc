"""
Lighthouse (mobile preset) on the home page and the seed story, served by gunicorn
with the production settings on a database of their own.

`make lighthouse` prints each category's score per run and the median of three runs
(performance varies on a busy machine; the others should not). The browser test
`tests/e2e/test_lighthouse.py` runs it once per page and holds accessibility, best
practices and SEO at 95 or more.
"""

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import servers  # noqa: E402  (the test suite's gunicorn helpers)

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
PAGES = {"home": "/", "story": servers.SEED_PATH}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


@contextlib.contextmanager
def seeded_site():
    """A production server on a fresh database holding the seed story; yields its base URL."""
    with tempfile.TemporaryDirectory() as tmp:
        env = servers.production_env(Path(tmp), workers=2)
        servers.manage(env, "collectstatic", "--noinput", "-v0")
        servers.manage(env, "migrate", "--noinput", "-v0")
        with servers.gunicorn(env) as port:
            yield f"http://127.0.0.1:{port}"


def audit(url, attempts=2):
    """Lighthouse's report on `url`, as a dict. Tried twice: now and then its Chrome
    fails to start on a busy machine, which says nothing about the page."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            LIGHTHOUSE,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ]
        env = os.environ | {"CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        for _ in range(attempts):
            run = subprocess.run(command, env=env, capture_output=True, text=True)
            if run.returncode == 0:
                return json.loads(report.read_text())
        raise RuntimeError(f"Lighthouse failed {attempts} times on {url}: {run.stderr[-2000:]}")


def scores(report):
    """Each category's score out of 100."""
    return {name: round(c["score"] * 100) for name, c in report["categories"].items()}


def shortfalls(report, category):
    """The weighted audits of `category` that did not pass, with what Lighthouse says."""
    audits = report["audits"]
    return [
        f"{ref['id']}: {audits[ref['id']]['title']}"
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] and audits[ref["id"]]["score"] not in (None, 1)
    ]


def main(runs=3):
    with seeded_site() as base:
        for name, path in PAGES.items():
            figures = {category: [] for category in CATEGORIES}
            for run in range(1, runs + 1):
                report = audit(base + path)
                for category, score in scores(report).items():
                    figures[category].append(score)
                print(f"{name} run {run}: {scores(report)}", flush=True)
            medians = {c: statistics.median(v) for c, v in figures.items()}
            print(f"{name} median of {runs}: {medians}")


if __name__ == "__main__":
    main()
