"""A mail server that accepts and never answers does not hold a reader's request."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from articles import task_backends
from articles.models import Comment, OutgoingMail

from .factories import started_token

BACKGROUND = "articles.task_backends.BackgroundThreadBackend"


@pytest.fixture
def silent_mail_server(settings):
    """SMTP, 10 s timeout, to a port whose kernel completes the handshake and nothing more."""
    server = socket.create_server(("127.0.0.1", 0))  # listening: connections are accepted
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": server.getsockname()[1],
                "use_tls": False,
                "timeout": 10,
            },
        }
    }
    yield server
    server.close()  # resets the waiting connection: the send fails now, not in 10 s
    assert task_backends.wait_for_tasks(timeout=15)


# The mail is enqueued when the request's transaction commits, so the test commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_silent_mail_server_leaves_comment_posting_under_a_second(
    client, settings, seed_article, silent_mail_server
):
    """A bound on blocking, not a speed figure: sending inside the request takes the
    10 s timeout, and nothing else in a comment post comes near a second."""
    settings.TASKS = {"default": {"BACKEND": BACKGROUND}}
    data = {
        "name": "Ann Reader",
        "email": "ann@example.com",
        "body": "A thoughtful remark.",
        "notify_replies": "on",  # a confirmation mail, queued in the request
        "form_started": started_token(10),
    }
    started = time.monotonic()
    response = client.post(reverse("articles:comment-post", args=[seed_article.pk]), data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 1, f"the request took {elapsed:.1f} s"
    assert Comment.objects.filter(article=seed_article, email="ann@example.com").exists()
    mail = OutgoingMail.objects.get(to="ann@example.com")
    assert mail.status in {OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING}


def test_development_runs_tasks_on_the_background_thread():
    """DEBUG on and no TASKS_BACKEND, as `make run` starts: the backend above."""
    env = {k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.TASKS))",
        ],
        cwd=django_settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "magazine.settings", "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["default"]["BACKEND"] == BACKGROUND
