"""`make serve` without Redis: gunicorn's workers on one machine behave as one site.

Each worker is its own process. With the production settings and no REDIS_URL they
share a file cache, so a vote taken by one worker invalidates the page every worker
keeps, at once. The server here runs on its own SQLite file, as a fresh install does.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"
WORKERS = 3


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port, method, path, body=None, headers=None):
    """One request on a new connection: gunicorn's sync workers take turns accepting."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def production_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "one-server-test-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "TASKS_BACKEND": "immediate",
        "MAIL_BACKEND": "console",
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "magazine.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                _request(port, "GET", "/")
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_vote_taken_by_one_worker_shows_from_every_worker_at_once(production_server):
    port = production_server
    # Every worker renders the article and keeps it in its page cache.
    pages = [_request(port, "GET", SEED_PATH) for _ in range(4 * WORKERS)]
    assert all(status == 200 and "0 votes" in html for status, _, html in pages)

    status, set_cookie, html = _request(port, "GET", SEED_PATH)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf_cookie = re.search(r"(__Host-csrftoken=[^;]+)", set_cookie).group(1)
    article_id = re.search(r'action="/ratings/(\d+)/"', html).group(1)
    status, _, _ = _request(
        port,
        "POST",
        f"/ratings/{article_id}/",
        body=urllib.parse.urlencode({"score": 4, "csrfmiddlewaretoken": token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf_cookie,
        },
    )
    assert status == 302

    pages = [_request(port, "GET", SEED_PATH)[2] for _ in range(4 * WORKERS)]
    assert all("1 vote" in html and "0 votes" not in html for html in pages)
