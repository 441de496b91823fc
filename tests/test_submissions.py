"""Post Your Story: the packs, the form and its guards, the status page, the whole path."""

import io
import os

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import publishing, submissions
from articles.models import Article, Category, OutgoingMail, Pack, Submission, SubmissionImage
from articles.views.submissions import max_request_bytes

from .factories import (
    CategoryFactory,
    PackFactory,
    SubmissionFactory,
    article_admin_data,
    image_upload,
    make_editor,
    started_token,
)
from .helpers import SUBMIT, form_data, guard_misses, stored_files, with_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a request, then what it left for after the commit (mail), as production does."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def jpeg_with_metadata():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make; GPS tags travel the same way
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), "image/jpeg")


# Packs.


def test_packs_page_lists_active_packs_each_linking_to_the_form_with_it_chosen(client):
    PackFactory(name="Hidden pack", is_active=False)
    PackFactory(name="Sponsored feature", price="From €50", included="Photo shoot\nEditing")
    page = client.get(reverse("articles:packs")).content.decode()
    for name in ("Single story", "Photo story", "Column", "Sponsored feature"):
        assert name in page
    assert "Hidden pack" not in page
    assert "From €50" in page and "<li>Photo shoot</li>" in page
    assert f'href="{SUBMIT}?pack=photo-story"' in page
    assert "No payment is taken here" in page


def test_packs_page_sets_no_cookie(client):
    response = client.get(reverse("articles:packs"))
    assert response.status_code == 200
    assert not response.cookies


