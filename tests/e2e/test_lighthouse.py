"""Lighthouse on a phone: accessibility, best practices and SEO at 95 or more on the home
page and the story (performance is a figure, `make lighthouse`, not a timed test)."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import lighthouse

if not lighthouse.LIGHTHOUSE.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Lighthouse: run `npm ci` (see .ci/run).")
    pytest.skip("Lighthouse is not installed: run `npm ci`", allow_module_level=True)

HELD = ("accessibility", "best-practices", "seo")


@pytest.fixture(scope="module")
def reports():
    with lighthouse.seeded_site() as base:
        yield {name: lighthouse.audit(base + path) for name, path in lighthouse.PAGES.items()}


@pytest.mark.parametrize("page", lighthouse.PAGES)
@pytest.mark.parametrize("category", HELD)
def test_lighthouse_scores_the_page_95_or_more_on_a_phone(reports, page, category):
    report = reports[page]
    assert lighthouse.scores(report)[category] >= 95, lighthouse.shortfalls(report, category)
