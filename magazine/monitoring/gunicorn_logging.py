"""gunicorn's access log without the probes and scrapes: a load balancer asking every
few seconds would bury the readers' requests."""

from gunicorn.glogging import Logger

QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class ProbeQuietLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in QUIET_PATHS:
            return
        super().access(resp, req, environ, request_time)
