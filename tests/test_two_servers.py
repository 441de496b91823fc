"""Two app servers sharing one PostgreSQL and one Redis behave as one site.

Runs where DATABASE_URL names PostgreSQL and REDIS_URL is set (CI does both): two
gunicorn processes on different ports, pointed at this test's database and cache.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from articles import moderation
from articles.models import Article, Comment

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not (
            os.environ.get("DATABASE_URL", "").startswith("postgres")
            and os.environ.get("REDIS_URL")
        ),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as CI has",
    ),
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers():
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{urllib.parse.quote(db['PASSWORD'])}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.CACHES["default"]["LOCATION"],  # this worker's Redis database
        "DJANGO_DEBUG": "true",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    servers, urls = [], []
    for _ in range(2):
        port = _free_port()
        servers.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "magazine.wsgi",
                    "-c",
                    "gunicorn.conf.py",
                ],
                cwd=ROOT,
                env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            for _ in range(150):
                try:
                    urllib.request.urlopen(url + "/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def _reader():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def _get(opener, url):
    with opener.open(url, timeout=10) as response:
        return response.read().decode()


def test_a_vote_on_one_server_shows_on_the_other_at_once(two_servers, seed_article):
    server_a, server_b = two_servers
    path = seed_article.get_absolute_url()
    assert "0 votes" in _get(_reader(), server_b + path)
    assert "0 votes" in _get(_reader(), server_b + path)  # now from server B's page cache

    voter = _reader()
    _get(voter, server_a + path)
    form = urllib.parse.urlencode({"score": 4}).encode()
    # As a browser sends it: the shared page carries no token, fetch metadata stands for it.
    headers = {"Referer": server_a + path, "Sec-Fetch-Site": "same-origin"}
    request = urllib.request.Request(
        f"{server_a}/ratings/{seed_article.pk}/", data=form, headers=headers
    )
    voter.open(request, timeout=10).read()

    assert "1 vote" in _get(_reader(), server_b + path)


def test_an_approved_comment_shows_on_both_servers_at_once(two_servers, seed_article):
    server_a = two_servers[0]
    path = seed_article.get_absolute_url()
    for server in two_servers:
        _get(_reader(), server + path)
    comment = Comment(article=seed_article, name="Ola", email="ola@example.com", body="Seen twice.")
    moderation.post(comment)
    assert "Seen twice." not in _get(_reader(), server_a + path)  # held for moderation
    moderation.approve(Comment.objects.filter(pk=comment.pk))
    for server in two_servers:
        assert "Seen twice." in _get(_reader(), server + path)
    assert Article.objects.get(pk=seed_article.pk).comment_count == 1
