"""Rate limits hold under concurrent bursts, against real gunicorn workers.

Each burst is sent by threads released together by a barrier, so the requests reach
several worker processes at once. Counting and checking must be one atomic step for
the limit to hold exactly: on SQLite with the file cache (a fresh `make serve`), the
count is a database upsert; on PostgreSQL with Redis, an INCR. Each burst comes from
its own address (one trusted proxy, `X-Forwarded-For`), so the bursts do not share
the per-address limits.
"""

import datetime
import os
import re
import time
import urllib.parse
from dataclasses import dataclass

import psycopg
import pytest
import redis
from django.core.cache import caches
from django.http import HttpResponse
from django.test import override_settings

from articles import comments, readers, voting

from . import servers
from .servers import SECRET_KEY, SEED_PATH, cookie_pairs, form_fields

WORKERS = 4


@dataclass(frozen=True)
class Server:
    port: int
    env: dict

    def count(self, model, **filters):
        """How many rows of `model` the server's database holds."""
        code = f"from articles.models import {model}; print({model}.objects.filter(**{filters!r}).count())"
        return int(servers.manage(self.env, "shell", "-c", code).split()[-1])


POSTGRES_URL = os.environ.get("DATABASE_URL", "")


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    servers.manage(
        servers.production_env(root, 1, DJANGO_STATIC_ROOT=str(root)),
        "collectstatic",
        "--noinput",
        "-v0",
    )
    return root


@pytest.fixture(scope="module", params=["sqlite-file-cache", "postgres-redis"])
def server(request, tmp_path_factory, collected_static):
    """A production server with WORKERS workers, on SQLite or on PostgreSQL with Redis."""
    tmp_path = tmp_path_factory.mktemp("limits")
    env = servers.production_env(
        tmp_path, WORKERS, DJANGO_STATIC_ROOT=str(collected_static), MAGAZINE_TRUSTED_PROXIES="1"
    )
    drop = None
    if request.param == "postgres-redis":
        if not (POSTGRES_URL.startswith("postgres") and os.environ.get("REDIS_URL")):
            pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as CI has")
        env, drop = _own_postgres_and_redis(env)
    try:
        if drop:
            servers.manage(env, "migrate", "--noinput", "-v0")
        else:
            servers.migrate(env)
        with servers.gunicorn(env) as port:
            yield Server(port, env)
    finally:
        if drop:
            drop()


def _own_postgres_and_redis(env):
    """A database and a Redis database of this module's own (one per xdist worker)."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    url = urllib.parse.urlsplit(POSTGRES_URL)
    name = f"magazine_limits_{worker}"
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    redis_url = urllib.parse.urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{15 - worker}")
    redis.Redis.from_url(redis_url.geturl()).flushdb()
    env = env | {
        "DATABASE_URL": url._replace(path=f"/{name}").geturl(),
        "REDIS_URL": redis_url.geturl(),
    }

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return env, drop


def _reader_cookie(token):
    """A returning guest's cookie, signed as the server signs it."""
    with override_settings(SECRET_KEY=SECRET_KEY):
        response = HttpResponse()
        response.set_signed_cookie(readers.COOKIE_NAME, token, salt=readers.COOKIE_SALT)
        return f"{readers.COOKIE_NAME}={response.cookies[readers.COOKIE_NAME].value}"


def _visit(server, address, cookies=()):
    """A reader opens the article page: their cookies (CSRF added) and the page."""
    headers = {"X-Forwarded-For": address, "Cookie": "; ".join(cookies)}
    status, set_cookies, html = servers.request(server.port, "GET", SEED_PATH, headers=headers)
    assert status == 200
    return [*cookies, *cookie_pairs(set_cookies)], html


def _post(server, path, fields, address, cookies):
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": address,
        "Cookie": "; ".join(cookies),
        "Sec-Fetch-Site": "same-origin",  # as browsers send: the page carries no token
    }
    return servers.request(server.port, "POST", path, urllib.parse.urlencode(fields), headers)[0]


def _stamp(server, address):
    """The spam guard's stamp, as static/js/form-stamp.js fetches it (pages carry none)."""
    headers = {"X-Forwarded-For": address}
    return servers.request(server.port, "GET", "/forms/stamp/", headers=headers)[2]


def _rating_form(html):
    action = re.search(r'action="(/ratings/\d+/)"', html).group(1)
    return action, form_fields(html, action)


def test_a_burst_from_many_readers_on_one_address_gets_exactly_the_address_limit(server):
    address, limit = "203.0.113.10", voting.RATING_ADDRESS_LIMIT.limit
    visits = [_visit(server, address, [_reader_cookie(f"reader-{i}")]) for i in range(50)]
    action, _ = _rating_form(visits[0][1])
    servers.in_one_window(voting.RATING_ADDRESS_LIMIT.period, needed=8)
    statuses = servers.at_once(
        [
            lambda c=cookies, h=html: _post(
                server, action, _rating_form(h)[1] | {"score": 4}, address, c
            )
            for cookies, html in visits
        ]
    )
    assert statuses.count(302) == limit
    assert statuses.count(429) == 50 - limit
    assert server.count("ArticleRating", score=4) == limit
    assert f"{limit} votes" in _visit(server, "203.0.113.11")[1]


def test_a_burst_from_one_reader_gets_exactly_the_reader_limit(server):
    address, limit = "203.0.113.20", voting.RATING_READER_LIMIT.limit
    cookies, html = _visit(server, address, [_reader_cookie("one-busy-reader")])
    action, fields = _rating_form(html)
    servers.in_one_window(voting.RATING_READER_LIMIT.period, needed=8)
    statuses = servers.at_once(
        [
            lambda s=score: _post(server, action, fields | {"score": s}, address, cookies)
            for score in [1, 2, 3, 4, 5] * 10
        ]
    )
    assert statuses.count(302) == limit
    assert statuses.count(429) == 50 - limit


def test_a_burst_of_new_guests_on_one_address_stores_one_comment(server):
    address = "203.0.113.30"
    guests = [_visit(server, address) for _ in range(10)]
    action = re.search(r'action="(/comments/\d+/post/)"', guests[0][1]).group(1)
    posts = [
        (
            cookies,
            form_fields(html, action)
            | {
                "name": f"Guest {i}",
                "email": f"guest{i}@example.com",
                "body": f"Comment number {i} of the burst.",
                "form_started": _stamp(server, address),
            },
        )
        for i, (cookies, html) in enumerate(guests)
    ]
    time.sleep(3.2)  # the spam guard refuses forms sent within 3 s of being shown
    servers.in_one_window(comments.POST_RULES[0].period, needed=6)
    statuses = servers.at_once(
        [lambda c=cookies, f=form: _post(server, action, f, address, c) for cookies, form in posts]
    )
    assert statuses.count(302) == 1, statuses
    assert statuses.count(429) == 9, statuses
    assert server.count("Comment", body__endswith="of the burst.") == 1


def test_the_database_counter_counts_every_hit_once(db):
    """The counter behind the file and local-memory caches (what the bursts rely on)."""
    from articles.models import RateCounter

    expires = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=1)
    counts = [RateCounter.objects.count_hit("k", expires) for _ in range(5)]
    assert counts == [1, 2, 3, 4, 5]
    assert caches["default"].get("k") is None  # nothing of it lives in the cache
