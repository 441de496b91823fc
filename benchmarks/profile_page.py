"""
Where an uncached page's time goes: renders it in-process (DEBUG off, page cache off)
on the database `make bench` leaves behind, and prints the mean time per request
of the article view's parts and of each template (its own time, without what it
includes), then cProfile's top functions. Markup is kept as in production (see
articles/fragments.py); `MAGAZINE_KEEP_FRAGMENTS=false` profiles a render from scratch.

    python benchmarks/profile_page.py [path] [--requests 200]
"""

import argparse
import collections
import cProfile
import functools
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="magazine.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="profile-only-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        MAGAZINE_PAGE_CACHE_SECONDS="0",
        DJANGO_CACHE_DIR=tempfile.mkdtemp(prefix="profile-cache-"),
    )
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'benchmarks' / 'bench.sqlite3'}")
    import django

    django.setup()


def timed(totals, owner, name, label):
    """Wrap owner.name so that its calls add their time to totals[label]."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def time_templates(totals):
    """Each template's own rendering time: what it includes is counted there."""
    from django.template import base

    original, stack = base.Template._render, []

    def render(self, context):
        started = time.perf_counter()
        stack.append(0.0)
        try:
            return original(self, context)
        finally:
            elapsed, inner = time.perf_counter() - started, stack.pop()
            totals[f"template {self.name}"] += elapsed - inner
            if stack:
                stack[-1] += elapsed

    base.Template._render = render


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=SEED_PATH)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    setup()

    from django.core.handlers.base import BaseHandler
    from django.template.response import SimpleTemplateResponse
    from django.test import Client

    from articles import fragments, inline
    from articles.views import comments, reading

    totals = collections.Counter()
    for owner, name, label in [
        (BaseHandler, "get_response", "whole request"),
        (SimpleTemplateResponse, "render", "templates"),
        (reading.ArticleDetailView, "get_object", "view: the article lookup"),
        (reading.ArticleDetailView, "get_context_data", "view: context"),
        (comments, "load_threads", "  comment threads"),
        (fragments, "comment_items", "  comment markup"),
        (inline, "passages", "  body passages"),
    ]:
        timed(totals, owner, name, label)
    time_templates(totals)

    client = Client()
    for _ in range(20):  # warm caches and the comment markup
        response = client.get(args.path)
    assert response.status_code == 200, response.status_code
    totals.clear()
    for _ in range(args.requests):
        client.get(args.path)
    print(f"{args.path}: {len(response.content):,} bytes, mean of {args.requests} requests")
    for label, seconds in totals.most_common(20):
        print(f"{seconds / args.requests * 1000:8.2f} ms  {label}")

    profile = cProfile.Profile()
    profile.runcall(lambda: [client.get(args.path) for _ in range(50)])
    pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
