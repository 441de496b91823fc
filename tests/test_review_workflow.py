"""Review that reaches the editors: each step a named function, checked for who may
take it, written to the article's history and mailed to the people concerned."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleRevision

from .factories import (
    ArticleFactory,
    AuthorFactory,
    UserFactory,
    article_admin_data,
    make_editor,
    make_writer,
)

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def writer():
    return make_writer(first_name="Wanda", last_name="Writer")


@pytest.fixture
def editor():
    return make_editor(first_name="Ed", last_name="Itor")


@pytest.fixture
def draft(writer):
    return ArticleFactory(
        title="The bridge story", status=Status.DRAFT, publish_at=None, created_by=writer
    )


def _to(mailoutbox, address):
    return [m for m in mailoutbox if address in m.to]


def _kinds(article):
    return list(
        ArticleRevision.objects.filter(article=article)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_submitting_for_review_mails_every_active_editor(draft, writer, editor, mailoutbox):
    other = make_editor()
    away = make_editor(is_active=False)
    workflow.submit_for_review(draft, by=writer)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert _to(mailoutbox, editor.email) and _to(mailoutbox, other.email)
    assert not _to(mailoutbox, away.email)
    assert not _to(mailoutbox, writer.email)
    mail = _to(mailoutbox, editor.email)[0]
    assert "The bridge story" in mail.subject
    assert reverse("admin:articles_article_change", args=[draft.pk]) in mail.body
    assert _kinds(draft)[-1] == "review"


def test_a_writer_cannot_submit_someone_elses_draft(editor, mailoutbox):
    someone = ArticleFactory(status=Status.DRAFT, publish_at=None, created_by=make_writer())
    with pytest.raises(PermissionDenied):
        workflow.submit_for_review(someone, by=make_writer())
    someone.refresh_from_db()
    assert someone.status == Status.DRAFT
    assert not mailoutbox


def test_only_a_draft_can_be_submitted(draft, writer):
    workflow.submit_for_review(draft, by=writer)
    with pytest.raises(ValidationError):
        workflow.submit_for_review(draft, by=writer)


def test_a_writer_withdraws_their_story_from_review(draft, writer):
    workflow.submit_for_review(draft, by=writer)
    workflow.withdraw(draft, by=writer)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert _kinds(draft)[-1] == "withdraw"


def test_sending_back_keeps_the_note_in_history_and_mails_the_writer(
    draft, writer, editor, mailoutbox
):
    byline_user = make_writer()
    draft.author = AuthorFactory(user=byline_user)
    draft.save()
    workflow.submit_for_review(draft, by=writer)
    mailoutbox.clear()
    workflow.send_back(draft, "Check the mayor's quote, please.", by=editor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    last = ArticleRevision.objects.filter(article=draft).first()
    assert (last.kind, last.note) == ("send_back", "Check the mayor's quote, please.")
    for person in (writer, byline_user):
        (mail,) = _to(mailoutbox, person.email)
        assert "Check the mayor's quote, please." in mail.body
    assert not _to(mailoutbox, editor.email)


def test_sending_back_needs_a_note(draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    with pytest.raises(ValidationError):
        workflow.send_back(draft, "   ", by=editor)


@pytest.mark.parametrize("step", ["approve", "publish", "send_back"])
def test_a_writer_cannot_take_an_editors_step(draft, writer, step):
    workflow.submit_for_review(draft, by=writer)
    calls = {
        "approve": lambda: workflow.approve_and_schedule(
            draft, timezone.now() + datetime.timedelta(hours=1), by=writer
        ),
        "publish": lambda: workflow.publish_now(draft, by=writer),
        "send_back": lambda: workflow.send_back(draft, "no", by=writer),
    }
    with pytest.raises(PermissionDenied):
        calls[step]()
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_approving_schedules_the_story_and_tells_the_writer_when(
    draft, writer, editor, mailoutbox, settings
):
    settings.TIME_ZONE = "Europe/Minsk"
    workflow.submit_for_review(draft, by=writer)
    when = datetime.datetime(2030, 12, 3, 11, 0, tzinfo=datetime.UTC)
    workflow.approve_and_schedule(draft, when, by=editor)
    draft.refresh_from_db()
    assert draft.is_scheduled and draft.publish_at == when
    (mail,) = _to(mailoutbox, writer.email)
    assert "Tue 3 Dec 2030, 14:00 (Europe/Minsk)" in mail.body
    assert _kinds(draft)[-1] == "approve"


def test_approving_for_a_time_past_is_refused(draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    with pytest.raises(ValidationError):
        workflow.approve_and_schedule(
            draft, timezone.now() - datetime.timedelta(minutes=1), by=editor
        )


def test_publishing_now_puts_it_on_the_site_and_tells_the_writer(
    draft, writer, editor, mailoutbox, client
):
    workflow.submit_for_review(draft, by=writer)
    workflow.publish_now(draft, by=editor)
    draft.refresh_from_db()
    assert draft.is_published
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert _to(mailoutbox, writer.email)
    assert _kinds(draft)[-1] == "publish"


def test_the_history_page_shows_the_steps_and_the_note(client, draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    workflow.send_back(draft, "Shorter headline.", by=editor)
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_history", args=[draft.pk])).content.decode()
    assert "Sent for review" in page
    assert "Sent back" in page
    assert "Shorter headline." in page


# The admin: buttons, not the status dropdown.


def _change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _step_url(article, step):
    return reverse(f"admin:articles_article_{step}", args=[article.pk])


def test_a_writer_sees_submit_for_review_and_no_status_dropdown(client, draft, writer):
    client.force_login(writer)
    page = client.get(_change(draft)).content.decode()
    assert "Submit for review" in page
    assert 'name="status"' not in page
    assert "Approve and schedule" not in page


def test_an_editor_sees_the_review_buttons_on_a_story_in_review(client, draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    client.force_login(editor)
    page = client.get(_change(draft)).content.decode()
    for button in ("Approve and schedule", "Publish now", "Send back with a note"):
        assert button in page


def test_the_submit_button_sends_the_story_to_review(client, draft, writer, editor, mailoutbox):
    client.force_login(writer)
    response = client.post(_step_url(draft, "submit_for_review"), follow=True)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert any("sent for review" in str(m).lower() for m in response.context["messages"])
    assert _to(mailoutbox, editor.email)


def test_a_step_takes_only_a_post(client, draft, writer):
    client.force_login(writer)
    assert client.get(_step_url(draft, "submit_for_review")).status_code == 405
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_writer_cannot_take_a_step_on_someone_elses_story(client):
    theirs = ArticleFactory(status=Status.DRAFT, publish_at=None, created_by=make_writer())
    client.force_login(make_writer())
    assert client.post(_step_url(theirs, "submit_for_review")).status_code == 404


def test_a_writer_posting_an_editors_step_is_refused(client, draft, writer):
    workflow.submit_for_review(draft, by=writer)
    client.force_login(writer)
    assert client.post(_step_url(draft, "publish_now")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_a_writer_cannot_publish_by_crafting_the_change_form(client, draft, writer):
    client.force_login(writer)
    data = article_admin_data(
        draft, status="published", publish_at_0="2030-01-01", publish_at_1="10:00:00"
    )
    client.post(_change(draft), data)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.publish_at is None


def test_send_back_with_a_note_from_the_admin(client, draft, writer, editor, mailoutbox):
    workflow.submit_for_review(draft, by=writer)
    client.force_login(editor)
    response = client.post(_step_url(draft, "send_back"), {"note": "Needs a second source."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "Needs a second source." in _to(mailoutbox, writer.email)[-1].body
    client.force_login(writer)
    assert "Needs a second source." in client.get(_change(draft)).content.decode()


def test_send_back_without_a_note_keeps_the_form_and_says_why(client, draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    client.force_login(editor)
    response = client.post(_step_url(draft, "send_back"), {"note": ""})
    assert response.status_code == 400
    assert "Say what needs changing" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_approve_and_schedule_from_the_admin(client, draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    client.force_login(editor)
    when = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        _step_url(draft, "approve"),
        {"approve-publish_at": when.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.is_scheduled
    assert any("Will be published on" in str(m) for m in response.context["messages"])


def test_approve_with_a_time_past_keeps_what_was_typed(client, draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    client.force_login(editor)
    response = client.post(_step_url(draft, "approve"), {"approve-publish_at": "2001-02-03T04:05"})
    assert response.status_code == 400
    assert "2001-02-03T04:05" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


# What the hostile review found.


def test_on_a_fresh_install_the_superuser_is_mailed_a_story_for_review(draft, writer, mailoutbox):
    boss = UserFactory(is_staff=True, is_superuser=True, email="boss@example.com")
    workflow.submit_for_review(draft, by=writer)
    assert _to(mailoutbox, boss.email)


def test_whoever_holds_the_publish_permission_is_mailed_by_group_or_directly(
    draft, writer, mailoutbox
):
    chiefs = Group.objects.create(name="Chiefs")
    chiefs.permissions.add(Permission.objects.get(codename="publish_article"))
    by_group = UserFactory(is_staff=True, email="chief@example.com")
    by_group.groups.add(chiefs)
    directly = UserFactory(is_staff=True, email="direct@example.com")
    directly.user_permissions.add(Permission.objects.get(codename="publish_article"))
    bystander = make_writer(email="bystander@example.com")
    workflow.submit_for_review(draft, by=writer)
    assert _to(mailoutbox, by_group.email) and _to(mailoutbox, directly.email)
    assert not _to(mailoutbox, bystander.email)


def test_an_editor_cannot_withdraw_a_writers_story(draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    with pytest.raises(PermissionDenied):
        workflow.withdraw(draft, by=editor)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert "withdraw" not in workflow.available_steps(draft, editor)
    assert "withdraw" in workflow.available_steps(draft, writer)


def test_the_byline_writer_may_withdraw_the_story(draft, writer):
    byline_user = make_writer()
    draft.author = AuthorFactory(user=byline_user)
    draft.save()
    workflow.submit_for_review(draft, by=writer)
    workflow.withdraw(draft, by=byline_user)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_approving_with_no_unpublish_time_clears_the_old_one(draft, writer, editor):
    draft.unpublish_at = timezone.now() + datetime.timedelta(days=3)
    draft.save()
    workflow.submit_for_review(draft, by=writer)
    workflow.approve_and_schedule(draft, timezone.now() + datetime.timedelta(days=1), by=editor)
    draft.refresh_from_db()
    assert draft.is_scheduled and draft.unpublish_at is None


def test_the_approval_mail_says_when_the_story_comes_down(
    draft, writer, editor, mailoutbox, settings
):
    settings.TIME_ZONE = "Europe/Minsk"
    workflow.submit_for_review(draft, by=writer)
    when = datetime.datetime(2030, 12, 3, 11, 0, tzinfo=datetime.UTC)
    down = datetime.datetime(2030, 12, 10, 11, 0, tzinfo=datetime.UTC)
    workflow.approve_and_schedule(draft, when, by=editor, unpublish_at=down)
    (mail,) = _to(mailoutbox, writer.email)
    assert "Will be taken down on Tue 10 Dec 2030, 14:00 (Europe/Minsk)" in mail.body
    assert "Will be taken down on" in mail.alternatives[0][0]


def test_sending_back_a_scheduled_story_leaves_no_publish_time_on_the_draft(
    client, draft, writer, editor
):
    workflow.submit_for_review(draft, by=writer)
    far = datetime.datetime(9999, 12, 31, 22, 59, tzinfo=datetime.UTC)
    workflow.approve_and_schedule(draft, far, by=editor)
    workflow.send_back(draft, "Hold it: the lawyers want a look.", by=editor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.publish_at is None
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "9999" not in page


def test_a_step_reads_the_stage_afresh_and_refuses_a_story_that_moved_on(draft, writer, editor):
    workflow.submit_for_review(draft, by=writer)
    stale = Article.objects.get(pk=draft.pk)  # the page another editor opened
    workflow.publish_now(draft, by=editor)
    with pytest.raises(ValidationError):
        workflow.send_back(stale, "Too late, it is live.", by=make_editor())
    draft.refresh_from_db()
    assert draft.is_published
    assert _kinds(draft).count("send_back") == 0
