"""An editor's work is never lost: revisions, compare and restore, merged saves."""

import re
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import publishing, revisions, submissions
from articles.models import Article, ArticleRevision

from .factories import (
    ArticleFactory,
    SubmissionFactory,
    article_admin_data,
    image_upload,
    make_editor,
    make_writer,
)

pytestmark = pytest.mark.django_db


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _opened(client, article):
    """Opens the change form, as an editor does; returns the version it carries."""
    response = client.get(_change_url(article))
    assert response.status_code == 200
    return re.search(r'name="revision_base" value="(\d+)"', response.content.decode())[1]


def _editor_client(**kwargs):
    client = Client()
    client.force_login(make_editor(**kwargs))
    return client


def _save(client, article, base, **changes):
    data = article_admin_data(article, revision_base=base, **changes)
    return client.post(_change_url(article), data)


def test_two_editors_saves_of_different_fields_merge():
    article = ArticleFactory(title="Old headline", image_caption="Old caption")
    anna, ben = _editor_client(), _editor_client()
    anna_base, ben_base = _opened(anna, article), _opened(ben, article)

    assert _save(anna, article, anna_base, title="Anna's headline").status_code == 302
    assert _save(ben, article, ben_base, image_caption="Ben's caption").status_code == 302

    article.refresh_from_db()
    assert (article.title, article.image_caption) == ("Anna's headline", "Ben's caption")


def test_both_changing_one_field_shows_the_conflict_page_and_keeps_what_was_typed():
    article = ArticleFactory(title="Old headline", standfirst="Old standfirst")
    anna, ben = _editor_client(first_name="Anna"), _editor_client()
    anna_base, ben_base = _opened(anna, article), _opened(ben, article)
    assert _save(anna, article, anna_base, title="Anna's headline").status_code == 302

    response = _save(
        ben, article, ben_base, title="Ben's headline", standfirst="Ben's new standfirst"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Anna saved this article while you were editing it" in page
    conflict = response.context["adminform"].form.merge_conflicts[0]
    assert (conflict["theirs"], conflict["yours"], conflict["original"]) == (
        "Anna's headline",
        "Ben's headline",
        "Old headline",
    )
    # Nothing Ben typed is lost: both fields come back as he typed them.
    assert 'value="Ben&#x27;s headline"' in page
    assert "Ben&#x27;s new standfirst" in page
    # ...and the page goes on autosaving them, to the autosave address.
    autosave_url = reverse("admin:articles_article_autosave", args=[article.pk])
    assert f'data-autosave-url="{autosave_url}"' in page
    article.refresh_from_db()
    assert (article.title, article.standfirst) == ("Anna's headline", "Old standfirst")

    # Saved again (keeping theirs for the headline), the rest of his work applies.
    new_base = re.search(r'name="revision_base" value="(\d+)"', page)[1]
    data = article_admin_data(
        article,
        revision_base=new_base,
        title="Ben's headline",
        standfirst="Ben's new standfirst",
        resolve_title="theirs",
    )
    assert ben.post(_change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.standfirst) == ("Anna's headline", "Ben's new standfirst")


def test_history_shows_earlier_text_and_restores_it(client):
    article = ArticleFactory(title="A good heading", body="<p>Careful words.</p>")
    client.force_login(make_editor())
    _save(client, article, _opened(client, article), title="A mangld haeding")
    first = ArticleRevision.objects.filter(article=article).order_by("pk").first()

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "A good heading" in history.content.decode()
    compare = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"a": first.pk}
    )
    assert "A <del>good</del><ins>mangld</ins> <del>heading</del><ins>haeding</ins>" in (
        compare.content.decode()
    )

    restore_url = reverse("admin:articles_article_restore", args=[article.pk, first.pk])
    assert client.post(restore_url).status_code == 302
    article.refresh_from_db()
    assert article.title == "A good heading"
    kinds = list(ArticleRevision.objects.filter(article=article).values_list("kind", flat=True))
    assert kinds[0] == ArticleRevision.Kind.RESTORE and len(kinds) == 3


def test_fifty_saves_compare_two_restore_the_third_and_readers_see_it(client):
    article = ArticleFactory(
        title="Take 0", body="<p>Text 0</p>", tags=["Belarus"], image_caption="Caption 0"
    )
    editor = make_editor()
    client.force_login(editor)
    for n in range(1, 51):
        data = article_admin_data(
            article, title=f"Take {n}", body=f"<p>Text {n}</p>", tags=f"Take{n}"
        )
        assert client.post(_change_url(article), data).status_code == 302
        article.refresh_from_db()
    saved = list(ArticleRevision.objects.filter(article=article).order_by("pk"))
    assert len(saved) == 50
    third = saved[2]
    compare = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"a": third.pk, "b": saved[10].pk},
    )
    assert "<del>3</del><ins>11</ins>" in compare.content.decode()

    client.post(reverse("admin:articles_article_restore", args=[article.pk, third.pk]))

    article.refresh_from_db()
    assert (article.title, sorted(article.tags.names())) == ("Take 3", ["Take3"])
    assert ArticleRevision.objects.filter(article=article).count() == 51
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Text 3" in page and "Text 50" not in page


