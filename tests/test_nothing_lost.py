"""Nothing lost, nothing doubled: forms sent twice, failures half-way, a mail server down."""

import io
import re
import time
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.files.storage import FileSystemStorage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import DatabaseError
from django.tasks import default_task_backend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import antispam, comments, ratelimit, submissions, tasks
from articles.forms.submissions import SubmissionForm
from articles.models import Article, Comment, OutgoingMail, Submission, Subscription

from .factories import ArticleFactory, CommentFactory, image_upload
from .helpers import (
    SUBMIT,
    follower,
    form_data,
    guard_misses,
    run_queued_tasks,
    stored_files,
    with_image,
)

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture(autouse=True)
def _no_minimum_time_or_rate_limits(monkeypatch):
    """Forms taken from a page are sent at once, several in a row: the "too fast" guard
    and the rate limits (tested on their own) would hold them."""
    monkeypatch.setattr(antispam.SpamGuardMixin, "min_seconds", 0)
    monkeypatch.setattr(ratelimit, "hit", lambda *args: True)


def form_started(client):
    """The stamp static/js/form-stamp.js fetches for a form (pages carry none)."""
    return client.get(reverse("articles:form-stamp")).content.decode()


def comment_data(stamp, body="Well reported.", **fields):
    return {
        "name": "Ann",
        "email": "ann@example.com",
        "body": body,
        "form_started": stamp,
        **fields,
    }


def comment_url(article):
    return reverse("articles:comment-post", args=[article.pk])


# --- The same form sent twice ------------------------------------------------------------


@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "from-page-cache"])
def test_a_comment_form_sent_twice_stores_one_comment(client, seed_article, settings, page_cache):
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 600 if page_cache else 0
    Client().get(seed_article.get_absolute_url())  # fills the page cache when it is on
    page = Client().get(seed_article.get_absolute_url())
    assert (page.get("X-Page-Cache") == "hit") is page_cache
    data = comment_data(form_started(client))

    first = client.post(comment_url(seed_article), data)
    second = client.post(comment_url(seed_article), data)  # the double click, or a replay

    assert Comment.objects.filter(article=seed_article).count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]  # back on the comment already posted
    followed = client.get(second["Location"])
    assert "You sent this comment already" in followed.content.decode()


def test_every_reader_of_a_cached_page_gets_their_own_key(seed_article, settings):
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 600
    readers = [Client() for _ in range(3)]
    pages = {reader.get(seed_article.get_absolute_url()).content for reader in readers}
    assert len(pages) == 1  # one shared page...
    stamps = [form_started(reader) for reader in readers]
    assert len(set(stamps)) == 3  # ...and a key of their own for each reader
    for n, (reader, stamp) in enumerate(zip(readers, stamps, strict=True)):
        data = comment_data(stamp, body="Thank you!", email=f"reader{n}@example.com")
        assert reader.post(comment_url(seed_article), data).status_code == 302
    assert Comment.objects.filter(body="Thank you!").count() == 3


def test_one_form_sends_several_different_comments_with_javascript(client, seed_article):
    """comments.js keeps the form after posting and copies it for replies: same nonce."""
    client.get(seed_article.get_absolute_url())
    stamp = form_started(client)
    parent = CommentFactory(article=seed_article)
    sent = [
        client.post(comment_url(seed_article), comment_data(stamp, body="First."), **FETCH),
        client.post(comment_url(seed_article), comment_data(stamp, body="Second."), **FETCH),
        client.post(
            comment_url(seed_article),
            comment_data(stamp, body="First, as a reply.", parent=parent.pk),
            **FETCH,
        ),
        client.post(comment_url(seed_article), comment_data(stamp, body="Second."), **FETCH),
    ]
    assert [response.status_code for response in sent] == [201, 201, 201, 201]
    assert Comment.objects.filter(email="ann@example.com").count() == 3
    # The repeat shows the comment it posted.
    ids = [re.search(rb'id="comment-(\d+)"', response.content)[1] for response in sent]
    assert ids[3] == ids[1] and len(set(ids)) == 3


def test_a_double_click_racing_past_the_check_still_stores_one(client, seed_article, monkeypatch):
    client.get(seed_article.get_absolute_url())
    data = comment_data(form_started(client))
    first = client.post(comment_url(seed_article), data)
    # The second click checks before the first one commits: the constraint decides.
    calls = guard_misses(monkeypatch)
    monkeypatch.setattr(comments, "_is_duplicate", lambda *args: False)
    second = client.post(comment_url(seed_article), data)
    assert len(calls) >= 2  # the check ran, missed, and ran again after the refusal
    assert Comment.objects.filter(article=seed_article).count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_double_submit_racing_past_the_check_stores_one_story(client, monkeypatch, settings):
    data = with_image(form_data(title="Sent twice at once"))
    first = client.post(SUBMIT, data)
    story = Submission.objects.get()
    # The second click is checked before the first one commits: the form's and the
    # view's checks find nothing, and the unique form token decides.
    calls = guard_misses(monkeypatch, times=2)
    monkeypatch.setattr(SubmissionForm, "_check_duplicate", lambda *args: None)
    second = client.post(SUBMIT, {**data, "image_1": image_upload()})
    assert len(calls) == 3  # both checks missed; the refused write found the first story
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    thanks = client.get(second["Location"]).content.decode()
    assert story.get_absolute_url() in thanks  # the first story's status page
    assert Submission.objects.count() == 1 and story.images.count() == 1
    assert len(stored_files(settings)) == 1  # the second click's image was removed


