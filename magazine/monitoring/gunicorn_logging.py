"""gunicorn's access log without the probes and scrapes it answered: a load balancer
asking every few seconds would bury the readers' requests. What the site answered
instead (a refused /metrics, a POST to /readyz) is logged as any request is: someone
knocking at /metrics is worth seeing. A preview link's token is logged only by its first
characters: the log must not open a draft to whoever reads it."""

import re

from gunicorn.glogging import Logger

PROBE_PATHS = frozenset({"/healthz", "/readyz"})
METRICS_PATH = "/metrics"
SECRET_QUERY = re.compile(r"((?:^|[?&])token=)([^&\s]{0,6})[^&\s]*")


def answered_by_operations(environ, status_code):
    """Whether OperationsMiddleware answered: probes always (GET and HEAD), /metrics
    only for those allowed (others get the site's own 404)."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    path = environ.get("PATH_INFO")
    return path in PROBE_PATHS or (path == METRICS_PATH and status_code == 200)


class ProbeQuietLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if answered_by_operations(environ, getattr(resp, "status_code", None)):
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "q"):
            atoms[name] = SECRET_QUERY.sub(r"\1\2…", atoms[name])
        return atoms
