"""CSRF by fetch metadata (magazine/csrf.py): what a browser says about where a form
comes from decides; Django's token only for clients that say nothing."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from articles.models import ArticleRating, Comment

from .factories import started_token

pytestmark = pytest.mark.django_db

SECRET = get_random_string(32)


def strict_client(with_token_cookie=False):
    client = Client(enforce_csrf_checks=True)
    if with_token_cookie:
        client.cookies[settings.CSRF_COOKIE_NAME] = SECRET
    return client


def rate(client, article, method="post", token=None, **headers):
    data = {"score": 4} | ({"csrfmiddlewaretoken": token} if token else {})
    return getattr(client, method)(
        reverse("articles:rate", args=[article.pk]), data, headers=headers
    )


def test_django_default_csrf_middleware_is_replaced_by_the_fetch_metadata_one():
    assert "magazine.csrf.FetchMetadataCsrfMiddleware" in settings.MIDDLEWARE
    assert "django.middleware.csrf.CsrfViewMiddleware" not in settings.MIDDLEWARE


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_form_from_our_own_pages_needs_no_token(seed_article, site):
    response = rate(strict_client(), seed_article, **{"Sec-Fetch-Site": site})
    assert response.status_code == 302


def test_the_header_name_and_value_in_odd_case_are_read_alike(seed_article):
    assert (
        rate(strict_client(), seed_article, **{"sEC-fETCH-sITE": "Same-Origin"}).status_code == 302
    )
    refused = rate(strict_client(), seed_article, **{"SEC-FETCH-SITE": "Cross-Site"})
    assert refused.status_code == 403


@pytest.mark.parametrize("site", ["cross-site", "same-site", "something-new"])
def test_a_form_from_another_site_is_refused_even_with_a_valid_token(seed_article, site):
    client = strict_client(with_token_cookie=True)
    response = rate(client, seed_article, token=SECRET, **{"Sec-Fetch-Site": site})
    assert response.status_code == 403
    assert not ArticleRating.objects.exists()


def test_a_sibling_subdomain_is_refused_even_naming_itself_as_origin(seed_article):
    headers = {"Sec-Fetch-Site": "same-site", "Origin": "http://blog.testserver"}
    assert rate(strict_client(), seed_article, **headers).status_code == 403
    # The site's own origin is not enough where the browser says "not from this site".
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"}
    assert rate(strict_client(), seed_article, **headers).status_code == 403


def test_a_trusted_origin_may_post_from_another_site(seed_article, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://partner.example", "https://*.friends.example"]
    for origin in ("https://partner.example", "https://news.friends.example"):
        headers = {"Sec-Fetch-Site": "cross-site", "Origin": origin}
        assert rate(strict_client(), seed_article, **headers).status_code == 302, origin
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "http://partner.example"}
    assert rate(strict_client(), seed_article, **headers).status_code == 403


def test_without_fetch_metadata_the_origin_decides(seed_article):
    assert rate(strict_client(), seed_article, Origin="http://testserver").status_code == 302
    for forged in ("http://evil.example", "null", "http://testserver.evil.example"):
        client = strict_client(with_token_cookie=True)
        assert rate(client, seed_article, token=SECRET, Origin=forged).status_code == 403, forged


def test_with_neither_header_the_token_is_still_required(seed_article):
    assert rate(strict_client(with_token_cookie=True), seed_article).status_code == 403
    forged = rate(strict_client(with_token_cookie=True), seed_article, token="x" * 32)
    assert forged.status_code == 403
    assert not ArticleRating.objects.exists()
    good = rate(strict_client(with_token_cookie=True), seed_article, token=SECRET)
    assert good.status_code == 302


@pytest.mark.parametrize("method", ["head", "options", "get"])
def test_safe_methods_are_not_checked(seed_article, method):
    response = rate(
        strict_client(), seed_article, method=method, **{"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 405  # the view's own answer, not a CSRF refusal


def test_a_comment_from_another_site_is_refused_with_the_text_kept(seed_article):
    data = {
        "name": "Ann Reader",
        "email": "ann@example.com",
        "body": "My carefully typed remark",
        "form_started": started_token(),
    }
    response = strict_client().post(
        reverse("articles:comment-post", args=[seed_article.pk]),
        data,
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "My carefully typed remark" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_story_form_is_checked_by_fetch_metadata_too(settings):
    """The story form is exempt from the middleware and checked inside the view, once its
    size is known (articles/views/submissions.py): by the same rule."""
    from articles.models import Submission

    from .helpers import SUBMIT, form_data

    cross_site = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    assert strict_client().post(SUBMIT, form_data(), headers=cross_site).status_code == 403
    sent = strict_client().post(SUBMIT, form_data(), headers={"Sec-Fetch-Site": "same-origin"})
    assert sent.status_code == 302
    assert Submission.objects.count() == 1
