"""The shared guards of public forms: reader tokens, rate limits, honeypot and timing."""

import pytest
from django import forms
from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory

from articles import antispam, ratelimit, readers
from articles.models.ratelimits import RateCounter

from .factories import UserFactory


class _Anonymous:
    is_authenticated = False


def _request(**meta):
    request = RequestFactory().post("/", **meta)
    request.user = _Anonymous()
    return request


def test_a_guest_gets_a_signed_token_cookie_only_when_acting():
    request = _request()
    assert readers.get_reader(request).token is None
    reader = readers.get_reader(request, create=True)
    assert reader.is_new and len(reader.token) >= 32
    response = readers.ReaderTokenMiddleware(lambda r: HttpResponse())(request)
    cookie = response.cookies[readers.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert reader.token not in reader.token_hash and len(reader.token_hash) == 64

    returning = _request(HTTP_COOKIE=f"{readers.COOKIE_NAME}={cookie.value}")
    assert readers.get_reader(returning, create=True).token == reader.token
    assert readers.get_reader(returning).key == reader.key


def test_a_forged_reader_cookie_is_ignored():
    request = _request(HTTP_COOKIE=f"{readers.COOKIE_NAME}=someone-elses-token")
    assert readers.get_reader(request).token is None


@pytest.mark.django_db
def test_a_signed_in_reader_is_their_account():
    request = _request()
    request.user = UserFactory()
    reader = readers.get_reader(request, create=True)
    assert reader.key == f"user:{request.user.pk}" and reader.token is None


def test_ip_addresses_are_only_kept_hashed(settings):
    request = _request(REMOTE_ADDR="203.0.113.7")
    assert "203.0.113.7" not in readers.client_ip_hash(request)
    settings.MAGAZINE_TRUSTED_PROXIES = 1
    proxied = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.2")
    assert readers.client_ip(proxied) == "198.51.100.2"  # the hop our proxy added


@pytest.mark.django_db  # without Redis the counters are rows (atomic under concurrency)
@pytest.mark.usefixtures("one_rate_limit_window")
def test_rate_limit_allows_up_to_the_limit_then_refuses():
    rule = ratelimit.Rule(limit=3, period=60)
    results = [ratelimit.allowed("test", [("ip-a", rule)]) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert ratelimit.allowed("test", [("ip-b", rule)])
    assert ratelimit.allowed("other-scope", [("ip-a", rule)])


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
    reason="needs Redis (REDIS_URL naming one; CI has it)",
)
@pytest.mark.django_db
@pytest.mark.usefixtures("one_rate_limit_window")
def test_with_redis_rate_limits_count_in_redis_and_write_no_database_rows():
    rule = ratelimit.Rule(limit=2, period=60)
    results = [ratelimit.allowed("test", [("ip-a", rule)]) for _ in range(3)]
    assert results == [True, True, False]
    assert not RateCounter.objects.exists()


class GuardedForm(antispam.SpamGuardMixin, forms.Form):
    text = forms.CharField()


def _started(seconds_ago, monkeypatch):
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - seconds_ago)
    token = signing.TimestampSigner(salt=antispam.TIMESTAMP_SALT).sign("form")
    monkeypatch.setattr(time, "time", real)
    return token


def test_a_form_sent_after_a_human_pause_passes(monkeypatch):
    form = GuardedForm({"text": "hello", "form_started": _started(10, monkeypatch)})
    assert form.is_valid()


@pytest.mark.parametrize(
    ("seconds_ago", "code"), [(0, "too_fast"), (3 * 3600, "stale")], ids=["fast", "stale"]
)
def test_too_fast_or_stale_forms_are_refused_with_the_text_kept(monkeypatch, seconds_ago, code):
    posted = _started(seconds_ago, monkeypatch)
    form = GuardedForm({"text": "my words", "form_started": posted})
    assert not form.is_valid()
    assert form.has_error("__all__", code)
    html = form.as_div()
    assert "my words" in html
    if code == "stale":
        assert posted not in html  # the re-shown form carries a fresh timestamp


def test_filled_honeypot_is_spam(monkeypatch):
    data = {"text": "buy", "website": "http://spam", "form_started": _started(10, monkeypatch)}
    form = GuardedForm(data)
    assert not form.is_valid() and form.is_spam


def test_a_forged_timestamp_is_refused():
    form = GuardedForm({"text": "x", "form_started": "form:forged:sig"})
    assert not form.is_valid() and form.has_error("__all__", "stale")
