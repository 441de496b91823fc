"""Server errors reach someone: the admins by mail through the outbox (throttled), or Sentry."""

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import zlib

import pytest
from django.core import mail
from django.test import Client
from django.urls import include, path

from articles.models import OutgoingMail

from .servers import ROOT


def broken_view(request, token):
    raise ZeroDivisionError("the view divided by zero")


def other_broken_view(request):
    raise KeyError("no such thing")


def third_broken_view(request):
    raise LookupError("still nothing")


def fourth_broken_view(request):
    raise ValueError("not a value")


urlpatterns = [
    path("boom/<slug:token>/", broken_view, name="boom"),
    path("other/", other_broken_view, name="other"),
    path("third/", third_broken_view, name="third"),
    path("fourth/", fourth_broken_view, name="fourth"),
    path("story/<slug:token>/", broken_view, name="story"),
    path("", include("magazine.urls")),
]


@pytest.fixture
def admins(settings):
    settings.ADMINS = ["ops@example.com", "editor-in-chief@example.com"]
    settings.MAGAZINE_ERROR_MAIL_MINUTES = 15
    settings.MAGAZINE_ERROR_MAILS_PER_HOUR = 10


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def error_mails():
    return list(OutgoingMail.objects.filter(subject__contains="Server error").order_by("pk"))


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_server_error_is_mailed_to_each_admin_through_the_outbox(admins, visitor):
    visitor.cookies["sessionid"] = "a-session-secret"
    response = visitor.get(
        "/boom/reader-token-123/?email=ann@example.com", REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 500
    mails = error_mails()
    assert [m.to for m in mails] == ["ops@example.com", "editor-in-chief@example.com"]
    assert mails[0].subject == "[Open Magazine] Server error: ZeroDivisionError in boom"
    body = mails[0].body
    assert "Traceback" in body and "the view divided by zero" in body
    assert "GET /boom/<slug:token>/" in body
    for private in ("a-session-secret", "reader-token-123", "ann@example.com", "198.51.100.7"):
        assert private not in body
    assert [m.to for m in mail.outbox] == [["ops@example.com"], ["editor-in-chief@example.com"]]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_same_error_is_mailed_once_per_window_and_then_says_how_many_were_held(
    admins, settings, visitor, monkeypatch
):
    settings.ADMINS = ["ops@example.com"]
    # The window is the throttle key's expiry: in local memory, whose clock a test can move.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    for _ in range(5):
        visitor.get("/boom/a/")
    assert len(error_mails()) == 1
    visitor.get("/other/")  # another error is news
    assert len(error_mails()) == 2

    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    visitor.get("/boom/b/")
    mails = error_mails()
    assert len(mails) == 3
    assert "4 more like it since the last mail were not mailed." in mails[-1].body


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_error_mails_stop_at_the_hourly_cap(admins, settings, visitor):
    settings.ADMINS = ["ops@example.com"]
    settings.MAGAZINE_ERROR_MAILS_PER_HOUR = 2
    for url in ("/boom/a/", "/other/", "/third/"):
        assert visitor.get(url).status_code == 500
    assert len(error_mails()) == 2


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_errors_over_the_hourly_cap_are_counted_and_reported_in_the_next_mail(
    admins, settings, visitor, monkeypatch
):
    settings.ADMINS = ["ops@example.com"]
    settings.MAGAZINE_ERROR_MAILS_PER_HOUR = 2
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    for url in ("/boom/a/", "/other/", "/third/", "/fourth/", "/third/"):
        assert visitor.get(url).status_code == 500
    assert len(error_mails()) == 2

    later = time.time() + 61 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    visitor.get("/third/")
    mails = error_mails()
    assert len(mails) == 3
    assert "LookupError in third" in mails[-1].subject
    # /third/ twice and /fourth/ once were over the cap: none is lost.
    assert "2 more like it since the last mail were not mailed." in mails[-1].body
    assert "3 errors were not mailed: the hourly cap (2) was reached." in mails[-1].body


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_an_error_is_still_mailed_when_the_shared_cache_is_down(
    admins, visitor, monkeypatch, capsys
):
    """Redis stopped: the throttle falls back to this process's memory, the mail goes."""
    from django.core.cache.backends.redis import RedisCache

    from magazine.monitoring import errors

    monkeypatch.setattr(errors, "cache", RedisCache("redis://127.0.0.1:6399/0", {}))
    for _ in range(3):
        assert visitor.get("/boom/a/").status_code == 500
    assert [m.to for m in error_mails()] == ["ops@example.com", "editor-in-chief@example.com"]
    assert "Logging error" not in capsys.readouterr().err


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_failing_outbox_never_turns_an_error_page_into_a_crash(
    admins, visitor, monkeypatch, capsys
):
    def outbox_down(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr("articles.tasks.queue_email", outbox_down)
    response = visitor.get("/boom/a/")
    assert response.status_code == 500
    assert b"<html" in response.content.lower()  # the site's own error page
    assert "the database went away" in capsys.readouterr().err


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_no_error_mail_without_admins(settings, visitor):
    settings.ADMINS = []
    assert visitor.get("/boom/a/").status_code == 500
    assert not error_mails()


class _Ingest(http.server.BaseHTTPRequestHandler):
    """A stand-in for Sentry's ingest endpoint: keeps the envelopes it is sent."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        _Ingest.received.append(body.decode(errors="replace"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


SENTRY_SCRIPT = """
import django, logging, sentry_sdk
django.setup()
from django.core.wsgi import get_wsgi_application
from django.test import RequestFactory
from django.test.utils import override_settings
handlers = [type(h).__name__ for h in logging.getLogger("django.request").handlers]
# Through the WSGI application, as gunicorn calls it (the test client skips Sentry's
# WSGI middleware, and with it the request's address).
environ = RequestFactory().get(
    "/story/READERTOKEN123/?q=QUERYSECRET",
    HTTP_COOKIE="sessionid=a-session-secret",
    HTTP_REFERER="http://x/story/REFERERTOKEN/",
).environ
statuses = []
with override_settings(ROOT_URLCONF="tests.test_error_reports"):
    get_wsgi_application()(environ, lambda status, headers: statuses.append(status))
sentry_sdk.flush(5)
print(statuses[0].split()[0], handlers)
"""


def test_with_a_sentry_dsn_errors_go_to_sentry_without_personal_data(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Ingest.received.clear()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DJANGO_SETTINGS_MODULE": "magazine.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
        "SENTRY_ENVIRONMENT": "staging",
        "SENTRY_RELEASE": "open-magazine@1.2.3",
        "DJANGO_ADMINS": "ops@example.com",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", SENTRY_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "500 []"  # no admin mail beside Sentry
    events = [
        line for body in _Ingest.received for line in body.splitlines() if '"exception"' in line
    ]
    assert events, _Ingest.received
    event = json.loads(events[0])
    assert event["exception"]["values"][-1]["type"] == "ZeroDivisionError"
    assert event["environment"] == "staging" and event["release"] == "open-magazine@1.2.3"
    sent = "\n".join(_Ingest.received)
    for secret in ("a-session-secret", "READERTOKEN123", "QUERYSECRET", "REFERERTOKEN"):
        assert secret not in sent, secret
    assert event["request"]["url"].endswith("/story/<slug:token>/")
    assert "127.0.0.1" not in json.dumps(event.get("user", {}))
