"""Two editors save the same article: nothing either of them changed is lost
(formatting in the body, the featured image, relations, a second save after the
conflict page, an autosave made before someone else's save)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import media
from articles.models import Agency, ArticleRevision

from .factories import ArticleFactory, article_admin_data, image_upload, make_editor

pytestmark = pytest.mark.django_db

BASE = re.compile(r'name="revision_base" value="(\d+)"')


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _editor(**kwargs):
    client = Client()
    client.force_login(make_editor(**kwargs))
    return client


def _opened(client, article):
    """Opens the change form; returns the version it carries and what a browser posts."""
    page = client.get(_change_url(article)).content.decode()
    # The browser posts the featured image's library number as shown (empty: none).
    image = article.image_id or ""
    return BASE.search(page)[1], article_admin_data(article, **{"image-library": image})


def _save(client, article, opened, **changes):
    base, data = opened
    return client.post(_change_url(article), {**data, "revision_base": base, **changes})


def _library_image(name="library.jpg"):
    return media.add_image(image_upload(name), alt="From the library")


@pytest.mark.parametrize(
    "body",
    [
        "<p>The <strong>summit</strong> opened today.</p>",
        '<p>The <a href="https://example.org/summit">summit</a> opened today.</p>',
        "<p>The summit opened today.</p><figure>{figure}</figure>",
    ],
    ids=["bold", "link", "figure"],
)
def test_a_body_edit_of_formatting_only_survives_another_editors_save(body):
    image = _library_image()
    body = body.format(figure=f'<img src="{image.file.url}" alt="" data-file="{image.pk}">')
    article = ArticleFactory(title="Old headline", body="<p>The summit opened today.</p>")
    anna, ben = _editor(), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)

    assert _save(anna, article, anna_form, body=body).status_code == 302
    assert _save(ben, article, ben_form, title="Ben's headline").status_code == 302

    article.refresh_from_db()
    assert article.title == "Ben's headline"
    assert article.body == body


def test_a_body_both_changed_in_formatting_only_is_a_conflict():
    article = ArticleFactory(body="<p>The summit opened today.</p>")
    anna, ben = _editor(), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)
    _save(anna, article, anna_form, body="<p>The <strong>summit</strong> opened today.</p>")

    response = _save(ben, article, ben_form, body="<p>The summit <em>opened</em> today.</p>")

    assert response.status_code == 200
    assert [c["name"] for c in response.context["adminform"].form.merge_conflicts] == ["body"]


def test_a_featured_image_chosen_by_one_editor_survives_anothers_save():
    article = ArticleFactory(standfirst="Original standfirst.")
    assert article.image_id is None
    picked = _library_image()
    anna, ben = _editor(), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)

    assert _save(anna, article, anna_form, **{"image-library": picked.pk}).status_code == 302
    assert _save(ben, article, ben_form, standfirst="Ben's standfirst.").status_code == 302

    article.refresh_from_db()
    assert (article.image_id, article.standfirst) == (picked.pk, "Ben's standfirst.")


def test_a_featured_image_taken_away_by_one_editor_stays_away():
    article = ArticleFactory(image=_library_image())
    anna, ben = _editor(), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)

    assert _save(anna, article, anna_form, **{"image-clear": "on"}).status_code == 302
    assert _save(ben, article, ben_form, title="Ben's headline").status_code == 302

    article.refresh_from_db()
    assert (article.image_id, article.title) == (None, "Ben's headline")


def test_an_image_uploaded_by_one_editor_survives_anothers_save():
    article = ArticleFactory()
    anna, ben = _editor(), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)

    assert _save(anna, article, anna_form, image=image_upload("new.jpg")).status_code == 302
    article.refresh_from_db()
    uploaded = article.image_id
    assert uploaded is not None
    assert _save(ben, article, ben_form, image_caption="Ben's caption").status_code == 302

    article.refresh_from_db()
    assert (article.image_id, article.image_caption) == (uploaded, "Ben's caption")


def test_two_editors_choosing_different_images_get_the_conflict_page():
    article = ArticleFactory()
    first, second = _library_image("first.jpg"), _library_image("second.jpg")
    anna, ben = _editor(), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)
    _save(anna, article, anna_form, **{"image-library": first.pk})

    response = _save(ben, article, ben_form, **{"image-library": second.pk})

    assert response.status_code == 200
    assert [c["name"] for c in response.context["adminform"].form.merge_conflicts] == ["image"]
    article.refresh_from_db()
    assert article.image_id == first.pk


@pytest.mark.parametrize(
    "field, value",
    [
        ("image_alt", "Anna's alt text"),
        ("image_caption", "Anna's caption"),
        ("image_credit", "Anna's credit"),
        ("tags", '"Anna", "Summit"'),
        ("agencies", "agencies"),
    ],
)
def test_each_field_only_one_editor_changed_is_kept(field, value):
    article = ArticleFactory(tags=["Old"])
    if field == "agencies":
        value = [Agency.objects.create(name="Anna's agency").pk]
    anna, ben = _editor(), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)

    assert _save(anna, article, anna_form, **{field: value}).status_code == 302
    assert _save(ben, article, ben_form, title="Ben's headline").status_code == 302

    article.refresh_from_db()
    kept = {
        "tags": sorted(article.tags.names()) == ["Anna", "Summit"],
        "agencies": list(article.agencies.values_list("pk", flat=True)) == value,
    }.get(field, getattr(article, field) == value)
    assert kept and article.title == "Ben's headline"


def test_saving_again_after_the_conflict_page_keeps_the_other_editors_other_changes():
    article = ArticleFactory(title="Old headline", standfirst="Original standfirst.")
    anna, ben = _editor(first_name="Anna"), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)
    _save(anna, article, anna_form, title="Anna's headline", standfirst="Anna's standfirst.")

    conflict = _save(ben, article, ben_form, title="Ben's headline")
    assert conflict.status_code == 200
    page = conflict.content.decode()
    # The form shows the merge: her standfirst (only she changed it), his headline.
    form = conflict.context["adminform"].form
    assert form["standfirst"].value() == "Anna's standfirst."
    assert "Anna&#x27;s standfirst." in page
    assert form["title"].value() == "Ben's headline"

    # He saves the page as it is shown, keeping his headline.
    shown = {
        name: form[name].value() for name in ("title", "standfirst", "image_alt", "image_caption")
    }
    again = _save(ben, article, (BASE.search(page)[1], ben_form[1]), resolve_title="mine", **shown)
    assert again.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.standfirst) == ("Ben's headline", "Anna's standfirst.")


def test_saving_after_the_conflict_page_merges_a_third_editors_save_too():
    article = ArticleFactory(title="Old headline", image_credit="Old credit")
    anna, ben, carl = _editor(), _editor(), _editor()
    anna_form, ben_form, carl_form = (_opened(c, article) for c in (anna, ben, carl))
    _save(anna, article, anna_form, title="Anna's headline")
    page = _save(ben, article, ben_form, title="Ben's headline").content.decode()
    _save(carl, article, carl_form, image_credit="Carl's credit")

    again = _save(ben, article, (BASE.search(page)[1], ben_form[1]), title="Ben's headline")

    assert again.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.image_credit) == ("Ben's headline", "Carl's credit")


def _autosave(client, article, opened, **changes):
    base, data = opened
    url = reverse("admin:articles_article_autosave", args=[article.pk])
    return client.post(url, {**data, "revision_base": base, **changes})


def test_unsaved_work_is_still_offered_after_someone_else_saves_and_merges_on_restore():
    article = ArticleFactory(standfirst="Saved standfirst.", image_alt="Old alt")
    anna, ben = _editor(), _editor()
    anna_form, ben_form = _opened(anna, article), _opened(ben, article)
    assert _autosave(anna, article, anna_form, standfirst="Typed standfirst.").json()["saved"]
    kept = ArticleRevision.objects.autosaves().get(article=article)
    assert _save(ben, article, ben_form, image_alt="Ben's alt").status_code == 302

    page = anna.get(_change_url(article)).content.decode()
    when = timezone.localtime(kept.created_at).strftime("%H:%M")
    assert f"Restore the unsaved changes from {when}" in page

    restored = anna.get(_change_url(article), {"autosave": kept.pk})
    form = restored.context["adminform"].form
    assert form["standfirst"].value() == "Typed standfirst."
    assert form["revision_base"].value() == int(anna_form[0])
    data = {name: form[name].value() for name in ("title", "standfirst", "image_alt")}
    assert _save(anna, article, anna_form, **data).status_code == 302
    article.refresh_from_db()
    assert (article.standfirst, article.image_alt) == ("Typed standfirst.", "Ben's alt")


def test_an_autosave_older_than_the_editors_own_save_is_not_offered():
    article = ArticleFactory()
    anna, ben = _editor(), _editor()
    anna_form = _opened(anna, article)
    _autosave(anna, article, anna_form, title="Typed")
    _save(anna, article, anna_form, title="Saved by Anna")
    article.refresh_from_db()
    _save(ben, article, _opened(ben, article), image_alt="Ben's alt")

    assert "Restore the unsaved changes" not in anna.get(_change_url(article)).content.decode()
