"""/healthz and /readyz, as a load balancer and an operator's monitor use them."""

import json
import logging
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.utils import timezone

from articles.models import OutgoingMail
from articles.tasks import queue_email
from magazine.monitoring import health, worker
from magazine.monitoring.models import WorkerHeartbeat

from .servers import gunicorn, manage, migrate, production_env, request

DATABASE_WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_checks(monkeypatch):
    """Each test sees its own cache and media folder, not the last test's (readyz keeps
    the answer of its write checks for a second)."""
    monkeypatch.setattr(health, "_recent_writes", {})


@pytest.fixture
def database_down(monkeypatch):
    """The database refuses connections, as a stopped PostgreSQL server does."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)


def readyz_json(client, path="/readyz"):
    response = client.get(path, HTTP_ACCEPT="application/json")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_healthz_answers_without_the_database(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_is_ready_when_every_part_works(client):
    status, body = readyz_json(client)
    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "migrations", "media", "mail worker"}


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_is_unavailable(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    text = response.content.decode()
    assert text.startswith("unavailable: database\n")
    assert "database: OperationalError: connection refused" in text
    status, body = readyz_json(client)
    assert status == 503
    assert body["failed"] == ["database"]
    assert body["checks"]["migrations"] == "not checked: the database is unavailable"


@pytest.mark.django_db
def test_readyz_names_the_cache_when_it_is_unavailable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(caches["default"], "set", refuse)
    status, body = readyz_json(client)
    assert status == 503
    assert body["failed"] == ["cache"]
    assert "Connection refused" in body["checks"]["cache"]


@pytest.mark.django_db
def test_readyz_names_the_media_folder_when_uploads_cannot_be_written(client, settings, tmp_path):
    not_a_folder = tmp_path / "media-is-a-file"
    not_a_folder.write_text("")
    settings.MEDIA_ROOT = not_a_folder
    status, body = readyz_json(client)
    assert status == 503
    assert body["failed"] == ["media"]


@pytest.mark.django_db
def test_a_page_cached_while_ready_does_not_hide_an_outage(client, database_down):
    """The home page may come from the page cache; /readyz never does."""
    assert client.get("/readyz").status_code == 503
    assert "X-Page-Cache" not in client.get("/readyz")


@pytest.mark.django_db
def test_probes_by_address_are_neither_redirected_nor_refused(client, settings):
    """A load balancer probes http://10.0.0.5:8000/readyz: no allowed host, no HTTPS."""
    settings.ALLOWED_HOSTS = ["magazine.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.MAGAZINE_CANONICAL_HOST_REDIRECT = True
    settings.MAGAZINE_SITE_URL = "https://magazine.example.com"
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400  # the site refuses
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.5:8000")
        assert response.status_code == 200, path
        # and by a name that the canonical host redirect would move
        assert client.get(path, HTTP_HOST="www.magazine.example.com").status_code == 200


@pytest.mark.django_db
def test_a_failing_probe_is_logged_once_not_on_every_request(client, database_down, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(5):
            assert client.get("/readyz").status_code == 503
    assert not [r for r in caplog.records if r.name == "django.request"]
    warnings = [r for r in caplog.records if r.name == "magazine.monitoring.views"]
    assert len(warnings) == 1
    assert "Not ready: database" in warnings[0].getMessage()


@pytest.mark.django_db
def test_readyz_says_when_the_mail_worker_stopped(client, settings):
    settings.TASKS = DATABASE_WORKER
    worker.beat("web-1:42", timezone.now(), now=timezone.now() - timedelta(minutes=20))
    status, body = readyz_json(client)
    assert status == 503
    assert body["failed"] == ["mail worker"]
    assert body["checks"]["mail worker"].startswith("the mail worker last ran at")
    # A load balancer leaves the separate worker out.
    assert client.get("/readyz?skip=mail-worker").status_code == 200

    worker.beat("web-1:42", timezone.now())
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_has_no_worker_to_watch_where_tasks_run_in_the_web_process(client, settings):
    settings.TASKS = {"default": {"BACKEND": "articles.task_backends.BackgroundThreadBackend"}}
    assert not WorkerHeartbeat.objects.exists()
    status, body = readyz_json(client)
    assert status == 200
    assert body["checks"]["mail worker"] == "ok"


def test_a_server_on_an_unmigrated_database_is_not_ready_until_migrate_runs(tmp_path):
    log = tmp_path / "access.log"
    env = production_env(tmp_path, workers=1, GUNICORN_ACCESS_LOG=str(log))
    with gunicorn(env) as port:
        status, _, body = request(port, "GET", "/readyz")
        assert status == 503
        assert body.startswith("unavailable: migrations")
        assert request(port, "GET", "/healthz")[0] == 200
        manage(env, "migrate", "--noinput")
        assert request(port, "GET", "/readyz")[0] == 200
        request(port, "GET", "/")
    logged = log.read_text()
    assert '"GET / HTTP/1.1"' in logged  # readers' requests are logged ...
    assert "/readyz" not in logged and "/healthz" not in logged  # ... probes are not


def test_the_access_log_keeps_only_the_start_of_a_preview_links_token(tmp_path):
    log = tmp_path / "access.log"
    env = production_env(tmp_path, workers=1, GUNICORN_ACCESS_LOG=str(log))
    migrate(env)
    with gunicorn(env) as port:
        request(port, "GET", "/preview/1/?token=opensthedraft1234567&x=1")
    logged = log.read_text()
    assert "/preview/1/?token=openst…&x=1" in logged
    assert "opensthedraft1234567" not in logged


def test_a_server_whose_database_cache_and_media_are_gone_says_so(tmp_path):
    media = tmp_path / "media"
    media.write_text("a file where the media folder should be")
    env = production_env(
        tmp_path,
        workers=1,
        DATABASE_URL=f"sqlite:///{tmp_path / 'no-such-folder' / 'site.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens there
        DJANGO_MEDIA_ROOT=str(media),
    )
    with gunicorn(env) as port:
        assert request(port, "GET", "/healthz")[0] == 200
        status, _, body = request(port, "GET", "/readyz", headers={"Accept": "application/json"})
    assert status == 503
    assert json.loads(body)["failed"] == ["database", "cache", "media"]


@pytest.mark.django_db
def test_alternating_probes_with_and_without_the_worker_log_each_change_once(
    client, settings, caplog
):
    """The README's setup: a load balancer on ?skip=mail-worker, a monitor on /readyz."""
    settings.TASKS = DATABASE_WORKER
    worker.beat("web-1:42", timezone.now(), now=timezone.now() - timedelta(minutes=20))
    with caplog.at_level(logging.INFO):
        for _ in range(4):
            assert client.get("/readyz?skip=mail-worker").status_code == 200
            assert client.get("/readyz").status_code == 503
    logged = [r.getMessage() for r in caplog.records if r.name == "magazine.monitoring.views"]
    assert len(logged) == 1, logged
    assert logged[0].startswith("Not ready: mail worker: the mail worker last ran at")


@pytest.mark.django_db
def test_readyz_tells_the_public_only_which_part_failed(client, database_down):
    """Hosts, ports and paths are for the log and for the addresses /metrics allows."""
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503
    text = response.content.decode()
    assert text.startswith("unavailable: database\n")
    assert "database: unavailable\n" in text and "cache: ok\n" in text
    assert "OperationalError" not in text and "refused" not in text
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT="application/json")
    body = json.loads(response.content)
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "unavailable"
    assert body["checks"]["migrations"] == "not checked"
    assert "refused" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_details_go_to_the_metrics_token_too(client, settings, database_down):
    settings.MAGAZINE_METRICS_TOKEN = "probe-token-" + "y" * 20
    response = client.get(
        "/readyz",
        REMOTE_ADDR="203.0.113.9",
        HTTP_AUTHORIZATION="Bearer probe-token-" + "y" * 20,
    )
    assert "database: OperationalError: connection refused" in response.content.decode()


@pytest.mark.django_db
def test_readyz_writes_to_the_cache_and_media_folder_at_most_once_a_second(
    client, settings, monkeypatch
):
    writes = []
    real_set = caches["default"].set
    monkeypatch.setattr(
        caches["default"], "set", lambda *a, **k: writes.append("cache") or real_set(*a, **k)
    )
    for _ in range(20):
        assert client.get("/readyz", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert writes == ["cache"]
    assert not list(settings.MEDIA_ROOT.glob(".readyz-*"))


@pytest.mark.django_db
def test_readyz_says_how_many_seconds_mail_has_waited_when_the_limit_is_short(client, settings):
    settings.TASKS = DATABASE_WORKER
    settings.MAGAZINE_MAIL_MAX_WAIT_SECONDS = 30
    worker.beat("web-1:42", timezone.now())
    queue_email("reader@example.com", "Confirm", "Please confirm.")
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=45))
    status, body = readyz_json(client)
    assert status == 503
    assert body["checks"]["mail worker"] == "a queued mail has waited 45 seconds"
