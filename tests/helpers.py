"""Helpers shared by test modules (fixtures live in conftest.py, factories in factories.py).

A test module imports shared helpers from here, never from another test module
(tests/test_project.py checks).
"""

import os
import runpy
import sys
import uuid
from pathlib import Path

from django.db import connection
from django.http import HttpResponse
from django.tasks import default_task_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import readers
from articles.models import Category, Subscription
from articles.models.readers import StoredOnce

from .factories import ArticleFactory, CommentFactory, image_upload, started_token

# What `make serve` runs with, for the tests that run the production settings file.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "magazine.example.com",
}

# The reason of `@pytest.mark.caches_off` for query-count guards.
COUNTS_A_FRESH_RENDER = (
    "counts the queries of a page rendered afresh, with many rows; a kept page costs none "
    "(tests/test_pagecache.py, tests/test_fragments.py)"
)


def page_queries(client, url, data=None):
    """How many SQL queries `url` costs, rendered once the per-process caches (site
    settings, category paths) are warm."""
    client.get(url, data)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response, "a page cache hit counts nothing: mark caches_off"
    return len(queries)


def reader_cookie(token):
    """A reader cookie as the site would sign it."""
    response = HttpResponse()
    response.set_signed_cookie(readers.COOKIE_NAME, token, salt=readers.COOKIE_SALT)
    return response.cookies[readers.COOKIE_NAME].value


def post_comment(client, article, body="A thoughtful remark.", follow=False, **fields):
    """Posts a comment through the public form, as a reader who took their time."""
    data = {
        "name": "Ann Reader",
        "email": "ann@example.com",
        "body": body,
        "form_started": started_token(),
        **fields,
    }
    return client.post(reverse("articles:comment-post", args=[article.pk]), data, follow=follow)


def approved_author(email="ann@example.com", article=None):
    """An address that already has an approved comment, so its next ones post directly."""
    return CommentFactory(email=email, article=article or ArticleFactory())


# --- Stories and subscriptions -----------------------------------------------------------

SUBMIT = reverse("articles:submit")


def form_data(**overrides):
    """The story form's fields, filled in as a contributor would."""
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "title": "Night trains of Minsk",
        "story": "The first paragraph.\n\nThe second <b>paragraph</b>.",
        "category": Category.objects.get(path="world/russia").pk,
        "tags": "trains, Minsk",
        "pack": "single-story",
        "note": "I took the photo myself.",
        "rights": "on",
        "form_token": uuid.uuid4().hex,
        "form_started": started_token(),
        "website": "",
    }
    return {**data, **overrides}


def with_image(data, upload=None, n=1, alt="A train at night", credit="Ada Lovelace"):
    """Story form fields with an image in slot `n`."""
    return {
        **data,
        f"image_{n}": upload or image_upload(),
        f"alt_{n}": alt,
        f"credit_{n}": credit,
    }


def stored_files(settings):
    """Every file under MEDIA_ROOT."""
    root = settings.MEDIA_ROOT
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


def follower(email, article, kind=Subscription.Kind.ARTICLE, comment=None, **fields):
    """A confirmed subscription."""
    return Subscription.objects.create(
        email=email,
        kind=kind,
        article=article,
        comment=comment,
        confirmed_at=timezone.now(),
        **fields,
    )


def run_queued_tasks(at=None):
    """What a worker does: run the tasks the (dummy) backend holds once they are due."""
    at = at or timezone.now()
    ran = []
    while due := [
        r
        for r in default_task_backend.results
        if r.task.run_after is None or r.task.run_after <= at
    ]:
        for result in due:
            default_task_backend.results.remove(result)
            ran.append((result.task.name, result.task.call(*result.args)))
    return ran


def guard_misses(monkeypatch, times=1):
    """Make the double-post guard's look-up miss its first `times` calls, as when a second
    click is checked before the first one commits; the list of look-ups it made."""
    real = StoredOnce.earlier
    looked = []

    def blind(once):
        looked.append(once)
        return None if len(looked) <= times else real(once)

    monkeypatch.setattr(StoredOnce, "earlier", blind)
    return looked


SETTINGS_FILE = Path(__file__).resolve().parent.parent / "magazine" / "settings.py"


def settings_from_environment(monkeypatch, **environment):
    """The settings file's values as a process started with `environment` would read them.

    The modules it reads its own settings from are read afresh too (and restored after).
    """
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for module in ("magazine.env", "magazine.own_settings"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    return runpy.run_path(str(SETTINGS_FILE))


def as_contributor(client):
    """`client` as someone who sent a story: no account, their submission's token."""
    from .factories import SubmissionFactory

    session = client.session
    session["submission_token"] = SubmissionFactory().token
    session.save()


def sign_in_as(client, person, on_story):
    """`client` as one of the permission matrix's people: "reader", "contributor",
    "on_story" (the writer `on_story`), "other_writer" or "editor". Returns the user
    (None for the contributor, who has no account)."""
    from .factories import UserFactory, make_editor, make_writer

    if person == "contributor":
        as_contributor(client)
        return None
    user = {
        "reader": UserFactory,
        "on_story": lambda: on_story,
        "other_writer": make_writer,
        "editor": make_editor,
    }[person]()
    client.force_login(user)
    return user
