"""/metrics: what Prometheus scrapes, and who may scrape it."""

import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from articles.models import Comment
from articles.tasks import queue_email

from .factories import CommentFactory, SubmissionFactory
from .servers import SEED_PATH, gunicorn, manage, migrate, production_env, request


def scrape(client, **headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    return response.content.decode()


def sample(text, name, **labels):
    """The value of one sample of a scrape (0 when it is not there yet)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0


@pytest.mark.django_db
def test_metrics_count_a_request_by_its_view_not_its_address(client):
    home = {"view": "articles:home", "method": "GET", "status": "200"}
    before = scrape(client)
    client.get("/")
    client.get("/no-such-page-12345/")
    after = scrape(client)
    assert sample(after, "magazine_http_requests_total", **home) == (
        sample(before, "magazine_http_requests_total", **home) + 1
    )
    unmatched = {"view": "<unmatched>", "status": "404"}
    assert sample(after, "magazine_http_requests_total", **unmatched) == (
        sample(before, "magazine_http_requests_total", **unmatched) + 1
    )
    assert "no-such-page-12345" not in after  # addresses never become labels
    assert sample(after, "magazine_http_request_duration_seconds_count", view="articles:home") >= 1
    assert "/metrics" not in after and "healthz" not in after  # scrapes and probes are not counted


@pytest.mark.django_db
def test_metrics_count_page_cache_hits_and_misses(client, seed_article):
    labels = {"view": "articles:detail"}
    before = scrape(client)
    client.get(SEED_PATH)
    assert client.get(SEED_PATH)["X-Page-Cache"] == "hit"
    after = scrape(client)
    for result in ("miss", "hit"):
        name = "magazine_page_cache_requests_total"
        assert sample(after, name, result=result, **labels) == (
            sample(before, name, result=result, **labels) + 1
        )


@pytest.mark.django_db
def test_metrics_count_an_outbox_mail_held_comments_and_waiting_submissions(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    before = scrape(client)
    assert sample(before, "magazine_site_figures_up") == 1
    queue_email("reader@example.com", "Confirm your subscription", "Please confirm.")
    CommentFactory(status=Comment.Status.PENDING)
    SubmissionFactory()
    after = scrape(client)
    queued = {"status": "queued"}
    assert sample(after, "magazine_outbox_mails", **queued) == (
        sample(before, "magazine_outbox_mails", **queued) + 1
    )
    assert sample(after, "magazine_comments_held") == sample(before, "magazine_comments_held") + 1
    assert sample(after, "magazine_submissions_waiting") == (
        sample(before, "magazine_submissions_waiting") + 1
    )
    assert sample(after, "magazine_outbox_oldest_due_seconds") >= 0
    assert 'magazine_outbox_mails{status="failed"} 0.0' in after


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("configured", "request_headers", "allowed"),
    [
        ({}, {"REMOTE_ADDR": "127.0.0.1"}, True),
        ({}, {"REMOTE_ADDR": "::1"}, True),
        ({}, {"REMOTE_ADDR": "203.0.113.9"}, False),
        ({"MAGAZINE_METRICS_ALLOW": ["10.1.0.0/16"]}, {"REMOTE_ADDR": "10.1.7.3"}, True),
        ({"MAGAZINE_METRICS_ALLOW": ["10.1.0.0/16"]}, {"REMOTE_ADDR": "127.0.0.1"}, False),
        # A proxy nobody declared relays everyone from 127.0.0.1.
        ({}, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, False),
        (
            {"MAGAZINE_TRUSTED_PROXIES": 1},
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
            False,
        ),
        (
            {"MAGAZINE_TRUSTED_PROXIES": 1, "MAGAZINE_METRICS_ALLOW": ["192.0.2.10"]},
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.10"},
            True,
        ),
        (
            {"MAGAZINE_METRICS_TOKEN": "s3cret-token-" + "x" * 20},
            {"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer s3cret-token-" + "x" * 20},
            True,
        ),
        (
            {"MAGAZINE_METRICS_TOKEN": "s3cret-token-" + "x" * 20},
            {"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer wrong"},
            False,
        ),
        # No token configured: an empty bearer token opens nothing.
        ({}, {"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer "}, False),
    ],
)
def test_metrics_answer_only_configured_addresses_or_the_token(
    client, settings, configured, request_headers, allowed
):
    for name, value in configured.items():
        setattr(settings, name, value)
    response = client.get("/metrics", **request_headers)
    if allowed:
        assert response.status_code == 200
        assert b"magazine_outbox_mails" in response.content
        assert response["Cache-Control"] == "no-store"
    else:
        # The site's own "not found", as for any address it does not have.
        assert response.status_code == 404
        assert b"magazine_" not in response.content


def test_metrics_add_up_every_gunicorn_worker_even_recycled_ones(tmp_path):
    """Three workers, each replaced after 7 requests: the scrape still counts each request
    once, and the folder keeps a bounded number of files."""
    metrics_dir = tmp_path / "metrics"
    env = production_env(
        tmp_path,
        workers=3,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        GUNICORN_MAX_REQUESTS="7",
        GUNICORN_MAX_REQUESTS_JITTER="0",
    )
    migrate(env)
    with gunicorn(env) as port:
        for _ in range(60):
            assert request(port, "GET", "/feed/")[0] == 200
        _, _, text = request(port, "GET", "/metrics")
        files = sorted(path.name for path in Path(metrics_dir).glob("*.db"))
    counted = sample(
        text, "magazine_http_requests_total", view="articles:feed", method="GET", status="200"
    )
    assert counted == 60
    assert "counter_archive.db" in files  # recycled workers' counts, folded
    pids = {re.sub(r"^\w+?_(\d+)\.db$", r"\1", name) for name in files if "archive" not in name}
    assert len(pids) <= 4, files  # the live workers (and the master), not every one that ran


def test_refused_metrics_requests_stay_in_the_access_log(tmp_path):
    """Answered scrapes and probes are left out; someone knocking at /metrics is not."""
    log = tmp_path / "access.log"
    env = production_env(tmp_path, workers=1, GUNICORN_ACCESS_LOG=str(log))
    migrate(env)
    manage(env, "collectstatic", "--noinput", "-v0")  # the site's 404 page needs them
    with gunicorn(env) as port:
        assert request(port, "GET", "/metrics")[0] == 200
        refused = request(port, "GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert refused[0] == 404  # the site's own, as for any address it lacks
        request(port, "POST", "/readyz")
        assert request(port, "GET", "/readyz")[0] == 200
    logged = log.read_text()
    assert logged.count('"GET /metrics HTTP/1.1" 404') == 1, logged
    assert '"GET /metrics HTTP/1.1" 200' not in logged
    assert '"POST /readyz HTTP/1.1"' in logged
    assert '"GET /readyz' not in logged
