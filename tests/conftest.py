import os
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from articles import two_factor
from articles.models import Article

from .factories import give_totp_device

# Generated-input tests: thorough by default, bounded in CI so the suite stays fast.
hypothesis_settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.register_profile(
    "dev",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, captured mail, throwaway media: no test touches real files or mail."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # Background tasks run at once, as in development, whatever DJANGO_DEBUG says.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    # Pages render afresh in tests; tests/test_pagecache.py turns the page cache on.
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    # Kept markup is invalidated on commit, which most tests never reach; the tests of
    # tests/test_fragments.py and the browser tests (which commit) turn it on.
    settings.MAGAZINE_KEEP_FRAGMENTS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        # One Redis database per xdist worker: clearing the cache must not clear another's.
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
        url = urlsplit(settings.CACHES["default"]["LOCATION"])
        location = urlunsplit(url._replace(path=f"/{worker + 1}"))
        settings.CACHES = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "LOCATION": location},
        }


@pytest.fixture(autouse=True)
def _empty_cache(_test_settings):
    """Cached category paths and settings must not outlive the test that made them."""
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """`client.force_login(user)` signs in as if through both sign-in steps: staff who
    must use two-factor sign-in get an app if they have none, and the session is marked
    verified with it. Tests of the steps themselves sign in through the real forms."""
    force_login = ClientMixin.force_login

    def force_login_with_code(self, user, backend=None):
        force_login(self, user, backend)
        device = next(devices_for_user(user), None)
        if device is None and two_factor.must_enrol(user):
            device = give_totp_device(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login_with_code)


@pytest.fixture
def one_rate_limit_window(monkeypatch):
    """Stop the clock, so that all of a test's attempts fall in one rate-limit window."""
    frozen = time.time()
    monkeypatch.setattr(time, "time", lambda: frozen)


@pytest.fixture
def seed_article(db):
    """The Belarus–Russia summit story, loaded by the data migration."""
    return Article.objects.get(
        slug="belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure"
    )
