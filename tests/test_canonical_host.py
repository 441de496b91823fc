"""One canonical host: the site's other names move to MAGAZINE_SITE_URL's, and where several
names must serve, each keeps its own cached pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Comment

from .factories import started_token
from .helpers import settings_from_environment

pytestmark = pytest.mark.django_db

APEX = "magazine.example.com"
WWW = "www.magazine.example.com"


@pytest.fixture(autouse=True)
def _two_host_names(settings):
    settings.ALLOWED_HOSTS = [APEX, WWW, "10.0.0.5"]
    settings.MAGAZINE_SITE_URL = f"https://{APEX}"
    settings.MAGAZINE_CANONICAL_HOST_REDIRECT = True


def _client(host):
    return Client(headers={"host": host})


def _canonical_link(response):
    return re.search(r'<link rel="canonical" href="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_page_asked_for_by_another_name_moves_to_the_canonical_host(method, seed_article):
    for path in ("/", seed_article.get_absolute_url() + "?sort=oldest", "/search/?q=caf%C3%A9"):
        response = getattr(_client(WWW), method)(path)
        assert response.status_code == 301
        assert response["Location"] == f"https://{APEX}{path}"


def test_the_canonical_page_is_cached_once_and_never_served_to_another_name(seed_article):
    url = seed_article.get_absolute_url()
    _client(APEX).get(url)
    cached = _client(APEX).get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert _canonical_link(cached) == f"http://{APEX}{url}"
    other = _client(WWW).get(url)
    assert other.status_code == 301
    assert "X-Page-Cache" not in other


def test_with_the_redirect_off_each_name_keeps_its_own_page_and_links(settings, seed_article):
    settings.MAGAZINE_CANONICAL_HOST_REDIRECT = False
    url = seed_article.get_absolute_url()
    _client(APEX).get(url)
    assert _client(APEX).get(url)["X-Page-Cache"] == "hit"
    www = _client(WWW).get(url)
    assert www.status_code == 200
    assert "X-Page-Cache" not in www
    assert _canonical_link(www) == f"http://{WWW}{url}"
    assert f"//{APEX}/" not in www.content.decode()
    again = _client(WWW).get(url)
    assert again["X-Page-Cache"] == "hit"
    assert _canonical_link(again) == f"http://{WWW}{url}"
    assert _canonical_link(_client(APEX).get(url)) == f"http://{APEX}{url}"


def test_a_comment_posted_to_another_name_is_kept_not_bounced(seed_article):
    """A tab opened on the other name before the move still posts: a 301 would turn the POST
    into a GET and drop what the reader typed."""
    assert _client(WWW).get(seed_article.get_absolute_url()).status_code == 301
    response = _client(WWW).post(
        reverse("articles:comment-post", args=[seed_article.pk]),
        {
            "name": "Ann Reader",
            "email": "ann@example.com",
            "body": "Posted from an old tab.",
            "form_started": started_token(),
        },
    )
    assert response.status_code == 302
    assert Comment.objects.filter(article=seed_article, body="Posted from an old tab.").exists()
    # Back to the article page, which then moves to the canonical host.
    assert _client(WWW).get(response["Location"]).status_code == 301


def test_a_probe_by_address_or_a_site_named_elsewhere_is_served_where_it_asked(settings):
    """A load balancer's health check reaches a server by its address; and when
    MAGAZINE_SITE_URL names a host this server does not accept, moving there would fail."""
    assert _client("10.0.0.5").get("/").status_code == 200
    settings.MAGAZINE_SITE_URL = "https://magazine.example.org"
    assert _client(WWW).get("/").status_code == 200


def test_production_moves_other_names_after_https_with_the_hsts_header(
    settings, monkeypatch, seed_article
):
    """hstspreload.org's rules: plain HTTP goes to HTTPS on the same host first, and a
    redirect served over HTTPS carries the HSTS header."""
    values = settings_from_environment(
        monkeypatch,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS=f"{APEX},{WWW}",
        MAGAZINE_SITE_URL=f"https://{APEX}",
    )
    assert values["MAGAZINE_CANONICAL_HOST_REDIRECT"] is True
    for name, value in values.items():
        if name.startswith("SECURE_") or name in ("MIDDLEWARE", "ALLOWED_HOSTS"):
            setattr(settings, name, value)
    settings.MAGAZINE_SITE_URL = values["MAGAZINE_SITE_URL"]
    path = seed_article.get_absolute_url() + "?sort=oldest"

    plain = Client(headers={"host": WWW, "x-forwarded-proto": "http"}).get(path)
    assert plain.status_code == 301
    assert plain["Location"] == f"https://{WWW}{path}"
    secure = Client(headers={"host": WWW, "x-forwarded-proto": "https"}).get(path)
    assert secure.status_code == 301
    assert secure["Location"] == f"https://{APEX}{path}"
    assert "preload" in secure["Strict-Transport-Security"]
    canonical = Client(headers={"host": APEX, "x-forwarded-proto": "https"}).get(path)
    assert canonical.status_code == 200


def test_development_serves_whatever_name_the_developer_opens(settings, monkeypatch):
    values = settings_from_environment(monkeypatch, DJANGO_DEBUG="true")
    assert values["MAGAZINE_CANONICAL_HOST_REDIRECT"] is False
    settings.MAGAZINE_CANONICAL_HOST_REDIRECT = values["MAGAZINE_CANONICAL_HOST_REDIRECT"]
    settings.ALLOWED_HOSTS = ["*"]
    settings.MAGAZINE_SITE_URL = "http://127.0.0.1:8000"
    assert _client("localhost:8000").get("/").status_code == 200
