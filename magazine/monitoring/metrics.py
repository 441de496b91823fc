"""
Prometheus metrics: what requests the site answers and how fast (counted in each
process), and figures read from the database at scrape time (outbox, moderation
queue, submissions, the mail worker), which are the same whichever process answers.

Requests are labelled by the view's URL name ("articles:detail"), never by the raw
path: one series per page type, however many articles and however many made-up
addresses scanners try ("<unmatched>").

Under gunicorn (several processes) counters live in PROMETHEUS_MULTIPROC_DIR, which
gunicorn.conf.py sets up (see multiprocess.py); under runserver, in memory.
"""

import os
import time

from django.db.models import Count
from django.urls import Resolver404, resolve
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from articles.models import Comment, OutgoingMail, Submission

from . import multiprocess, worker

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "<unmatched>"

REQUESTS = Counter(
    "magazine_http_requests",
    "Requests answered, by view, method and status.",
    ("view", "method", "status"),
)
LATENCY = Histogram(
    "magazine_http_request_duration_seconds",
    "Time from the first middleware to the response, by view.",
    ("view",),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter(
    "magazine_page_cache_requests",
    "Anonymous readers' page requests served from the page cache (hit) or rendered (miss).",
    ("view", "result"),
)


def view_label(request):
    """The URL name of the view that answered (or would have answered) `request`."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        # A page served from the page cache never reached URL resolution.
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return UNMATCHED
    return match.view_name or match.route or UNMATCHED


def observe(request, response, seconds):
    view = view_label(request)
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(view, method, str(response.status_code)).inc()
    LATENCY.labels(view).observe(seconds)
    if result := getattr(request, "page_cache_result", None):
        PAGE_CACHE.labels(view, result).inc()


class SiteFiguresCollector:
    """Figures from the database, read at each scrape (a few indexed counts)."""

    def collect(self):
        up = GaugeMetricFamily(
            "magazine_site_figures_up", "1 if the figures below could be read from the database."
        )
        try:
            figures = list(self._figures())
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from figures

    def _figures(self):
        now = time.time()
        by_status = dict(
            OutgoingMail.objects.order_by().values_list("status").annotate(n=Count("pk"))
        )
        outbox = GaugeMetricFamily(
            "magazine_outbox_mails",
            "Mails in the outbox, by status (failed: given up).",
            labels=("status",),
        )
        for status in OutgoingMail.Status.values:
            outbox.add_metric([status], by_status.get(status, 0))
        yield outbox
        status = worker.mail_status()
        yield GaugeMetricFamily(
            "magazine_outbox_oldest_due_seconds",
            "How long the oldest queued mail has been due (0: none waits).",
            value=status.waited_seconds,
        )
        yield GaugeMetricFamily(
            "magazine_comments_held",
            "Comments awaiting moderation.",
            value=Comment.objects.pending().count(),
        )
        yield GaugeMetricFamily(
            "magazine_submissions_waiting",
            "Stories received and not yet looked at by an editor.",
            value=Submission.objects.new().count(),
        )
        if status.expected:
            age = now - status.last_beat.timestamp() if status.last_beat else float("inf")
            yield GaugeMetricFamily(
                "magazine_mail_worker_heartbeat_age_seconds",
                "Seconds since the mail worker last showed it was alive (+Inf: never).",
                value=age,
            )


def exposition():
    """The text a scrape gets: this process's (or all gunicorn workers') counters, then
    the site's figures."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=path)
        with multiprocess.reading(path):
            counters = generate_latest(registry)
    else:
        counters = generate_latest(REGISTRY)
    figures = CollectorRegistry()
    figures.register(SiteFiguresCollector())
    return counters + generate_latest(figures)
