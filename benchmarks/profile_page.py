"""
Where an uncached page's time goes: renders it in-process (DEBUG off, page cache off)
on the database `make bench` leaves behind, and prints the CPU time per request (the
median of `--runs`), then the mean time per request of the view's parts and of each
template (its own time, without what it includes), then cProfile's top functions.
Markup is kept as in production (see articles/fragments.py);
`MAGAZINE_KEEP_FRAGMENTS=false` profiles a render from scratch.

`path` is an address, or `story` (the seed story, 200 comments with `make bench`'s
data), `20-comments` (the oldest published article with 20, as
`generate_demo --busy-article-comments 10` gives) or `home`.

    python benchmarks/profile_page.py [path] [--requests 200] [--runs 5] [--no-cprofile]
"""

import argparse
import collections
import cProfile
import functools
import os
import pstats
import statistics
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


def named_path(path):
    """The address of a named page of the benchmark's data."""
    if path == "story":
        return SEED_PATH
    if path == "home":
        return "/"
    if path == "20-comments":
        from articles.models import Article

        found = Article.objects.published().filter(comment_count=20).order_by("pk").first()
        if found is None:
            raise SystemExit(
                "No article with 20 comments: generate_demo --busy-article-comments 10"
            )
        return found.get_absolute_url()
    return path


def timed(totals, owner, name, label):
    """Wrap owner.name (when this checkout has it) so its calls add their time to totals[label]."""
    original = getattr(owner, name, None)
    if original is None:
        return

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def time_templates(totals):
    """Each template's (and partial's, macro's, block's) own rendering time: what it
    includes or calls is counted there. Django's templates (the admin's, the widgets')
    and the public pages' Jinja2 templates alike."""
    stack = []

    def timing(label, call):
        started = time.perf_counter()
        stack.append(0.0)
        try:
            return call()
        finally:
            elapsed, inner = time.perf_counter() - started, stack.pop()
            totals[f"template {label}"] += elapsed - inner
            if stack:
                stack[-1] += elapsed

    time_django_templates(timing)
    time_jinja2_templates(timing)


def time_django_templates(timing):
    from django.template import base

    def patch(cls, name_of):
        original = cls._render

        def render(self, context):
            return timing(name_of(self), lambda: original(self, context))

        cls._render = render

    patch(base.Template, lambda template: template.name)
    patch(base.PartialTemplate, lambda partial: f"{partial.origin.template_name}#{partial.name}")


def time_jinja2_templates(timing):
    """Jinja2 renders by generators: each step of one is timed, under its template's name
    (a block's under "name#block"); macros under "name#macro"."""
    from jinja2 import environment, runtime

    def timed_generator(label, function):
        def render(*args):
            steps = function(*args)
            while True:
                try:
                    chunk = timing(label, lambda: next(steps))
                except StopIteration:
                    return
                yield chunk

        return render

    original_get_template = environment.Environment.get_template

    def get_template(self, name, *args, **kwargs):
        template = original_get_template(self, name, *args, **kwargs)
        if not getattr(template, "_profiled", False):
            template.root_render_func = timed_generator(name, template.root_render_func)
            for block, function in template.blocks.items():
                template.blocks[block] = timed_generator(f"{name}#{block}", function)
            template._profiled = True
        return template

    environment.Environment.get_template = get_template
    original_invoke = runtime.Macro._invoke
    jinja2_dir = ROOT / "jinja2"

    @functools.cache
    def template_name(filename):
        """Worked out once per file: pathlib on every call was most of what was measured."""
        source = Path(filename)
        return source.relative_to(jinja2_dir) if source.is_relative_to(jinja2_dir) else source

    def invoke(self, arguments, autoescape):
        name = template_name(self._func.__code__.co_filename)
        return timing(f"{name}#{self.name}", lambda: original_invoke(self, arguments, autoescape))

    runtime.Macro._invoke = invoke


def view_parts():
    """(owner, attribute, label) of the view's parts, those this checkout has."""
    from django.core.handlers.base import BaseHandler
    from django.template.response import SimpleTemplateResponse

    from articles import fragments, inline
    from articles.views import comment_section, ratings, reading

    return [
        (BaseHandler, "get_response", "whole request"),
        (SimpleTemplateResponse, "render", "templates (the page's render)"),
        (reading.ArticleListMixin, "get_queryset", "view: the articles' query"),
        (reading.ArticleListMixin, "paginate_queryset", "view: the page of articles"),
        (reading.ArticleDetailView, "get_object", "view: the article lookup"),
        (reading.ArticleDetailView, "get_context_data", "view: context"),
        (reading.ArticleDetailView, "render_content", "  article content"),
        (reading.ArticleDetailView, "content_context", "    content context"),
        (inline, "passages", "      body passages"),
        (ratings, "_render_rating", "  rating"),
        (ratings, "_render_around", "  rating figures"),
        (ratings, "_render_form", "  rating form"),
        (comment_section, "_render_section", "  comment section"),
        (comment_section, "comment_section", "    comment threads (read model)"),
        (comment_section, "section_context", "    section context"),
        (fragments, "kept_comments", "    comment markup"),
    ]


def cpu_ms_per_request(client, path, requests):
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    return (time.process_time() - started) / requests * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default="story")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="CPU is the median of these runs.")
    parser.add_argument("--no-cprofile", action="store_true")
    args = parser.parse_args()
    setup()

    from django.test import Client

    path, client = named_path(args.path), Client()
    for _ in range(20):  # warm caches and the comment markup
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    runs = [cpu_ms_per_request(client, path, args.requests) for _ in range(args.runs)]
    keep = os.environ.get("MAGAZINE_KEEP_FRAGMENTS", "true")
    print(f"{path}: {len(response.content):,} bytes, MAGAZINE_KEEP_FRAGMENTS={keep}")
    print(
        f"CPU per request: {statistics.median(runs):.2f} ms, median of {args.runs} runs of "
        f"{args.requests} ({', '.join(f'{ms:.2f}' for ms in runs)})"
    )

    totals = collections.Counter()
    for owner, name, label in view_parts():
        timed(totals, owner, name, label)
    time_templates(totals)
    for _ in range(args.requests):
        client.get(path)
    print(f"\nWall time per request, mean of {args.requests}, parts nest (indented):")
    parts = [label for *_, label in view_parts()]
    for label in parts:
        if totals[label]:
            print(f"{totals[label] / args.requests * 1000:8.2f} ms  {label}")
    templates = [(label, s) for label, s in totals.most_common() if label not in parts]
    print("Templates, each one's own time:")
    for label, seconds in templates[:20]:
        print(f"{seconds / args.requests * 1000:8.2f} ms  {label}")

    if not args.no_cprofile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [client.get(path) for _ in range(50)])
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
