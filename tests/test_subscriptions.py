"""Email subscriptions: who gets what, confirmation, unsubscribing, limits, background sending."""

import io
import re
import time
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError
from django.http import HttpResponse
from django.tasks import default_task_backend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import moderation, subscriptions, tasks
from articles.models import Comment, OutgoingMail, Subscription
from articles.readers import COOKIE_NAME, COOKIE_SALT, Reader

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    UserFactory,
    make_editor,
    started_token,
)
from .helpers import approved_author, follower, post_comment, run_queued_tasks

pytestmark = pytest.mark.django_db

Kind = Subscription.Kind


ENQUEUE_ON_COMMIT = tasks.enqueue_on_commit


@pytest.fixture(autouse=True)
def _enqueue_as_if_committed(monkeypatch):
    """Each test runs in one transaction that never commits: enqueue tasks at once, as the
    commit would. `test_nothing_is_enqueued_before_the_comment_commits` uses the real hook."""
    monkeypatch.setattr(tasks, "enqueue_on_commit", tasks.enqueue)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def subscribe(client, article, email="sam@example.com", kind=Kind.ARTICLE, follow=False):
    data = {"notify-email": email, "notify-kind": kind, "notify-form_started": started_token()}
    return client.post(reverse("articles:subscribe", args=[article.pk]), data, follow=follow)


def link_path(message, name):
    """The path of the first link to the named view in a mail's text."""
    prefix = re.escape("http://127.0.0.1:8000") + "(/notify/[^\\s]+/)"
    for path in re.findall(prefix, message.body):
        if path.startswith(reverse(f"articles:{name}", args=["x"]).rsplit("x", 1)[0]):
            return path
    raise AssertionError(f"No {name} link in: {message.body}")


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


# --- Who gets what ---------------------------------------------------------------------


def test_follow_up_subscribers_get_the_new_comment_and_no_one_else(client):
    article = ArticleFactory()
    follower("ann@example.com", article)
    follower("bob@example.com", article)
    Subscription.objects.create(email="unconfirmed@example.com", kind=Kind.ARTICLE, article=article)
    follower("gone@example.com", article, unsubscribed_at=timezone.now())
    follower("elsewhere@example.com", ArticleFactory())
    approved_author("carl@example.com")

    post_comment(client, article, body="Carl's view of it.", name="Carl", email="carl@example.com")

    comment = Comment.objects.get(email="carl@example.com", article=article)
    assert comment.is_approved
    assert recipients() == ["ann@example.com", "bob@example.com"]
    message = mail.outbox[0]
    assert message.subject == f"Carl commented on “{article.title}”"
    assert "Carl's view of it." in message.body
    assert f"http://127.0.0.1:8000{article.get_absolute_url()}#comment-{comment.pk}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Carl&#x27;s view of it." in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://127\.0\.0\.1:8000/notify/unsubscribe/[\w-]+/one-click/>",
        message.extra_headers["List-Unsubscribe"],
    )
    # On the wire the URL stays readable, not folded into encoded words.
    wire = message.message().as_bytes()
    assert b"\nList-Unsubscribe: <http://127.0.0.1:8000/notify/unsubscribe/" in wire
    assert b"Subject: Carl commented on =?utf-8?" in wire


def test_a_reply_reaches_each_kind_of_subscriber_once_and_never_its_author(client):
    article = ArticleFactory()
    parent = CommentFactory(article=article, name="Alice", email="alice@example.com")
    follower("alice@example.com", article, kind=Kind.MY_COMMENTS)
    follower("bob@example.com", article, kind=Kind.COMMENT, comment=parent)
    # Carol matches three ways and gets one mail, naming the most specific subscription.
    follower("carol@example.com", article)
    follower("carol@example.com", article, kind=Kind.COMMENT, comment=parent)
    # The replier follows the article too, and replies to other people's comments elsewhere.
    follower("dave@example.com", article)
    follower("eve@example.com", article, kind=Kind.MY_COMMENTS)  # no comment of Eve's here
    approved_author("dave@example.com")

    post_comment(
        client, article, body="I disagree.", name="Dave", email="dave@example.com", parent=parent.pk
    )

    reply = Comment.objects.get(email="dave@example.com", article=article)
    assert reply.parent == parent and reply.is_approved
    assert recipients() == ["alice@example.com", "bob@example.com", "carol@example.com"]
    to_carol = next(m for m in mail.outbox if m.to == ["carol@example.com"])
    assert "new replies to a comment" in to_carol.body
    assert to_carol.subject == f"Dave replied on “{article.title}”"
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 3


