"""A stopped mail worker is noticed: the admin index says mail is not being sent."""

import contextlib
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import get_commands
from django.urls import reverse
from django.utils import timezone

from articles.models import OutgoingMail
from articles.tasks import queue_email
from magazine.monitoring import worker

from .factories import make_editor, make_writer
from .servers import ROOT, migrate, production_env

DATABASE_WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOTICE = "Mail is not being sent"


@pytest.fixture
def production_tasks(settings):
    """Tasks stored in the database for `db_worker`, as `make serve` runs them."""
    settings.TASKS = DATABASE_WORKER
    settings.TIME_ZONE = "Europe/Berlin"  # the newsroom's
    timezone.deactivate()


def admin_index(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_admin_says_when_the_worker_last_ran_and_stops_once_it_runs(client, production_tasks):
    editor = make_editor()
    last_ran = datetime(2025, 3, 3, 13, 2, tzinfo=UTC)  # 14:02 in Berlin
    worker.beat("mail-1:100", last_ran, now=last_ran)
    page = admin_index(client, editor)
    assert f"{NOTICE}: the worker last ran at 3 March 14:02." in page
    assert 'role="alert"' in page

    worker.beat("mail-1:100", last_ran)  # the worker runs again
    assert NOTICE not in admin_index(client, editor)


@pytest.mark.django_db
def test_today_the_notice_gives_the_time_alone(client, production_tasks):
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    worker.beat("mail-1:100", ten_minutes_ago, now=ten_minutes_ago)
    expected = f"the worker last ran at {timezone.localtime(ten_minutes_ago):%H:%M}."
    assert f"{NOTICE}: {expected}" in admin_index(client, make_editor())


@pytest.mark.django_db
def test_the_admin_says_when_no_worker_has_ever_run(client, production_tasks):
    queue_email("reader@example.com", "Confirm", "Please confirm.")
    page = admin_index(client, make_editor())
    assert f"{NOTICE}: the worker has never run." in page
    assert "1 mail waiting" in page


@pytest.mark.django_db
def test_a_running_worker_that_leaves_mail_waiting_is_noticed_too(
    client, production_tasks, settings
):
    worker.beat("mail-1:100", timezone.now())
    queue_email("reader@example.com", "Confirm", "Please confirm.")
    assert NOTICE not in admin_index(client, make_editor())
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=20))
    assert f"{NOTICE}: the oldest queued mail has waited since" in admin_index(
        client, make_editor()
    )


@pytest.mark.django_db
def test_no_notice_in_development_where_tasks_need_no_worker(client, settings):
    settings.TASKS = {"default": {"BACKEND": "articles.task_backends.BackgroundThreadBackend"}}
    queue_email("reader@example.com", "Confirm", "Please confirm.")
    assert NOTICE not in admin_index(client, make_editor())


@pytest.mark.django_db
def test_writers_are_not_told_about_the_outbox(client, production_tasks):
    assert NOTICE not in admin_index(client, make_writer())


def test_manage_db_worker_is_the_one_with_a_heartbeat():
    assert get_commands()["db_worker"] == "magazine.monitoring"


def beats(database):
    with contextlib.closing(sqlite3.connect(database)) as db:
        return db.execute("SELECT worker, beat_at FROM monitoring_workerheartbeat").fetchall()


def test_the_worker_records_its_heartbeat_while_it_runs(tmp_path):
    env = production_env(
        tmp_path, workers=1, TASKS_BACKEND="database", MAGAZINE_WORKER_HEARTBEAT_SECONDS="1"
    )
    database = tmp_path / "site.sqlite3"
    migrate(env)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = set()
        deadline = time.monotonic() + 30
        while len(seen) < 3 and time.monotonic() < deadline:  # a first beat, then renewed
            seen.update(beat_at for _, beat_at in beats(database))
            time.sleep(0.3)
        assert len(seen) >= 3, "the heartbeat was not renewed"
        assert len({name for name, _ in beats(database)}) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
