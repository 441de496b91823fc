"""The spam guard's stamp and the CSRF token are out of shared pages: a small request
gives the stamp (static/js/form-stamp.js), and a reader without JavaScript, or whose
browser sends no fetch metadata, gets a form page of their own and posts with one
more press (articles/antispam.py, articles/forms/security.py)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.test import Client, RequestFactory
from django.urls import reverse

from articles import antispam
from articles.forms.security import form_token, own_form_page
from articles.models import Comment

from .factories import make_editor, started_token

pytestmark = pytest.mark.django_db

STAMP = reverse("articles:form-stamp")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(
    r'name="form_started"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="form_started"'
)


@pytest.fixture
def no_minimum_time(monkeypatch):
    """A stamp is used at once here; the "too fast" guard is tested on its own."""
    monkeypatch.setattr(antispam.SpamGuardMixin, "min_seconds", 0)


def comment(article, **fields):
    data = {"name": "Ann Reader", "email": "ann@example.com", "body": "Typed with care."}
    return reverse("articles:comment-post", args=[article.pk]), data | fields


def stamp_in(html):
    found = STARTED.search(html)
    return found and (found.group(1) or found.group(2))


def test_the_stamp_is_a_fresh_signed_value_no_cache_keeps():
    first, second = Client().get(STAMP), Client().get(STAMP)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/plain")
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert not first.cookies
    value = first.content.decode()
    assert value != second.content.decode()  # a nonce of its own each time
    signer = signing.TimestampSigner(salt=antispam.TIMESTAMP_SALT)
    assert signer.unsign(value, max_age=60).startswith(antispam.NONCE_PREFIX)
    assert Client().post(STAMP).status_code == 405


def test_a_comment_with_a_fetched_stamp_is_posted(seed_article, no_minimum_time):
    client = Client()
    url, data = comment(seed_article, form_started=client.get(STAMP).content.decode())
    assert client.post(url, data).status_code == 302
    assert Comment.objects.filter(body="Typed with care.").exists()


def test_a_fetched_stamp_still_refuses_a_form_sent_at_once(seed_article):
    client = Client()
    url, data = comment(seed_article, form_started=client.get(STAMP).content.decode())
    response = client.post(url, data)
    assert response.status_code == 400
    assert "sent very quickly" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_same_form_sent_twice_with_its_stamp_is_one_comment(seed_article, no_minimum_time):
    client = Client()
    url, data = comment(seed_article, form_started=client.get(STAMP).content.decode())
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Comment.objects.filter(body="Typed with care.").count() == 1


def test_without_javascript_a_comment_comes_back_once_with_a_stamp(seed_article, no_minimum_time):
    client = Client()
    url, data = comment(seed_article, form_started="")
    again = client.post(url, data)
    html = again.content.decode()
    assert again.status_code == 400
    assert "please send it again" in html and "Typed with care." in html
    assert not Comment.objects.exists()
    stamp = stamp_in(html)
    assert stamp
    assert client.post(url, data | {"form_started": stamp}).status_code == 302
    assert Comment.objects.filter(body="Typed with care.").count() == 1


def test_a_client_sending_neither_header_nor_token_gets_a_form_page_of_its_own(seed_article):
    client = Client(enforce_csrf_checks=True)
    url, data = comment(seed_article, form_started=started_token())
    refused = client.post(url, data)
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "please send it again" in html and "Typed with care." in html
    assert stamp_in(html)
    token = TOKEN.search(html).group(1)
    assert client.cookies["csrftoken"].value  # the cookie the token goes with
    sent = client.post(url, data | {"csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    assert Comment.objects.filter(body="Typed with care.").count() == 1


def test_the_token_is_written_only_on_pages_never_shared():
    factory = RequestFactory()
    stranger = factory.get("/")
    stranger.user = AnonymousUser()
    assert form_token(stranger) == ""
    assert "csrfmiddlewaretoken" not in stranger.META.get("CSRF_COOKIE", "")
    answer_to_a_post = factory.post("/")
    answer_to_a_post.user = AnonymousUser()
    signed_in = factory.get("/")
    signed_in.user = make_editor()
    marked = factory.get("/")
    marked.user = AnonymousUser()
    own_form_page(marked)
    for request in (answer_to_a_post, signed_in, marked):
        assert TOKEN.search(form_token(request)), request
