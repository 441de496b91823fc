"""`make serve` without Redis: gunicorn's workers on one machine behave as one site.

Each worker is its own process. With the production settings and no REDIS_URL they
share a file cache, so a vote taken by one worker invalidates the page every worker
keeps, at once. The server here runs on its own SQLite file, as a fresh install does.
"""

import re
import urllib.parse

import pytest

from . import servers
from .servers import SEED_PATH

WORKERS = 3


@pytest.fixture
def production_server(tmp_path):
    env = servers.production_env(tmp_path, WORKERS)
    servers.migrate(env)
    servers.manage(env, "collectstatic", "--noinput", "-v0")
    with servers.gunicorn(env) as port:
        yield port


def test_a_vote_taken_by_one_worker_shows_from_every_worker_at_once(production_server):
    port = production_server
    # Every worker renders the article and keeps it in its page cache.
    pages = [servers.request(port, "GET", SEED_PATH) for _ in range(4 * WORKERS)]
    assert all(status == 200 and "0 votes" in html for status, _, html in pages)

    status, set_cookies, html = servers.request(port, "GET", SEED_PATH)
    assert not set_cookies  # a shared page: no CSRF cookie, no token
    article_id = re.search(r'action="/ratings/(\d+)/"', html).group(1)
    status, set_cookies, _ = servers.request(
        port,
        "POST",
        f"/ratings/{article_id}/",
        body=urllib.parse.urlencode({"score": 4}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Sec-Fetch-Site": "same-origin",  # as browsers send
        },
    )
    assert status == 302
    # A new guest's vote counts when their browser follows the redirect with its cookie.
    reader_cookie = next(c for c in servers.cookie_pairs(set_cookies) if c.startswith("reader="))
    status, _, _ = servers.request(
        port,
        "GET",
        f"/ratings/{article_id}/confirm/",
        headers={"Cookie": reader_cookie},
    )
    assert status == 302

    pages = [servers.request(port, "GET", SEED_PATH)[2] for _ in range(4 * WORKERS)]
    assert all("1 vote" in html and "0 votes" not in html for html in pages)