def test_replies_to_my_comments_follow_the_account_too():
    article = ArticleFactory()
    user = UserFactory(email="writer@example.com")
    parent = CommentFactory(article=article, user=user, email="other-address@example.com")
    follower("writer@example.com", article, kind=Kind.MY_COMMENTS, user=user)
    reply = CommentFactory(article=article, parent=parent, depth=2, status=Comment.Status.PENDING)

    moderation.approve([reply.pk])

    assert recipients() == ["writer@example.com"]


def test_held_comment_mails_moderators_and_no_subscriber_until_it_is_approved(client, settings):
    settings.MAGAZINE_MODERATION_EMAILS = ["desk@example.com", "Desk@example.com"]
    writer = UserFactory(email="columnist@example.com")
    article = ArticleFactory(author=AuthorFactory(user=writer))
    follower("ann@example.com", article)

    post_comment(client, article, body="A first comment.", name="New", email="new@example.com")

    comment = Comment.objects.get(email="new@example.com")
    assert comment.status == Comment.Status.PENDING
    assert recipients() == ["columnist@example.com", "desk@example.com"]
    held = mail.outbox[0]
    assert "A first comment." in held.body and "awaits moderation" in held.subject
    assert f"/admin/articles/comment/{comment.pk}/change/" in held.body
    mail.outbox.clear()

    moderation.approve([comment.pk])
    assert recipients() == ["ann@example.com"]

    # Removed and approved again: the subscriber is not told twice.
    moderation.remove([comment.pk])
    moderation.approve([comment.pk])
    assert recipients() == ["ann@example.com"]


def test_spam_and_removed_comments_send_nothing():
    article = ArticleFactory()
    follower("ann@example.com", article)
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    moderation.mark_spam([comment.pk])
    moderation.remove([comment.pk])
    assert mail.outbox == []


def test_names_with_line_breaks_never_reach_a_header():
    article = ArticleFactory()
    follower("ann@example.com", article)
    comment = CommentFactory(
        article=article, name="Eve\r\nBcc: victim@example.com", status=Comment.Status.PENDING
    )
    moderation.approve([comment.pk])
    (message,) = mail.outbox
    assert message.to == ["ann@example.com"] and not message.bcc
    assert "\n" not in message.subject and "\r" not in message.subject
    headers = message.message()
    assert headers.get_all("Bcc") is None
    assert headers["Subject"].startswith("Eve Bcc: victim@example.com commented")


# --- Subscribing, confirming ------------------------------------------------------------


def test_a_guest_confirms_by_a_link_whose_page_has_a_button(client):
    article = ArticleFactory()
    response = subscribe(client, article, email="Sam@Example.com")
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    subscription = Subscription.objects.get()
    assert subscription.email == "sam@example.com" and not subscription.is_active
    (message,) = mail.outbox
    assert message.to == ["sam@example.com"]
    confirm_path = link_path(message, "subscription-confirm")

    page = client.get(confirm_path)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and b"<button" in page.content
    subscription.refresh_from_db()
    assert not subscription.is_active

    response = client.post(confirm_path)
    assert response.status_code == 200 and b"Confirmed" in response.content
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_confirmation_link_expires_after_seven_days(client, monkeypatch):
    article = ArticleFactory()
    subscribe(client, article)
    confirm_path = link_path(mail.outbox[0], "subscription-confirm")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 7 * 24 * 3600 + 60)

    response = client.post(confirm_path)

    assert response.status_code == 400 and b"expired" in response.content
    assert not Subscription.objects.get().is_active


def test_a_tampered_confirmation_link_is_refused(client):
    article = ArticleFactory()
    subscribe(client, article)
    confirm_path = link_path(mail.outbox[0], "subscription-confirm")
    response = client.post(confirm_path.replace("/confirm/", "/confirm/x"))
    assert response.status_code == 400
    assert not Subscription.objects.get().is_active


