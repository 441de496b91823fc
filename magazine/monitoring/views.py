"""
/healthz, /readyz and /metrics. They are answered by `OperationsMiddleware`, before
any other middleware: no allowed-host check (a load balancer probes by address), no
HTTPS redirect, no session, no page cache, nothing written to the access log
(gunicorn_logging.py) or to Django's request log.
"""

import hmac
import ipaddress
import json
import logging

from django.conf import settings
from django.http import HttpResponse

from articles.readers import client_ip

from . import health, metrics

logger = logging.getLogger(__name__)

# The failed parts the last /readyz of this process found, for each set of skipped
# parts (a load balancer's ?skip=mail-worker and a monitor's /readyz take turns): a
# change is logged, once. Each gunicorn worker logs its own.
_last_failed = {}


def _response(content, status=200, content_type="text/plain; charset=utf-8"):
    response = HttpResponse(content, status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # A probe's 503 is its answer, not an error of the site's: Django does not log it.
    response._has_been_logged = True
    return response


def healthz(request):
    """The process is up and answers: nothing else is checked (no database)."""
    return _response("ok\n")


def readyz(request):
    """Database, cache, migrations, media folder and mail worker; 503 naming what failed.

    `?skip=mail-worker` leaves the mail worker out: a load balancer's probe should not
    take every web server out of service because the (separate) worker stopped. The
    reasons (hosts, paths, errors) go to the log, and to those allowed to read /metrics.
    """
    asked = {part.replace("-", " ") for part in request.GET.get("skip", "").split(",")}
    skip = frozenset(asked & health.CHECKS.keys())
    results = health.readiness(skip=skip)
    failed = health.failed_parts(results)
    _log_change(skip, failed, results)
    status = 503 if failed else 200
    if not metrics_allowed(request):
        results = {part: health.public_reason(reason) for part, reason in results.items()}
    checks = {part: reason or "ok" for part, reason in results.items()}
    if (
        "application/json" in request.headers.get("Accept", "")
        or request.GET.get("format") == "json"
    ):
        body = {"status": "unavailable" if failed else "ok", "failed": failed, "checks": checks}
        return _response(json.dumps(body, indent=2) + "\n", status, "application/json")
    lines = [f"unavailable: {', '.join(failed)}" if failed else "ok"]
    lines += [f"{part}: {reason}" for part, reason in checks.items()]
    return _response("\n".join(lines) + "\n", status)


def _log_change(skip, failed, results):
    if set(failed) == _last_failed.get(skip, set()):
        return
    if failed:
        logger.warning("Not ready: %s", "; ".join(f"{part}: {results[part]}" for part in failed))
    else:
        logger.info("Ready again.")
    _last_failed[skip] = set(failed)


def metrics_allowed(request):
    """A valid bearer token (MAGAZINE_METRICS_TOKEN), or a client address in
    MAGAZINE_METRICS_ALLOW."""
    token = settings.MAGAZINE_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if (
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    ):
        return True
    if not settings.MAGAZINE_TRUSTED_PROXIES and "x-forwarded-for" in request.headers:
        # Relayed by a proxy nobody declared: REMOTE_ADDR is the proxy, which may well be
        # 127.0.0.1, so the address tells nothing about who asks.
        return False
    try:
        address = ipaddress.ip_address(client_ip(request).strip("[]"))
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address in network for network in allowed_networks())


def allowed_networks():
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.MAGAZINE_METRICS_ALLOW]


def metrics_view(request):
    response = _response(
        metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8"
    )
    return response
