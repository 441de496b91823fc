"""No redirect leaves the site, whatever a link or a form says (`next=`, Referer, paths)."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from .factories import CommentFactory, UserFactory, make_editor, started_token

pytestmark = pytest.mark.django_db

EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]


def assert_stays_on_site(response):
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"])
        assert target.netloc in ("", "testserver"), response["Location"]
        assert response["Location"].startswith("/") and not response["Location"].startswith(
            ("//", "/\\")
        ), response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_the_admin_sign_in_never_sends_an_editor_off_site(client, target):
    make_editor(username="edna", password="a long enough password")
    response = client.post(
        f"{reverse('admin:login')}?next={target}",
        {"username": "edna", "password": "a long enough password", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("target", EVIL)
def test_the_admin_sign_out_never_sends_anyone_off_site(client, target):
    client.force_login(make_editor())
    response = client.post(f"{reverse('admin:logout')}?next={target}", {"next": target})
    assert_stays_on_site(response)


@pytest.mark.parametrize("target", EVIL)
def test_reader_forms_redirect_back_to_the_site_not_to_next_or_referer(
    client, seed_article, target, one_rate_limit_window
):
    comment = CommentFactory(article=seed_article)
    client.force_login(UserFactory())
    posts = [
        (reverse("articles:rate", args=[seed_article.pk]), {"score": "4"}),
        (
            reverse("articles:comment-post", args=[seed_article.pk]),
            {
                "name": "Ann",
                "email": "ann@example.com",
                "body": "Fine.",
                "form_started": started_token(),
            },
        ),
        (reverse("articles:comment-vote", args=[comment.pk]), {"value": "1"}),
        (reverse("articles:subscribe", args=[seed_article.pk]), {"email": "ann@example.com"}),
    ]
    for url, data in posts:
        response = client.post(
            f"{url}?next={target}", {**data, "next": target}, HTTP_REFERER=target
        )
        assert response.status_code < 500, url
        assert_stays_on_site(response)


@pytest.mark.parametrize("path", ["//evil.example/", "/%2F%2Fevil.example/", "/\\evil.example/"])
def test_addresses_that_look_like_other_sites_are_not_redirected_there(client, path):
    response = client.get(path)
    assert response.status_code in (200, 301, 302, 404)
    assert_stays_on_site(response)
