"""
Shared fixtures. The suite runs the site as `make serve` does: the page cache (600 s)
and kept markup on, and `transaction.on_commit()` callbacks run when the data they
follow is committed, so a change invalidates cached pages as it does in production.

Why on-commit callbacks are run the way `_on_commit_as_in_production` runs them: a
`db` test runs inside two atomic blocks of Django's TestCase, which never commit, so
without help invalidation (articles/pagecache.py) and mail never run. pytest-django's
`django_capture_on_commit_callbacks(execute=True)` runs them only when its context
exits: wrapped around a whole test, a change and the next request for the page would
both happen before the callback, and the test would read the stale page that production
never serves. Transactional tests commit for real but are slow. So the callbacks are run
as if the test's own blocks were not there: at once outside the code's atomic blocks
(autocommit, as in production), else when the code's outermost atomic block exits
without an error; a rolled-back block drops its callbacks, as Django does. The same
moment a committing request in production runs them, whatever the test does next.
A test that captures callbacks itself (`django_capture_on_commit_callbacks`) decides
when they run, as pytest-django documents.

Tests that need the caches off say why: `@pytest.mark.caches_off(reason="...")`.
"""

import logging
import os
import time
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from articles import shared_values, two_factor
from articles.models import Article

from .factories import give_totp_device

# Generated-input tests: 50 examples on a laptop. CI runs them 100 times on SQLite (the
# pass with coverage), then 25 on PostgreSQL (HYPOTHESIS_PROFILE=ci-database in .ci/run),
# which replays them for what that database does differently (NUL, locks, collation):
# at 200 on both they were a third of the suite's time, in a 41-minute CI run.
for name, examples in {"dev": 50, "ci": 100, "ci-database": 25}.items():
    hypothesis_settings.register_profile(
        name,
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


# pytest-django runs the tests that use the database inside a transaction first, then
# the transactional ones, each of which ends by emptying the database (as Django's own
# runner orders them). A scheduler that reorders them (xdist's worksteal, which failed a
# CI run) leaves the later tests no seed story, groups or content types: say so plainly.
_emptied_by = None


def _database_use(item):
    """How pytest-django orders the test: "transactional", "transaction" or None."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or (
        fixtures & {"transactional_db", "live_server"}
    ):
        return "transactional"
    return "transaction" if marker or "db" in fixtures else None


@pytest.fixture(autouse=True)
def _not_after_an_emptied_database(request):
    global _emptied_by
    use = _database_use(request.node)
    if use == "transaction" and _emptied_by:
        pytest.fail(
            f"runs after {_emptied_by} emptied the database in this process: "
            "keep pytest-django's order (xdist --dist load, not worksteal)"
        )
    yield
    if use == "transactional":
        _emptied_by = request.node.nodeid


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    """Fast hashing, captured mail, throwaway media: no test touches real files or mail.
    Caches as in production, unless the test is marked `caches_off` (with a reason)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # Background tasks run at once, as in development, whatever DJANGO_DEBUG says.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    # What `make serve` runs with, whatever the environment says.
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 600
    settings.MAGAZINE_KEEP_FRAGMENTS = True
    if marker := request.node.get_closest_marker("caches_off"):
        if not marker.kwargs.get("reason"):
            raise pytest.UsageError(f"{request.node.nodeid}: caches_off needs a reason=")
        settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
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
    shared_values.forget_in_process()
    yield
    for each in caches.all():
        each.clear()
    shared_values.forget_in_process()


class _OnCommit:
    """Whether a test's own capture of on-commit callbacks is under way."""

    capturing = 0


def _outside_the_codes_blocks(connection):
    """Whether only the test's own atomic blocks are open: production would autocommit."""
    return all(block._from_testcase for block in connection.atomic_blocks)


def _run(callbacks):
    for _, func, robust in callbacks:
        if robust:
            try:
                func()
            except Exception:
                # As Django runs a robust callback: logged, not raised.
                logging.getLogger("django.db.backends.base").exception("on_commit: %s", func)
        else:
            func()


@pytest.fixture(autouse=True)
def _on_commit_as_in_production(monkeypatch):
    """`transaction.on_commit()` callbacks run when production would run them; see the
    module docstring for why."""
    on_commit = BaseDatabaseWrapper.on_commit
    atomic_exit = transaction.Atomic.__exit__

    def on_commit_at_commit(self, func, robust=False):
        if self.in_atomic_block and not _OnCommit.capturing and _outside_the_codes_blocks(self):
            if not callable(func):
                raise TypeError("on_commit()'s callback must be a callable.")
            _run([(None, func, robust)])
        else:
            on_commit(self, func, robust)

    def exit_and_commit(self, exc_type, exc_value, traceback):
        connection = transaction.get_connection(self.using)
        outermost = (
            not self._from_testcase
            and connection.in_atomic_block
            and all(block._from_testcase for block in connection.atomic_blocks[:-1])
        )
        committed = False
        try:
            atomic_exit(self, exc_type, exc_value, traceback)
            committed = exc_type is None and not connection.needs_rollback
        finally:
            if outermost and not _OnCommit.capturing and connection.in_atomic_block:
                pending, connection.run_on_commit = connection.run_on_commit, []
                if committed:
                    _run(pending)

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit_at_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_commit)


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's capture: callbacks wait for its context to exit (and run then with
    execute=True); captured callbacks never run again afterwards."""

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        connection = connections[using]
        start = len(connection.run_on_commit)
        _OnCommit.capturing += 1
        try:
            with django_capture_on_commit_callbacks(using=using, execute=execute) as callbacks:
                yield callbacks
        finally:
            _OnCommit.capturing -= 1
            del connection.run_on_commit[start:]

    return capture


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
    """Stop the clock, so that all of a test's attempts fall in one rate-limit window.

    It stops just after the next minute starts: every window (whole minutes) then has
    a minute or more to run. Redis expires its counters by its own clock, which goes on,
    and a window ending a second after the clock stopped lost its count mid-test.
    """
    frozen = (int(time.time()) // 60 + 1) * 60 + 1
    monkeypatch.setattr(time, "time", lambda: frozen)


@pytest.fixture
def seed_article(db):
    """The Belarus–Russia summit story, loaded by the data migration."""
    return Article.objects.get(
        slug="belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure"
    )


@pytest.fixture
def compiles(monkeypatch):
    """The models of the querysets compiled to SQL since the test began counting: a
    query compiled once per process compiles nothing on the next request."""
    count = []
    original = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        count.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return count