def test_the_article_page_and_footer_lead_to_the_packs(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    assert page.count(f'href="{reverse("articles:packs")}"') == 2
    assert page.count(f'href="{SUBMIT}"') == 2


def test_a_pack_link_preselects_that_pack_and_limits_are_stated(client):
    page = client.get(SUBMIT, {"pack": "photo-story"}).content.decode()
    assert '<option value="photo-story" selected>' in page
    assert "at most 10.0\xa0MB and 40 megapixels" in page
    assert "up to 3" in page
    assert "World › Russia" in page
    assert 'enctype="multipart/form-data"' in page


# The whole path.


def test_the_whole_path_from_form_to_published_story(client, committed, settings):
    settings.MAGAZINE_SITE_URL = "https://magazine.example.com"
    data = with_image(form_data(), jpeg_with_metadata())
    response = committed(client.post, SUBMIT, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:submit-done")

    submission = Submission.objects.get()
    assert submission.status == Submission.Status.RECEIVED
    assert len(submission.token) >= 43 and submission.ip_hash and submission.rights_confirmed_at
    assert submission.tags == "Minsk, trains"
    image = submission.images.get()
    assert (image.alt, image.credit, image.width, image.height) == (
        "A train at night",
        "Ada Lovelace",
        1200,
        800,
    )
    with image.image.open("rb") as f:
        assert b"SpyCam" not in f.read()
    assert "IMG_0001" not in image.image.name

    # The thank-you page and the receipt both carry the private link.
    status_url = submission.get_absolute_url()
    done = client.get(response["Location"]).content.decode()
    assert status_url in done
    (receipt,) = mail.outbox
    assert receipt.to == ["ada@example.com"]
    assert "Night trains of Minsk" in receipt.subject
    assert f"https://magazine.example.com{status_url}" in receipt.body
    html, mimetype = receipt.alternatives[0]
    assert mimetype == "text/html" and f"https://magazine.example.com{status_url}" in html

    status_page = client.get(status_url)
    assert status_page["Referrer-Policy"] == "same-origin"
    assert "Received" in status_page.content.decode()
    assert "The second &lt;b&gt;paragraph&lt;/b&gt;." in status_page.content.decode()

    # The editors: review, then ask for changes with a message.
    editor_client = Client()  # the editor's browser, beside the contributor's
    editor_client.force_login(make_editor())
    changelist = reverse("admin:articles_submission_changelist")
    selected = {"_selected_action": [submission.pk]}
    committed(editor_client.post, changelist, {"action": "start_review", **selected})
    asked = editor_client.post(changelist, {"action": "request_changes", **selected})
    assert asked.status_code == 200 and "your message to the contributor" in asked.content.decode()
    committed(
        editor_client.post,
        changelist,
        {
            "action": "request_changes",
            "apply": "yes",
            "message": "Please add where the photo was taken.",
            **selected,
        },
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.CHANGES_REQUESTED
    assert [m.subject for m in mail.outbox[1:]] == [
        "Your story “Night trains of Minsk” is in review",
        "Changes requested for your story “Night trains of Minsk”",
    ]
    assert "Please add where the photo was taken." in mail.outbox[-1].body

    # The contributor reads the message, edits and sends again.
    page = client.get(status_url).content.decode()
    assert "Please add where the photo was taken." in page
    edit_url = reverse("articles:submission-edit", args=[submission.token])
    assert edit_url in page
    edit_form = client.get(edit_url).content.decode()
    assert "Night trains of Minsk" in edit_form
    resent = committed(
        client.post,
        edit_url,
        {
            **form_data(title="Night trains of Minsk, from the platform"),
            "story": "The first paragraph.\n\nTaken at Minsk-Passazhirsky.",
        },
    )
    assert resent.status_code == 302 and resent["Location"] == status_url
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECEIVED
    assert submission.title == "Night trains of Minsk, from the platform"
    assert submission.images.count() == 1  # no new images: the old one stays
    assert [e.status for e in submission.events.all()] == [
        "received",
        "in_review",
        "changes_requested",
        "received",
    ]
    assert client.get(edit_url)["Location"] == status_url  # no second edit without a request

    # Accepting makes a draft article and opens it for editing.
    accepted = committed(editor_client.post, changelist, {"action": "accept", **selected})
    submission.refresh_from_db()
    article = submission.article
    assert accepted["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert submission.status == Submission.Status.ACCEPTED
    assert article.status == Article.Status.DRAFT
    assert article.title == "Night trains of Minsk, from the platform"
    assert [b.text for b in article.blocks()] == [
        "The first paragraph.",
        "Taken at Minsk-Passazhirsky.",
    ]
    assert article.category.path == "world/russia"
    assert sorted(t.name for t in article.tags.all()) == ["Minsk", "trains"]
    assert article.author.name == "Ada Lovelace"
    assert (article.image_alt, article.image_credit) == ("A train at night", "Ada Lovelace")
    assert article.image and article.image.name.startswith("articles/")
    assert client.get(article.get_absolute_url()).status_code == 404  # not public yet

    # Publishing the article publishes the submission.
    committed(
        editor_client.post,
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PUBLISHED
    assert (
        mail.outbox[-1].subject
        == "Your story “Night trains of Minsk, from the platform” is published"
    )
    page = client.get(status_url).content.decode()
    assert "Published" in page and article.get_absolute_url() in page
    assert client.get(article.get_absolute_url()).status_code == 200


def test_publishing_through_the_article_form_publishes_the_submission(client, committed):
    submission = SubmissionFactory()
    article = submissions.accept_submission(submission)
    client.force_login(make_editor())
    response = committed(
        client.post,
        reverse("admin:articles_article_change", args=[article.pk]),
        article_admin_data(
            article, status="published", publish_at_0="2020-01-01", publish_at_1="10:00:00"
        ),
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PUBLISHED


def test_the_submission_history_names_the_editor_who_published_the_article(client, committed):
    submission = SubmissionFactory()
    article = submissions.accept_submission(submission)
    editor = make_editor()
    client.force_login(editor)
    committed(
        client.post,
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    published = submission.events.get(status=Submission.Status.PUBLISHED)
    assert published.created_by == editor
    history = client.get(reverse("admin:articles_submission_change", args=[submission.pk]))
    assert editor.username in history.content.decode().split("History (the contributor")[1]


def test_a_returning_contributor_keeps_their_author_profile():
    first = SubmissionFactory(email="Ada@Example.com")
    second = SubmissionFactory(email="ada@example.com")
    a = submissions.accept_submission(first)
    b = submissions.accept_submission(second)
    assert a.author == b.author


def test_editors_cannot_accept_a_declined_submission(client):
    submission = SubmissionFactory()
    submissions.decline_submission(submission, "Not for us, sorry.")
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_submission_changelist"),
        {"action": "accept", "_selected_action": [submission.pk]},
        follow=True,
    )
    assert "cannot become accepted" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DECLINED and submission.article is None


def test_declining_needs_a_message_and_the_contributor_reads_it(client, committed):
    submission = SubmissionFactory()
    client.force_login(make_editor())
    changelist = reverse("admin:articles_submission_changelist")
    selected = {"action": "decline", "_selected_action": [submission.pk]}
    empty = client.post(changelist, {**selected, "apply": "yes", "message": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    committed(client.post, changelist, {**selected, "apply": "yes", "message": "Off topic <b>."})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DECLINED
    assert "Off topic <b>." in mail.outbox[-1].body
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Off topic &lt;b&gt;." in page
    assert "submission-edit" not in page and "/edit/" not in page


# Bad input: a 4xx, the text kept, nothing stored.


def _assert_refused(response, settings, message):
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Night trains of Minsk" in page and "The first paragraph." in page
    assert "please choose them again" in page
    assert not Submission.objects.exists()
    assert stored_files(settings) == []


def _noise_png(size):
    noise = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    return SimpleUploadedFile("noise.png", buffer.getvalue(), "image/png")


def _gif():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format="GIF")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), "image/jpeg")


@pytest.mark.parametrize(
    ("make_upload", "limits", "message"),
    [
        (
            lambda: SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", "image/jpeg"),
            {},
            "not a JPEG, PNG or WebP image",
        ),
        (_gif, {}, "not a JPEG, PNG or WebP image"),
        (lambda: _noise_png((300, 300)), {"MAGAZINE_IMAGE_MAX_BYTES": 50_000}, "at most 48.8"),
        (
            lambda: image_upload(size=(2000, 1000), fmt="PNG"),
            {"MAGAZINE_IMAGE_MAX_PIXELS": 1_000_000},
            "at most 1 megapixels",
        ),
    ],
    ids=["fake-image", "wrong-type", "oversized", "too-many-pixels"],
)
def test_bad_images_are_refused_with_the_text_kept(client, settings, make_upload, limits, message):
    for name, value in limits.items():
        setattr(settings, name, value)
    response = client.post(SUBMIT, with_image(form_data(), make_upload()))
    _assert_refused(response, settings, message)


def test_more_than_three_images_are_refused(client, settings):
    data = form_data()
    for n in (1, 2, 3):
        data = with_image(data, n=n)
    data["image_4"] = image_upload()
    response = client.post(SUBMIT, data)
    _assert_refused(response, settings, "Please send at most 3 images.")


def test_several_files_in_one_slot_count_too(client, settings):
    data = with_image(form_data())
    data["image_1"] = [image_upload(), image_upload(), image_upload(), image_upload()]
    response = client.post(SUBMIT, data)
    _assert_refused(response, settings, "Please send at most 3 images.")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rights": ""}, "Please confirm that you own the rights"),
        ({"email": "ada@@example"}, "Enter a valid email address."),
        ({"category": ""}, "This field is required."),
        ({"pack": "no-such-pack"}, "Select a valid choice."),
        ({"tags": ",".join(f"t{n}" for n in range(11))}, "at most 10 tags"),
        ({"form_started": "just now"}, "sent very quickly"),
        ({"form_started": "forged"}, "could not check this form"),
        ({"title": "Night trains of Minsk\x1b[2J\x07"}, "invisible control characters"),
        ({"name": "Ada\x08\x08\x08Admin"}, "invisible control characters"),
    ],
    ids=[
        "no-consent",
        "bad-email",
        "no-category",
        "bad-pack",
        "too-many-tags",
        "fast",
        "forged",
        "escape-in-title",
        "backspaces-in-name",
    ],
)
def test_bad_fields_are_refused_with_the_text_kept(client, settings, overrides, message):
    if overrides.get("form_started") == "just now":
        overrides = {"form_started": started_token(0)}
    response = client.post(SUBMIT, with_image(form_data(**overrides)))
    _assert_refused(response, settings, message)


def test_an_image_needs_alt_text_and_a_credit(client, settings):
    response = client.post(SUBMIT, with_image(form_data(), alt="", credit=" "))
    _assert_refused(response, settings, "Please give what the image shows.")
    assert "Please give a credit." in response.content.decode()


def test_inactive_packs_cannot_be_chosen(client, settings):
    Pack.objects.filter(slug="column").update(is_active=False)
    response = client.post(SUBMIT, form_data(pack="column"))
    _assert_refused(response, settings, "Select a valid choice.")


def test_a_request_larger_than_any_submission_gets_413_before_it_is_read(client, settings):
    settings.MAGAZINE_IMAGE_MAX_BYTES = 1000
    assert max_request_bytes() == 3 * 1000 + 1024 * 1024
    big = SimpleUploadedFile("big.jpg", os.urandom(1024 * 1024 + 10_000), "image/jpeg")
    response = client.post(SUBMIT, with_image(form_data(), big))
    assert response.status_code == 413
    assert "too much to send" in response.content.decode()
    assert not Submission.objects.exists()


def test_csrf_is_still_checked_on_the_form():
    response = Client(enforce_csrf_checks=True).post(SUBMIT, form_data())
    assert response.status_code == 403
    assert not Submission.objects.exists()


# Spam, rate limits, duplicates, double clicks.


def test_a_filled_honeypot_is_stored_as_spam_silently(client, committed):
    response = committed(client.post, SUBMIT, form_data(website="http://buy.example"))
    assert response.status_code == 302 and response["Location"] == reverse("articles:submit-done")
    spam = Submission.objects.get()
    assert spam.status == Submission.Status.SPAM and spam.title == "Night trains of Minsk"
    assert mail.outbox == []
    assert Submission.objects.new().count() == 0
    assert client.get(spam.get_absolute_url()).status_code == 404
    assert "/story/" not in client.get(response["Location"]).content.decode()


def test_spam_does_not_block_the_real_contributor_or_count_as_new(client, committed):
    committed(client.post, SUBMIT, form_data(website="x"))
    response = committed(client.post, SUBMIT, form_data())
    assert response.status_code == 302
    assert Submission.objects.new().count() == 1


def test_three_submissions_an_hour_per_address(client, committed):
    for n in range(3):
        response = client.post(SUBMIT, form_data(email=f"p{n}@example.com", title=f"Story {n}"))
        assert response.status_code == 302
    response = client.post(SUBMIT, form_data(email="p9@example.com"))
    assert response.status_code == 429
    page = response.content.decode()
    assert "try again in an hour" in page and "Night trains of Minsk" in page
    assert Submission.objects.count() == 3


def test_three_submissions_an_hour_per_email_whatever_the_address(client):
    for n in range(3):
        response = client.post(SUBMIT, form_data(title=f"Story {n}"), REMOTE_ADDR=f"198.51.100.{n}")
        assert response.status_code == 302
    response = client.post(SUBMIT, form_data(email="ADA@example.com"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429


def test_the_same_email_and_title_twice_is_a_duplicate(client, settings):
    assert client.post(SUBMIT, form_data()).status_code == 302
    response = client.post(
        SUBMIT, form_data(email="ADA@example.com", title="night trains of minsk")
    )
    assert response.status_code == 400
    assert "already sent a story with this title" in response.content.decode()
    assert Submission.objects.count() == 1


def test_the_database_refuses_a_duplicate_too():
    SubmissionFactory(email="ada@example.com", title="Same")
    with pytest.raises(IntegrityError):
        SubmissionFactory(email="Ada@example.com", title="same")


def race_data():
    return {
        "name": "Ada",
        "email": "ada@example.com",
        "title": "Race",
        "story": "Text",
        "category": Category.objects.get(path="world"),
        "pack": Pack.objects.first(),
    }


def test_a_double_click_stores_one_submission_and_sends_one_receipt(client, committed):
    data = form_data()
    first = committed(client.post, SUBMIT, data)
    second = committed(client.post, SUBMIT, {**data, "form_started": started_token()})
    assert first.status_code == second.status_code == 302
    assert Submission.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_double_submit_is_answered_with_the_first_story():
    kwargs = {"ip_hash": "h", "form_token": "same-token"}
    first = submissions.receive_submission(race_data(), [], **kwargs)
    again = submissions.receive_submission(race_data(), [], **kwargs)
    assert again.pk == first.pk and Submission.objects.count() == 1


def test_a_double_submit_racing_past_the_check_still_stores_one(settings, monkeypatch):
    kwargs = {"ip_hash": "h", "form_token": "same-token"}
    first = submissions.receive_submission(
        race_data(), [(image_upload(), "alt", "credit")], **kwargs
    )
    # The second sending checks before the first commits; the unique form token decides.
    calls = guard_misses(monkeypatch)
    again = submissions.receive_submission(
        race_data(), [(image_upload(), "alt", "credit")], **kwargs
    )
    assert len(calls) == 2  # the check missed; the refused write found the first story
    assert again.pk == first.pk
    assert Submission.objects.count() == 1 and SubmissionImage.objects.count() == 1
    assert len(stored_files(settings)) == 1  # the second click's file was removed


def test_files_of_a_refused_submission_are_removed(settings):
    SubmissionFactory(email="ada@example.com", title="Taken")
    data = {
        "name": "Ada",
        "email": "ada@example.com",
        "title": "Taken",
        "story": "Text",
        "category": Category.objects.get(path="world"),
        "pack": Pack.objects.first(),
    }
    uploads = [(image_upload(), "alt", "credit"), (image_upload(fmt="PNG"), "alt", "credit")]
    with pytest.raises(submissions.DuplicateSubmission):
        submissions.receive_submission(data, uploads, ip_hash="h", form_token="t")
    assert stored_files(settings) == []


# Nothing lost when mail fails.


def test_a_failing_mail_server_loses_nothing(client, committed, caplog, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_subscriptions.FailingBackend"}}
    response = committed(client.post, SUBMIT, with_image(form_data()))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.images.count() == 1 and len(stored_files(settings)) == 1
    # The receipt waits in the outbox, to be retried; nothing of the story is lost.
    receipt = OutgoingMail.objects.get(to=submission.email)
    assert receipt.status != OutgoingMail.Status.SENT
    # The thank-you page still gives the private link the email could not.
    assert submission.get_absolute_url() in client.get(response["Location"]).content.decode()


# The status link.


def test_a_wrong_status_link_is_404_and_there_is_no_listing(client):
    submission = SubmissionFactory()
    assert client.get(reverse("articles:submission-status", args=["x" * 43])).status_code == 404
    assert client.get(submission.get_absolute_url()[:-5] + "/").status_code == 404
    assert client.get("/story/").status_code == 404
    edit = reverse("articles:submission-edit", args=["x" * 43])
    assert client.post(edit, form_data()).status_code == 404


def test_a_status_page_shows_only_its_own_story(client):
    mine, theirs = SubmissionFactory(title="Mine"), SubmissionFactory(title="Theirs")
    page = client.get(mine.get_absolute_url()).content.decode()
    assert "Mine" in page and "Theirs" not in page and theirs.token not in page
    assert 'name="robots" content="noindex, nofollow"' in page


def test_tokens_are_long_random_and_unique():
    tokens = {SubmissionFactory().token for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 43 for t in tokens)


def test_the_edit_form_keeps_the_pack_the_contributor_chose(client):
    submission = SubmissionFactory(pack=Pack.objects.get(slug="photo-story"))
    submissions.request_changes(submission, "Shorter, please.")
    edit_form = client.get(reverse("articles:submission-edit", args=[submission.token]))
    assert '<option value="photo-story" selected>Photo story</option>' in edit_form.content.decode()


def test_new_images_sent_again_replace_the_old_ones(client, committed, settings):
    committed(client.post, SUBMIT, with_image(form_data()))
    submission = Submission.objects.get()
    old_name = submission.images.get().image.name
    submissions.request_changes(submission, "A better photo, please.")
    edit_url = reverse("articles:submission-edit", args=[submission.token])
    committed(client.post, edit_url, with_image(form_data(), image_upload(fmt="PNG"), alt="Better"))
    image = submission.images.get()
    assert image.alt == "Better" and image.image.name.endswith(".png")
    assert not os.path.exists(os.path.join(settings.MEDIA_ROOT, old_name))


# Page cost.


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_packs_and_form_pages_cost_the_same_with_few_and_many_rows(client):
    packs, form = _queries(client, reverse("articles:packs")), _queries(client, SUBMIT)
    for _ in range(30):
        PackFactory()
        CategoryFactory(parent=Category.objects.get(path="world"))
    assert _queries(client, reverse("articles:packs")) == packs <= 2
    assert _queries(client, SUBMIT) == form <= 4


def test_status_page_costs_the_same_with_a_long_history(client):
    submission = SubmissionFactory()
    few = _queries(client, submission.get_absolute_url())
    for n in range(10):
        submissions.request_changes(submission, f"Round {n}")
        submissions.resubmit(submission, {"title": f"Round {n}"}, [])
    assert _queries(client, submission.get_absolute_url()) == few <= 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_at_the_same_moment_store_one_submission(settings):
    """Two requests with one form token, in two connections at once: one row, one file."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers anyway")
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    category, pack = Category.objects.get(path="world"), Pack.objects.first()
    barrier = Barrier(2)

    def click():
        try:
            data = {
                "name": "Ada",
                "email": "ada@example.com",
                "title": "Race",
                "story": "Text",
                "category": category,
                "pack": pack,
            }
            barrier.wait()
            submission = submissions.receive_submission(
                data, [(image_upload(), "alt", "credit")], ip_hash="h", form_token="same"
            )
            return submission.pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        pks = list(pool.map(lambda _: click(), range(2)))
    assert pks[0] == pks[1]
    assert Submission.objects.count() == 1 and SubmissionImage.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_a_scheduled_article_tells_the_contributor_when_without_linking_it_early(client):
    submission = SubmissionFactory()
    article = submissions.accept_submission(submission)
    publishing.publish(article, when=timezone.now() + timezone.timedelta(days=2))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PUBLISHED
    assert "scheduled to appear on" in submission.events.last().message
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "scheduled to appear on" in page and article.get_absolute_url() not in page
