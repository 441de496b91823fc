"""The editors' submission queue: list, review page, counts, and who may use it."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import submissions
from articles.models import Submission, SubmissionImage

from .factories import SubmissionFactory, image_upload, make_editor, make_writer

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_submission_changelist")


def test_the_queue_lists_status_pack_contributor_section_and_date(client):
    SubmissionFactory(title="Queue story", name="Grace Hopper", email="grace@example.com")
    client.force_login(make_editor())
    page = client.get(CHANGELIST).content.decode()
    for text in ("Queue story", "Received", "Single story", "Grace Hopper", "grace@example.com"):
        assert text in page
    assert "Russia" in page


def test_the_queue_filters_and_searches(client):
    SubmissionFactory(title="About bridges")
    declined = SubmissionFactory(title="About tunnels")
    submissions.decline_submission(declined, "No.")
    client.force_login(make_editor())
    page = client.get(CHANGELIST, {"status__exact": "declined"}).content.decode()
    assert "About tunnels" in page and "About bridges" not in page
    page = client.get(CHANGELIST, {"q": "bridges"}).content.decode()
    assert "About bridges" in page and "About tunnels" not in page


def test_the_review_page_shows_the_text_escaped_and_the_images(client):
    submission = SubmissionFactory(story="Hello <script>alert(1)</script>\n\nSecond part.")
    SubmissionImage.objects.create(
        submission=submission, image=image_upload(), alt="A <b>bridge</b>", credit="Me"
    )
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_submission_change", args=[submission.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)" not in html
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<p class="submission-paragraph">Second part.</p>' in html
    assert (
        f'<img src="{submission.images.get().image.url}" alt="A &lt;b&gt;bridge&lt;/b&gt;"' in html
    )
    assert "history" in html


def test_the_queue_costs_the_same_with_many_submissions(client):
    client.force_login(make_editor())
    SubmissionFactory.create_batch(3)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CHANGELIST).status_code == 200
        return len(captured)

    queries()  # warm the per-process caches (content types, site settings)
    few = queries()
    SubmissionFactory.create_batch(30)
    assert queries() == few


def test_the_admin_index_counts_new_submissions_but_not_spam(client):
    SubmissionFactory.create_batch(2)
    SubmissionFactory(status=Submission.Status.SPAM)
    submissions.start_review(SubmissionFactory())
    client.force_login(make_editor())
    page = client.get(reverse("admin:index")).content.decode()
    assert "<strong>2</strong> new submissions</a>" in page
    assert f'href="{CHANGELIST}?status__exact=received"' in page


def test_writers_do_not_see_the_queue(client):
    SubmissionFactory()
    client.force_login(make_writer())
    assert "new submission" not in client.get(reverse("admin:index")).content.decode()
    assert client.get(CHANGELIST).status_code == 403


def test_editors_cannot_add_or_edit_submissions_by_hand(client):
    submission = SubmissionFactory()
    client.force_login(make_editor())
    assert client.get(reverse("admin:articles_submission_add")).status_code == 403
    page = client.get(reverse("admin:articles_submission_change", args=[submission.pk]))
    assert 'name="title"' not in page.content.decode()


def test_start_review_only_from_received(client):
    submission = SubmissionFactory()
    submissions.decline_submission(submission, "No.")
    with pytest.raises(submissions.InvalidTransition):
        submissions.start_review(submission)


def test_editors_manage_packs(client):
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_pack_add"),
        {
            "name": "Interview",
            "slug": "interview",
            "description": "Q and A.",
            "order": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert "Interview" in client.get(reverse("articles:packs")).content.decode()


def test_the_review_page_offers_the_next_steps_which_post_to_the_queue(client):
    submission = SubmissionFactory()
    client.force_login(make_editor())
    url = reverse("admin:articles_submission_change", args=[submission.pk])
    page = client.get(url).content.decode()
    assert 'value="start_review"' in page and 'value="accept"' in page
    response = client.post(
        CHANGELIST, {"action": "start_review", "_selected_action": [submission.pk]}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'value="start_review"' not in page and 'value="request_changes"' in page


def test_deleting_a_submission_removes_its_files(
    client, settings, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory()
    image = SubmissionImage.objects.create(
        submission=submission, image=image_upload(), alt="a", credit="c"
    )
    path = image.image.path
    client.force_login(make_editor())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_submission_delete", args=[submission.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Submission.objects.exists()
    assert not os.path.exists(path)
