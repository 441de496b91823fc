"""The review desk in the admin: who may open a step's form, what it is filled with,
and what the messages say."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article

from .factories import ArticleFactory, UserFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def writer():
    return make_writer()


@pytest.fixture
def in_review(writer):
    return ArticleFactory(
        title="The bridge story", status=Status.IN_REVIEW, publish_at=None, created_by=writer
    )


def _step_url(article, step):
    return reverse(f"admin:articles_article_{step}", args=[article.pk])


def _change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("step", ["approve", "send_back"])
def test_a_writer_opening_an_editors_step_form_is_refused(client, in_review, writer, step):
    client.force_login(writer)
    assert client.get(_step_url(in_review, step)).status_code == 403


@pytest.mark.parametrize("step", ["approve", "send_back"])
def test_a_step_form_for_a_story_in_the_wrong_stage_says_so_and_goes_back(client, step):
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None)
    client.force_login(make_editor())
    response = client.get(_step_url(draft, step))
    assert response.status_code == 302
    assert response["Location"] == _change(draft)
    page = client.get(response["Location"])
    assert any("Only a story in review" in m for m in _messages(page))


def test_submitting_when_no_editor_has_an_address_does_not_claim_they_were_told(client):
    UserFactory(is_staff=True, is_superuser=True, email="")
    writer = make_writer()
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None, created_by=writer)
    client.force_login(writer)
    response = client.post(_step_url(draft, "submit_for_review"), follow=True)
    texts = " ".join(_messages(response))
    assert "sent for review" in texts
    assert "the editors are told" not in texts
    assert "No editor has an email address to be told at." in texts


def test_the_approve_form_shows_the_storys_own_times_ahead(client, in_review, settings):
    settings.TIME_ZONE = "Europe/Minsk"
    in_review.publish_at = datetime.datetime(2030, 12, 3, 11, 0, tzinfo=datetime.UTC)
    in_review.unpublish_at = datetime.datetime(2030, 12, 10, 11, 0, tzinfo=datetime.UTC)
    in_review.save()
    client.force_login(make_editor())
    for url in (_change(in_review), _step_url(in_review, "approve")):
        page = client.get(url).content.decode()
        assert 'value="2030-12-03T14:00:00"' in page
        assert 'value="2030-12-10T14:00:00"' in page


def test_the_approve_form_leaves_out_times_already_past(client, in_review):
    in_review.publish_at = timezone.now() - datetime.timedelta(days=1)
    in_review.save()
    client.force_login(make_editor())
    page = client.get(_step_url(in_review, "approve")).content.decode()
    assert not re.search(r'name="approve-publish_at"[^>]*value=', page)


def test_clearing_the_unpublish_time_on_approval_means_no_takedown(client, in_review, settings):
    settings.TIME_ZONE = "Europe/Minsk"
    in_review.unpublish_at = timezone.now() + datetime.timedelta(days=5)
    in_review.save()
    client.force_login(make_editor())
    when = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        _step_url(in_review, "approve"),
        {"approve-publish_at": when.strftime("%Y-%m-%dT%H:%M"), "approve-unpublish_at": ""},
        follow=True,
    )
    in_review.refresh_from_db()
    assert in_review.is_scheduled and in_review.unpublish_at is None
    assert not any("taken down" in m for m in _messages(response))


def test_the_approval_message_says_when_the_story_comes_down(client, in_review, settings):
    settings.TIME_ZONE = "Europe/Minsk"
    timezone.activate("Europe/Minsk")
    client.force_login(make_editor())
    response = client.post(
        _step_url(in_review, "approve"),
        {"approve-publish_at": "2030-12-03T14:00", "approve-unpublish_at": "2030-12-10T14:00"},
        follow=True,
    )
    timezone.deactivate()
    assert (
        "Will be published on Tue 3 Dec 2030, 14:00 (Europe/Minsk). "
        "Will be taken down on Tue 10 Dec 2030, 14:00 (Europe/Minsk)."
    ) in _messages(response)


def test_the_approve_forms_help_is_on_the_page_its_field_points_at(client, in_review):
    client.force_login(make_editor())
    for url in (_change(in_review), _step_url(in_review, "approve")):
        page = client.get(url).content.decode()
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        described = re.findall(r'aria-describedby="(id_approve-[^"]+)"', page)
        assert "id_approve-unpublish_at_helptext" in described
        for names in described:
            assert set(names.split()) <= ids, names


def test_the_sent_back_note_says_when_in_the_newsrooms_zone(client, settings):
    settings.TIME_ZONE = "Europe/Minsk"
    writer = make_writer()
    draft = ArticleFactory(status=Status.IN_REVIEW, publish_at=None, created_by=writer)
    workflow.send_back(draft, "Check the quote.", by=make_editor())
    client.force_login(writer)
    page = client.get(_change(draft)).content.decode()
    assert re.search(r"Sent back by .* on \w{3} \d+ \w{3} \d{4}, \d\d:\d\d \(Europe/Minsk\)", page)


def test_the_history_says_when_each_step_was_in_the_newsrooms_zone(client, settings):
    settings.TIME_ZONE = "Europe/Minsk"
    writer = make_writer()
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None, created_by=writer)
    workflow.submit_for_review(draft, by=writer)
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_history", args=[draft.pk]))
    assert re.search(r"\w{3} \d+ \w{3} \d{4}, \d\d:\d\d \(Europe/Minsk\)", page.content.decode())


def test_the_newsroom_when_filter_says_the_zone(settings):
    settings.TIME_ZONE = "Europe/Minsk"
    moment = datetime.datetime(2030, 12, 3, 11, 0, tzinfo=datetime.UTC)
    template = Template("{% load newsroom %}{{ moment|newsroom_when }}")
    assert template.render(Context({"moment": moment})) == "Tue 3 Dec 2030, 14:00 (Europe/Minsk)"