def test_compare_shows_hostile_text_of_old_revisions_as_text(client):
    article = ArticleFactory(title="<script>alert(1)</script> Headline")
    client.force_login(make_editor())
    _save(client, article, _opened(client, article), title="Headline")
    first = ArticleRevision.objects.filter(article=article).order_by("pk").first()
    page = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"a": first.pk}
    ).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_writer_gets_404_for_another_writers_history_and_restore(client):
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=make_writer())
    saved = publishing.save_article(article)
    client.force_login(make_writer())
    assert (
        client.get(reverse("admin:articles_article_history", args=[article.pk])).status_code == 404
    )
    compare = reverse("admin:articles_article_compare", args=[article.pk])
    assert client.get(compare, {"a": saved.pk}).status_code == 404
    restore = reverse("admin:articles_article_restore", args=[article.pk, saved.pk])
    assert client.post(restore).status_code == 404


def test_restore_needs_the_csrf_token():
    article = ArticleFactory()
    saved = publishing.save_article(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor())
    restore = reverse("admin:articles_article_restore", args=[article.pk, saved.pk])
    assert client.post(restore).status_code == 403


def test_publishing_action_and_accepting_a_submission_record_revisions(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    editor = make_editor()
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    published = ArticleRevision.objects.get(article=draft)
    assert (published.kind, published.revision.user) == (ArticleRevision.Kind.PUBLISH, editor)

    submission = SubmissionFactory(tags="Belarus, Summit")
    article = submissions.accept_submission(submission, by=editor)
    accepted = ArticleRevision.objects.get(article=article)
    assert accepted.kind == ArticleRevision.Kind.SUBMISSION
    assert accepted.tags == ["Belarus", "Summit"]
    assert accepted.version.field_dict["title"] == submission.title


def test_a_revision_keeps_tags_agencies_and_the_image_fields(client, seed_article):
    client.force_login(make_editor())
    agencies = list(seed_article.agencies.values_list("pk", flat=True))
    _save(
        client,
        seed_article,
        _opened(client, seed_article),
        tags="Kept, Tags",
        agencies=agencies,
        image_alt="Two leaders",
        image_credit="Photo desk",
    )
    saved = ArticleRevision.objects.filter(article=seed_article).first()
    assert saved.tags == ["Kept", "Tags"]
    assert sorted(saved.version.field_dict["agencies"]) == sorted(agencies) != []
    assert saved.version.field_dict["image_alt"] == "Two leaders"
    assert saved.version.field_dict["image_credit"] == "Photo desk"


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL naming one; CI has it): SQLite's in-memory test "
    "database, shared by threads, refuses a second writer instead of making it wait",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_saves_of_one_field_cannot_both_pass(monkeypatch):
    article = ArticleFactory(title="Old headline")
    anna, ben = _editor_client(), _editor_client()
    bases = [_opened(anna, article), _opened(ben, article)]
    checked = revisions.locked_version

    def slow_check(locked):
        # Holding the check open long enough for the other save to reach its own.
        version = checked(locked)
        time.sleep(0.3)
        return version

    monkeypatch.setattr(revisions, "locked_version", slow_check)
    codes = []

    def save(client, base, title):
        codes.append(_save(client, article, base, title=title).status_code)
        connection.close()

    threads = [
        threading.Thread(target=save, args=(anna, bases[0], "Anna's headline")),
        threading.Thread(target=save, args=(ben, bases[1], "Ben's headline")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 302]


@pytest.mark.parametrize("saves", [3, 30])
def test_history_and_compare_cost_the_same_queries_with_many_revisions(
    client, saves, django_assert_max_num_queries
):
    article = ArticleFactory(tags=["Belarus"])
    editor = make_editor()
    for n in range(saves):
        article.title = f"Take {n}"
        publishing.save_article(article, by=editor)
    client.force_login(editor)
    oldest = ArticleRevision.objects.filter(article=article).order_by("pk").first()
    with django_assert_max_num_queries(10):  # one of them counts them for the pages
        client.get(reverse("admin:articles_article_history", args=[article.pk]))
    # 12: one of them reads the live article's other authors (`revisions.snapshot`).
    with django_assert_max_num_queries(12):
        client.get(reverse("admin:articles_article_compare", args=[article.pk]), {"a": oldest.pk})


def test_restoring_brings_back_the_earlier_featured_image_and_its_size(client):
    article = ArticleFactory(image=image_upload("first.jpg", size=(1200, 800)))
    first = publishing.save_article(article)
    first_image = article.image_id
    article.image = image_upload("second.jpg", size=(900, 900))
    publishing.save_article(article)
    article.refresh_from_db()
    assert (article.image_width, article.image_height) == (900, 900)
    client.force_login(make_editor())

    client.post(reverse("admin:articles_article_restore", args=[article.pk, first.pk]))

    article.refresh_from_db()
    assert article.image_id == first_image
    assert (article.image_width, article.image_height) == (1200, 800)