def test_a_signed_in_reader_subscribing_their_own_address_needs_no_confirmation(client):
    user = UserFactory(email="member@example.com")
    client.force_login(user)
    article = ArticleFactory()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'value="member@example.com"' in page  # the bar offers their address

    response = subscribe(
        client, article, email="member@example.com", kind=Kind.MY_COMMENTS, follow=True
    )

    assert b"Done: we will email member@example.com" in response.content
    subscription = Subscription.objects.get()
    assert subscription.is_active and subscription.user == user
    assert mail.outbox == []


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, one_rate_limit_window):
    article = ArticleFactory()
    follower("known@example.com", article)

    def answer(email):
        mail.outbox.clear()
        response = subscribe(Client(), article, email=email, follow=True)
        messages = re.findall(
            r'<p class="message message-success">(.*?)</p>', response.content.decode()
        )
        return (
            response.redirect_chain,
            response.status_code,
            [m.replace(email, "EMAIL") for m in messages],
            [(m.to, len(mail.outbox)) for m in mail.outbox],
        )

    known, unknown = answer("known@example.com"), answer("unknown@example.com")
    assert known[:3] == unknown[:3]
    assert known[3] == [(["known@example.com"], 1)] and unknown[3] == [(["unknown@example.com"], 1)]
    # Subscribing twice creates nothing new, and the known address stays confirmed.
    subscribe(client, article, email="known@example.com")
    assert Subscription.objects.filter(email="known@example.com").count() == 1
    assert Subscription.objects.get(email="known@example.com").is_active


def test_bad_input_is_refused_beside_the_form_with_what_was_typed(client):
    article = ArticleFactory()
    response = subscribe(client, article, email="not an address")
    assert response.status_code == 400
    assert b'value="not an address"' in response.content
    assert b"does not look right" in response.content
    response = subscribe(client, article, kind="everything")
    assert response.status_code == 400
    assert not Subscription.objects.exists() and mail.outbox == []


def test_subscribe_requests_are_limited_per_address(client, one_rate_limit_window):
    article = ArticleFactory()
    answers = [
        subscribe(Client(), article, email="target@example.com").status_code for _ in range(6)
    ]
    assert answers == [302] * 5 + [429]
    assert len(mail.outbox) == 5


def test_subscribe_requests_are_limited_per_client_address(client, one_rate_limit_window):
    article = ArticleFactory()
    limit = subscriptions.IP_RULE.limit
    answers = [
        subscribe(client, article, email=f"r{n}@example.com").status_code for n in range(limit + 1)
    ]
    assert answers[-1] == 429 and set(answers[:-1]) == {302}


def test_the_comment_form_checkbox_subscribes_to_replies_to_that_comment(client):
    article = ArticleFactory()
    post_comment(
        client, article, body="My question?", email="asker@example.com", notify_replies="on"
    )
    comment = Comment.objects.get(email="asker@example.com")
    subscription = Subscription.objects.get()
    assert (subscription.kind, subscription.comment) == (Kind.COMMENT, comment)
    confirm_mail = next(m for m in mail.outbox if m.to == ["asker@example.com"])
    client.post(link_path(confirm_mail, "subscription-confirm"))
    moderation.approve([comment.pk])
    mail.outbox.clear()

    reply = CommentFactory(article=article, parent=comment, depth=2, status=Comment.Status.PENDING)
    moderation.approve([reply.pk])

    assert recipients() == ["asker@example.com"]


def test_the_bar_is_on_the_article_page_and_the_same_for_every_anonymous_reader(settings):
    article = ArticleFactory()
    first, second = (
        Client().get(article.get_absolute_url()),
        Client().get(article.get_absolute_url()),
    )
    strip = re.compile(rb'value="[^"]*"')
    bar = re.compile(rb'<form id="notify".*?</form>', re.S)
    assert bar.search(first.content)
    assert (
        b"new follow-up comments" in first.content
        and b"new replies to my comments" in first.content
    )
    assert strip.sub(b"", bar.search(first.content)[0]) == strip.sub(
        b"", bar.search(second.content)[0]
    )
    assert set(first.cookies) <= {settings.CSRF_COOKIE_NAME}  # as for the comment form


