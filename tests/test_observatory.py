"""The Mozilla HTTP Observatory's rules, one test each, on real responses under production settings.

Production settings are read from magazine/settings.py itself with DJANGO_DEBUG=false
(not copied here), and the security settings among them are applied to the test.
Requests come through a TLS-terminating proxy that says so (X-Forwarded-Proto).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from .factories import UserFactory, give_totp_device, started_token
from .helpers import PRODUCTION_ENV, settings_from_environment

pytestmark = pytest.mark.django_db

HOST = "magazine.example.com"
SECURITY_SETTINGS = (
    "ALLOWED_HOSTS", "MIDDLEWARE", "SECURE_CSP", "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "MAGAZINE_PERMISSIONS_POLICY",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME", "CSRF_FAILURE_VIEW",
)  # fmt: skip
PAGES = (
    "home", "article", "not-found", "bad-form", "csrf-refused-comment", "csrf-refused",
    "too-many-requests", "cached-article", "admin-login",
)  # fmt: skip


@pytest.fixture
def production(settings, monkeypatch):
    values = settings_from_environment(
        monkeypatch, **{**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": HOST}
    )
    assert values["DEBUG"] is False
    for name in SECURITY_SETTINGS:
        setattr(settings, name, values.get(name, getattr(settings, name)))
    return values


def https_client(**kwargs):
    return Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https", **kwargs)


def _response(name, article, settings):
    client = https_client()
    comment_url = reverse("articles:comment-post", args=[article.pk])
    if name == "home":
        return client.get("/")
    if name == "article":
        return client.get(article.get_absolute_url())
    if name == "not-found":
        return client.get("/no-such-page/")
    if name == "bad-form":
        return client.post(comment_url, {"name": "", "body": "", "form_started": started_token()})
    if name == "csrf-refused-comment":
        return https_client(enforce_csrf_checks=True).post(comment_url, {"body": "Hi"})
    if name == "csrf-refused":
        url = reverse("articles:subscribe", args=[article.pk])
        return https_client(enforce_csrf_checks=True).post(url, {"notify-email": "a@b.co"})
    if name == "too-many-requests":
        UserFactory(username="editor", is_staff=True)
        for _ in range(11):
            response = client.post(reverse("admin:login"), {"username": "editor", "password": "x"})
        return response
    if name == "cached-article":
        client.get(article.get_absolute_url())
        response = https_client().get(article.get_absolute_url())
        assert response["X-Page-Cache"] == "hit"
        return response
    if name == "admin-login":
        return client.get(reverse("admin:login"))
    raise AssertionError(name)


EXPECTED_STATUS = {
    "not-found": 404,
    "bad-form": 400,
    "csrf-refused-comment": 403,
    "csrf-refused": 403,
    "too-many-requests": 429,
}


@pytest.fixture(params=PAGES)
def page(request, production, seed_article, settings):
    response = _response(request.param, seed_article, settings)
    assert response.status_code == EXPECTED_STATUS.get(request.param, 200)
    assert response["Content-Type"].startswith("text/html")
    return response


def _csp(response):
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_content_security_policy(page):
    csp = _csp(page)
    assert csp["default-src"] == ["'none'"]
    scripts = csp.get("script-src", csp["default-src"])
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:", "data:"):
        assert unsafe not in scripts
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for directive in ("style-src", "img-src", "connect-src", "font-src"):
        assert not {"*", "http:", "https:", "'unsafe-inline'"} & set(csp.get(directive, []))


def test_strict_transport_security(page):
    hsts = page["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 3600
    assert "includeSubDomains" in hsts


def test_x_content_type_options(page):
    assert page["X-Content-Type-Options"] == "nosniff"


def test_x_frame_options(page):
    assert page["X-Frame-Options"] == "DENY"
    assert _csp(page)["frame-ancestors"] == ["'none'"]


def test_referrer_policy(page):
    strict = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    assert page["Referrer-Policy"] in strict


def test_cross_origin_resource_and_opener_policies(page):
    assert page["Cross-Origin-Resource-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"


def test_permissions_policy(page):
    policy = page["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy


def test_subresource_integrity_not_needed_no_external_scripts(page):
    """The Observatory wants SRI only for scripts from other origins; we load none."""
    html = page.content.decode()
    sources = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
    for src in sources:
        parts = urlsplit(src)
        assert not parts.scheme and not parts.netloc, src
    assert not re.search(
        r"<script\b(?![^>]*\b(?:src=|type=\"(?:application/ld\+json|importmap)\"))", html
    )


def test_cross_origin_resource_sharing(production, seed_article):
    """No wildcard CORS: another origin's request gets no Access-Control-Allow-Origin."""
    client = https_client(HTTP_ORIGIN="https://evil.example")
    for url in ("/", seed_article.get_absolute_url(), reverse("articles:feed"), "/robots.txt"):
        response = client.get(url)
        assert "Access-Control-Allow-Origin" not in response.headers, url
    preflight = client.options("/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_redirection(production, seed_article):
    """Plain HTTP from the proxy goes to the same address over HTTPS, at once."""
    for path in ("/", seed_article.get_absolute_url() + "?sort=oldest"):
        response = Client(headers={"host": HOST, "x-forwarded-proto": "http"}).get(path)
        assert response.status_code == 301
        assert response["Location"] == f"https://{HOST}{path}"
    # Nothing else is served over HTTP, not even a POST's refusal.
    post = Client(headers={"host": HOST}).post(
        reverse("articles:comment-post", args=[seed_article.pk])
    )
    assert post.status_code == 301


def _set_cookies(seed_article):
    """Every cookie the site sets: CSRF, session, messages, reader token, comment sort."""
    UserFactory(username="editor", is_staff=True)
    staff, reader = https_client(), https_client()
    password = "correct horse battery staple"
    comment = {"name": "Ann", "email": "ann@example.com", "body": "Hi"}
    responses = [
        staff.get(reverse("admin:login")),
        staff.post(reverse("admin:login"), {"username": "editor", "password": password}),
        reader.post(
            reverse("articles:comment-post", args=[seed_article.pk]),
            {**comment, "form_started": started_token()},
        ),
        reader.get(reverse("articles:comments", args=[seed_article.pk]), {"sort": "oldest"}),
    ]
    # Deleting a cookie (messages once read) sends an expired, empty one: nothing to protect.
    return [
        (name, morsel)
        for response in responses
        for name, morsel in response.cookies.items()
        if str(morsel["max-age"]) != "0"
    ]


def test_cookies(production, seed_article, settings):
    cookies = _set_cookies(seed_article)
    session, csrf = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
    assert {session, csrf, "messages", "reader"} <= {name for name, _ in cookies}
    for name, morsel in cookies:
        assert morsel["secure"], name
        assert morsel["samesite"] in ("Lax", "Strict"), name
        assert morsel["httponly"] or name == csrf, name  # only the CSRF cookie may be readable
        if name.startswith("__Host-"):
            assert morsel["path"] == "/" and not morsel["domain"], name
    # The __Host- prefix: Secure, Path=/, no Domain, so no subdomain can set or shadow them.
    assert session.startswith("__Host-") and csrf.startswith("__Host-")


def test_the_session_cookie_works_under_its_prefixed_name(production, seed_article):
    """Signing in to the admin (password, then code) works with the __Host- names, CSRF on."""
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    key = give_totp_device(editor).bin_key
    client = https_client(enforce_csrf_checks=True)
    login = client.get(reverse("admin:login"))
    token = login.context["csrf_token"]
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "correct horse battery staple",
         "csrfmiddlewaretoken": token},
        HTTP_REFERER=f"https://{HOST}/admin/login/",
    )  # fmt: skip
    assert response.status_code == 302
    second_step = reverse("admin:two-factor")
    response = client.post(
        second_step,
        {"code": f"{TOTP(key).token():06d}",
         "csrfmiddlewaretoken": client.cookies["__Host-csrftoken"].value},
        HTTP_REFERER=f"https://{HOST}{second_step}",
    )  # fmt: skip
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
