"""Headers, media serving and the admin sign-in guard."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_public_pages_carry_a_strict_csp_without_a_nonce(client, seed_article):
    for url in ("/", seed_article.get_absolute_url(), "/no-such-page/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert "script-src 'self';" in csp  # no nonce, no unsafe-inline: cacheable and strict
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp
        assert "form-action 'self'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in response.headers


def test_public_pages_have_no_inline_scripts_or_handlers(client, seed_article):
    html = client.get(seed_article.get_absolute_url()).content.decode()
    import re

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'type="application/ld+json"' in tag or "src=" in tag
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "javascript:" not in html
    assert " style=" not in html


def test_admin_pages_get_a_nonce_for_their_import_map(client, seed_article):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:articles_article_change", args=[seed_article.pk]))
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()


def test_media_is_served_as_an_image_with_a_sandbox_and_no_cookies(client):
    name = default_storage.save("articles/abc.png", ContentFile(b"\x89PNG fake"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers
    assert b"".join(response.streaming_content) == b"\x89PNG fake"
    response.close()


@pytest.mark.parametrize(
    "path", ["articles/evil.html", "articles/evil.svg", "../settings.py", "nope.png"]
)
def test_media_refuses_anything_but_stored_images(client, path):
    default_storage.save("articles/evil.html", ContentFile(b"<script>alert(1)</script>"))
    default_storage.save("articles/evil.svg", ContentFile(b"<svg onload=alert(1)>"))
    assert client.get(f"/media/{path}").status_code == 404


def test_admin_sign_in_pauses_after_ten_failures_for_a_username(client):
    UserFactory(username="editor", is_staff=True)
    url = reverse("admin:login")
    for _ in range(10):
        response = client.post(url, {"username": "editor", "password": "wrong"})
        assert response.status_code == 200
    refused = client.post(url, {"username": "editor", "password": "correct horse battery staple"})
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.content.decode()


def test_admin_sign_in_pauses_after_ten_failures_from_one_address(client):
    UserFactory(username="editor", is_staff=True)
    url = reverse("admin:login")
    for n in range(10):
        client.post(url, {"username": f"guess{n}", "password": "wrong"})
    refused = client.post(url, {"username": "editor", "password": "correct horse battery staple"})
    assert refused.status_code == 429


def test_a_successful_sign_in_is_not_counted(client):
    UserFactory(username="editor", is_staff=True)
    url = reverse("admin:login")
    for _ in range(12):
        ok = client.post(url, {"username": "editor", "password": "correct horse battery staple"})
        assert ok.status_code == 302
        client.logout()