# --- Unsubscribing -------------------------------------------------------------------


def test_the_unsubscribe_link_opens_a_page_whose_button_unsubscribes(client):
    article = ArticleFactory()
    subscription = follower("ann@example.com", article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    moderation.approve(Comment.objects.all())
    path = link_path(mail.outbox[0], "unsubscribe")

    assert client.get(path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_active
    response = client.post(path)
    assert response.status_code == 200 and b"Unsubscribed" in response.content
    subscription.refresh_from_db()
    assert not subscription.is_active

    mail.outbox.clear()
    moderation.approve([CommentFactory(article=article, status=Comment.Status.PENDING).pk])
    assert mail.outbox == []


def test_one_click_unsubscribe_by_rfc_8058_post_needs_no_csrf_token():
    article = ArticleFactory()
    subscription = follower("ann@example.com", article)
    moderation.approve([CommentFactory(article=article, status=Comment.Status.PENDING).pk])
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        url.removeprefix("http://127.0.0.1:8000"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    # The page behind the link keeps its CSRF protection.
    page = link_path(mail.outbox[0], "unsubscribe")
    assert mail_client.post(page).status_code == 403
    assert mail_client.post("/notify/unsubscribe/nonsense/one-click/").status_code == 404


def test_the_manage_page_lists_the_address_subscriptions_and_drops_them(client):
    first, second = ArticleFactory(title="First story"), ArticleFactory(title="Second story")
    one = follower("ann@example.com", first)
    two = follower("ann@example.com", second, kind=Kind.MY_COMMENTS)
    follower("bob@example.com", first)
    path = reverse("articles:subscriptions", args=[one.token])

    response = client.get(path)
    # The secret link leaves no Referer on other sites (and the page's POST keeps its Origin).
    assert response["Referrer-Policy"] == "same-origin"
    page = response.content.decode()
    assert "First story" in page and "Second story" in page and "bob@" not in page

    client.post(path, {"drop": str(two.pk)})
    two.refresh_from_db()
    one.refresh_from_db()
    assert not two.is_active and one.is_active
    client.post(path, {"drop": "all"})
    assert not Subscription.objects.for_email("ann@example.com").active().exists()
    assert Subscription.objects.get(email="bob@example.com").is_active


def test_unknown_tokens_get_a_readable_404(client):
    assert client.get(reverse("articles:unsubscribe", args=["nope"])).status_code == 404
    assert client.get(reverse("articles:subscriptions", args=["nope"])).status_code == 404


# --- Sending in the background -------------------------------------------------------


def test_nothing_is_enqueued_before_the_comment_commits(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "enqueue_on_commit", ENQUEUE_ON_COMMIT)
    article = ArticleFactory()
    follower("ann@example.com", article)
    approved_author("carl@example.com")

    with django_capture_on_commit_callbacks() as callbacks:
        post_comment(client, article, email="carl@example.com")
        assert mail.outbox == [] and not OutgoingMail.objects.exists()

    assert Comment.objects.get(email="carl@example.com", article=article).is_approved
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert recipients() == ["ann@example.com"]


@pytest.fixture
def queued_tasks(settings):
    """A backend that only stores tasks, run by `run_queued_tasks()` like a worker."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    yield
    default_task_backend.clear()


def test_a_failing_mail_server_keeps_the_comment_and_the_mail_is_retried_once_sent(
    client, settings, queued_tasks
):
    article = ArticleFactory()
    follower("ann@example.com", article)
    approved_author("carl@example.com")
    settings.MAILERS = {"default": {"BACKEND": "tests.test_subscriptions.FailingBackend"}}

    response = post_comment(client, article, body="Still here.", email="carl@example.com")

    assert response.status_code == 302
    assert Comment.objects.get(email="carl@example.com", article=article).is_approved
    assert run_queued_tasks() == [("notify_subscribers", 1), ("send_email", "retry")]
    outgoing = OutgoingMail.objects.get()
    assert outgoing.status == OutgoingMail.Status.QUEUED and outgoing.attempts == 1
    assert "SMTPServerDisconnected" in outgoing.last_error
    (retry,) = default_task_backend.results
    assert retry.task.run_after > timezone.now() + timedelta(seconds=50)

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    retry.task.enqueue(*retry.args)  # a duplicate, e.g. a task run twice
    later = retry.task.run_after + timedelta(seconds=1)
    assert run_queued_tasks(at=later) == [("send_email", "sent"), ("send_email", "skipped")]
    assert recipients() == ["ann@example.com"]
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingMail.Status.SENT and outgoing.attempts == 2


def test_retries_back_off_and_stop_after_the_last_attempt(settings, queued_tasks):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_subscriptions.FailingBackend"}}
    tasks.queue_email("ann@example.com", "Hello", "Body", key="test:1")
    delays = []
    for _ in range(tasks.MAX_ATTEMPTS):
        (pending,) = default_task_backend.results
        before = timezone.now()
        run_queued_tasks(at=pending.task.run_after)
        for queued in default_task_backend.results:
            delays.append(round((queued.task.run_after - before).total_seconds() / 60))
    assert delays == [1, 5, 30, 120]
    outgoing = OutgoingMail.objects.get()
    assert outgoing.status == OutgoingMail.Status.FAILED
    assert outgoing.attempts == tasks.MAX_ATTEMPTS
    assert default_task_backend.results == []


def test_the_same_mail_is_stored_and_sent_once():
    assert tasks.queue_email("ann@example.com", "Hi", "Body", key="same") is not None
    assert tasks.queue_email("ann@example.com", "Hi", "Body", key="same") is None
    assert len(mail.outbox) == 1


def test_queue_email_refuses_an_address_with_a_line_break():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        tasks.queue_email("ann@example.com\nBcc: x@example.com", "Hi", "Body")
    assert not OutgoingMail.objects.exists()


def test_an_immediate_backend_leaves_a_failed_mail_for_send_queued_mail(settings):
    from django.core.management import call_command

    settings.MAILERS = {"default": {"BACKEND": "tests.test_subscriptions.FailingBackend"}}
    tasks.queue_email("ann@example.com", "Hello", "Body")
    outgoing = OutgoingMail.objects.get()
    assert outgoing.status == OutgoingMail.Status.QUEUED and outgoing.attempts == 1

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    call_command("send_queued_mail", stdout=io.StringIO())
    assert recipients() == ["ann@example.com"]


# --- Admin ---------------------------------------------------------------------------


def test_editors_find_subscriptions_by_email_and_erase_an_address(client):
    article = ArticleFactory()
    one = follower("ann@example.com", article)
    follower("ann@example.com", ArticleFactory(), kind=Kind.MY_COMMENTS)
    follower("bob@example.com", article)
    client.force_login(make_editor())
    changelist = reverse("admin:articles_subscription_changelist")

    page = client.get(changelist, {"q": "ann@"})
    assert page.status_code == 200
    assert page.content.count(b"ann@example.com") >= 2 and b"bob@example.com" not in page.content

    client.post(
        changelist, {"action": "erase_addresses", "_selected_action": [one.pk]}, follow=True
    )
    assert list(Subscription.objects.values_list("email", flat=True)) == ["bob@example.com"]


def test_a_guests_reply_subscription_is_theirs_by_their_reader_token(client):
    article = ArticleFactory()
    signed = HttpResponse()
    signed.set_signed_cookie(COOKIE_NAME, "a-guests-token", salt=COOKIE_SALT)
    client.cookies[COOKIE_NAME] = signed.cookies[COOKIE_NAME].value
    post_comment(
        client, article, body="My question?", email="guest@example.com", notify_replies="on"
    )
    guest = Reader(user=None, token="a-guests-token")
    subscription = Subscription.objects.get()
    assert subscription.reader_hash == guest.token_hash
    assert subscription.reader_kind == "guest"
    assert list(Subscription.objects.by_reader(guest)) == [subscription]
    assert not Subscription.objects.by_reader(Reader(user=None, token="someone-else")).exists()


def test_a_subscription_is_an_account_or_a_guest_never_both():
    with pytest.raises(IntegrityError):
        Subscription.objects.create(
            email="sam@example.com",
            kind=Kind.ARTICLE,
            article=ArticleFactory(),
            user=UserFactory(),
            reader_hash="a" * 64,
        )
