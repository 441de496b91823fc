import logging
import time

from . import metrics, views

logger = logging.getLogger(__name__)

PROBES = {"/healthz": views.healthz, "/readyz": views.readyz}
METRICS_PATH = "/metrics"


class OperationsMiddleware:
    """Answers the probes, and /metrics for those allowed, before any other middleware
    (first in MIDDLEWARE); /metrics asked by anyone else goes on to the site, which
    answers as for any address it does not have."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if probe := PROBES.get(request.path_info):
                return probe(request)
            if request.path_info == METRICS_PATH and views.metrics_allowed(request):
                return views.metrics_view(request)
        return self.get_response(request)


class RequestMetricsMiddleware:
    """Counts and times every request the site answers (second in MIDDLEWARE, so a page
    served from the page cache or a redirect counts too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        try:
            metrics.observe(request, response, time.perf_counter() - started)
        except Exception:
            logger.exception("Could not count a request in the metrics.")
        return response
