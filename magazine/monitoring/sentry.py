"""
Error reports to Sentry (or a self-hosted Sentry or GlitchTip, which take the same DSN),
switched on by SENTRY_DSN alone. Called from settings, before Django loads.

Readers' privacy first: no cookies, user ids or addresses (`send_default_pii=False`),
and no local variables (a view's locals hold what a reader typed) unless
SENTRY_LOCAL_VARIABLES is on. Addresses can be secret links (a writer's
/story/<token>/, a reader's unsubscribe and manage links) and queries hold what readers
searched for, so every event says the URL pattern instead of the path, query values are
left out, and so is the Referer; wherever else the path or query shows up (breadcrumbs,
log messages, the transaction's name) it is replaced the same way, as the admins' error
mail does (errors.py).
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sentry_sdk
from django.urls import Resolver404, resolve
from sentry_sdk.integrations.django import DjangoIntegration

FILTERED = "[Filtered]"
DROPPED_HEADERS = {"referer", "cookie", "authorization", "x-forwarded-for"}


def init_sentry(dsn, *, environment, release, traces_sample_rate, local_variables):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=local_variables,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration()],
        before_send=scrub_event,
        before_send_transaction=scrub_event,
    )


def url_pattern(path):
    """ "/story/<slug:token>/" for "/story/Ab12.../": what a path is, without its values."""
    try:
        match = resolve(path)
    except Resolver404:
        return "<unmatched>"
    except Exception:
        return "<unresolved>"
    return "/" + (match.route or "")


def scrub_event(event, hint=None):
    """The event with the request's path, query values and Referer taken out everywhere."""
    request = event.get("request") or {}
    replacements = {}
    if url := request.get("url"):
        parts = urlsplit(url)
        pattern = url_pattern(parts.path)
        request["url"] = urlunsplit((parts.scheme, parts.netloc, pattern, "", ""))
        if pattern != parts.path:
            replacements[parts.path] = pattern
    if (query := request.get("query_string")) and isinstance(query, str):
        names = parse_qsl(query, keep_blank_values=True)
        request["query_string"] = urlencode([(name, FILTERED) for name, _ in names])
        replacements[query] = request["query_string"]
    if isinstance(headers := request.get("headers"), dict):
        request["headers"] = {
            name: value for name, value in headers.items() if name.lower() not in DROPPED_HEADERS
        }
    return _replace(event, replacements) if replacements else event


def _replace(value, replacements):
    """`value` with each key of `replacements` replaced in its strings (breadcrumbs, log
    messages, the transaction's name, exception messages)."""
    if isinstance(value, str):
        for secret, instead in replacements.items():
            value = value.replace(secret, instead)
        return value
    if isinstance(value, dict):
        # Source lines and file names of the stack are code, not the request.
        return {
            key: item if key == "stacktrace" else _replace(item, replacements)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_replace(item, replacements) for item in value]
    return value