def test_a_passage_comment_sent_twice_stores_one(client, seed_article):
    block = seed_article.blocks()[0]
    assert (
        client.get(reverse("articles:passage", args=[seed_article.pk, block.id])).status_code == 200
    )
    data = comment_data(form_started(client), block=block.id, quote="")
    answers = [client.post(comment_url(seed_article), data, **FETCH) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert Comment.objects.filter(article=seed_article, block_id=block.id).count() == 1


# --- A failure half-way rolls everything back --------------------------------------------


def _fail(*args, **kwargs):
    raise DatabaseError("injected: the database went away")


@pytest.mark.parametrize("fetch", [False, True], ids=["form", "javascript"])
def test_a_failing_subscription_rolls_the_comment_back(client, seed_article, monkeypatch, fetch):
    monkeypatch.setattr("articles.subscriptions.subscribe_to_replies", _fail)
    client.get(seed_article.get_absolute_url())
    data = comment_data(form_started(client), body="Kept when it fails.", notify_replies="on")

    response = client.post(comment_url(seed_article), data, **(FETCH if fetch else {}))

    assert response.status_code == 503
    page = response.content.decode()
    assert "We could not save your comment" in page and "Kept when it fails." in page
    assert not Comment.objects.exists() and not Subscription.objects.exists()


def test_a_failing_count_update_rolls_an_approved_comment_back(client, monkeypatch):
    article = ArticleFactory()
    CommentFactory(email="ann@example.com", article=article)  # Ann's next ones post directly
    Article.objects.filter(pk=article.pk).update(comment_count=1)
    # The step after the insert and the count update: queueing the subscribers' mail.
    monkeypatch.setattr("articles.subscriptions.comments_approved", _fail)
    client.get(article.get_absolute_url())

    response = client.post(
        comment_url(article), comment_data(form_started(client), body="Second thoughts.")
    )

    assert response.status_code == 503
    assert "Second thoughts." in response.content.decode()
    assert Comment.objects.filter(article=article).count() == 1
    assert Article.objects.get(pk=article.pk).comment_count == 1


def test_a_failure_after_the_story_is_stored_rolls_it_back(client, monkeypatch, settings):
    monkeypatch.setattr(submissions, "_add_event", _fail)
    response = client.post(SUBMIT, with_image(form_data(title="Kept on failure")))
    assert response.status_code == 503
    page = response.content.decode()
    assert "We could not save your story" in page and "Kept on failure" in page
    assert not Submission.objects.exists() and stored_files(settings) == []
    assert not OutgoingMail.objects.exists()


def test_a_failing_image_write_rolls_the_story_and_its_first_image_back(
    client, monkeypatch, settings
):
    real_save, saved = FileSystemStorage._save, []

    def disk_full_on_second_image(storage, name, content):
        if saved:
            raise OSError(28, "No space left on device")
        saved.append(name)
        return real_save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full_on_second_image)
    data = with_image(with_image(form_data(title="Two photos")), n=2)
    response = client.post(SUBMIT, data)
    assert response.status_code == 503
    assert "Two photos" in response.content.decode()
    assert saved and not Submission.objects.exists() and stored_files(settings) == []


# --- The mail server down or slow --------------------------------------------------------


class Outage:
    """A mail server that fails (as `error` says) until it is repaired; counts attempts."""

    error = SMTPException("451 Temporary local problem")
    down = True
    attempts = 0


class OutageBackend(BaseEmailBackend):
    def send_messages(self, messages):
        Outage.attempts += 1
        if Outage.down:
            raise Outage.error
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def outage(settings, monkeypatch):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_nothing_lost.OutageBackend"}}
    # As in production: tasks wait for a worker, never run inside the request.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    # The test's transaction never commits: tasks a task queues are stored at once.
    monkeypatch.setattr(tasks, "enqueue_on_commit", tasks.enqueue)
    Outage.down, Outage.attempts = True, 0
    yield Outage
    default_task_backend.clear()


ERRORS = [SMTPException("451 Temporary local problem"), TimeoutError("timed out")]


def _send_queued_mail():
    """What the operator or the worker does once the server is back: twice, to be sure."""
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    call_command("send_queued_mail", stdout=io.StringIO())
    call_command("send_queued_mail", stdout=io.StringIO())
    # The retry the failure queued comes due too; it finds the mail sent.
    run_queued_tasks(at=timezone.now() + timedelta(days=1))


@pytest.mark.parametrize("error", ERRORS, ids=["smtp-error", "timeout"])
def test_comment_mail_waits_out_an_outage_and_goes_once(
    client, outage, error, django_capture_on_commit_callbacks
):
    outage.error = error
    article = ArticleFactory()
    follower("sam@example.com", article)
    CommentFactory(email="ann@example.com", article=article)
    stamp = form_started(client)

    with django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(comment_url(article), comment_data(stamp, body="Mail later."))
        elapsed = time.monotonic() - started

    assert response.status_code == 302 and elapsed < 1
    assert outage.attempts == 0  # nothing was sent, or waited for, inside the request
    assert Comment.objects.get(body="Mail later.").is_approved
    run_queued_tasks()  # the worker tries: the server is down
    assert outage.attempts == 1 and mail.outbox == []
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.QUEUED

    outage.down = False
    _send_queued_mail()
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]


@pytest.mark.parametrize("error", ERRORS, ids=["smtp-error", "timeout"])
def test_story_receipt_waits_out_an_outage_and_goes_once(
    client, outage, error, django_capture_on_commit_callbacks
):
    outage.error = error
    with django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(SUBMIT, form_data(email="ada@example.com"))
        elapsed = time.monotonic() - started
    assert response.status_code == 302 and elapsed < 2
    assert Submission.objects.count() == 1 and outage.attempts == 0
    run_queued_tasks()
    assert outage.attempts == 1 and mail.outbox == []

    outage.down = False
    _send_queued_mail()
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
