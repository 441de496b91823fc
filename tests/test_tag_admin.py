"""The tag admin: a tag differing from another only in case is refused (tagging already
treats them as one), and the slug is the one typed, or made from the name."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from .factories import make_editor, make_writer

pytestmark = pytest.mark.django_db

# The tag form's inline of tagged items, empty.
NO_TAGGED_ITEMS = {
    "taggit_taggeditem_items-TOTAL_FORMS": "0",
    "taggit_taggeditem_items-INITIAL_FORMS": "0",
}


def _add(client, name, slug):
    return client.post(
        reverse("admin:taggit_tag_add"),
        {
            "name": name,
            "slug": slug,
            **NO_TAGGED_ITEMS,
        },
    )


def test_a_tag_differing_only_in_case_is_refused_with_what_was_typed_kept(client):
    Tag.objects.create(name="MINSK", slug="minsk")
    client.force_login(make_editor(is_superuser=True))

    response = _add(client, "Minsk", "minsk-2")
    assert response.status_code == 200
    page = response.content.decode()
    assert "A tag “MINSK” already exists" in page
    assert 'value="Minsk"' in page and 'value="minsk-2"' in page
    assert list(Tag.objects.filter(name__iexact="minsk").values_list("name", flat=True)) == [
        "MINSK"
    ]


def test_a_renamed_tag_may_change_only_its_own_case(client):
    tag = Tag.objects.create(name="minsk", slug="minsk")
    Tag.objects.create(name="Polotsk", slug="polotsk")
    client.force_login(make_editor(is_superuser=True))
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    data = NO_TAGGED_ITEMS
    assert client.post(url, {**data, "name": "POLOTSK", "slug": "minsk"}).status_code == 200
    assert client.post(url, {**data, "name": "Minsk", "slug": "minsk"}).status_code == 302
    tag.refresh_from_db()
    assert tag.name == "Minsk"


def test_a_new_tag_keeps_the_slug_typed_or_gets_one_from_its_name(client):
    Tag.objects.create(name="Minsk", slug="minsk")
    client.force_login(make_editor(is_superuser=True))

    assert _add(client, "Minsk region", "minsk-2").status_code == 302
    assert Tag.objects.get(name="Minsk region").slug == "minsk-2"
    assert _add(client, "Grodno", "").status_code == 302
    assert Tag.objects.get(name="Grodno").slug == "grodno"
    taken = _add(client, "Brest", "minsk")
    assert taken.status_code == 200 and "This slug is taken by “Minsk”" in taken.content.decode()


def test_a_writer_cannot_merge_tags(client, seed_article):
    """Merging retags every article carrying the tags: a writer, who may add tags but not
    change them, is refused both the action and taggit's merge page."""
    (old,) = seed_article.tags.filter(name="Vladimir Putin")
    client.force_login(make_writer())
    session = client.session
    session["selected_tag_ids"] = str(old.pk)
    session.save()

    merge = reverse("admin:taggit_tag_merge_tags")
    assert client.post(merge, {"new_tag_name": "Putin"}).status_code == 403
    assert client.get(merge).status_code == 403
    changelist = reverse("admin:taggit_tag_changelist")
    data = {"action": "render_tag_form", "_selected_action": [old.pk]}
    assert "Merge selected tags" not in client.get(changelist).content.decode()
    assert client.post(changelist, data).status_code == 200  # the list again, no merge page
    assert seed_article.tags.filter(name="Vladimir Putin").exists()
    assert not Tag.objects.filter(name="Putin").exists()


@pytest.mark.parametrize("chosen", [None, "", "abc", "999999"])
def test_the_merge_page_without_tags_chosen_sends_back_to_the_list(client, chosen):
    """A second submit of the merge form, a reload or a bookmark: the tags were merged
    already or never chosen; the editor is sent back to the list with a word, not a 500."""
    client.force_login(make_editor(is_superuser=True))
    if chosen is not None:
        session = client.session
        session["selected_tag_ids"] = chosen
        session.save()

    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "Putin"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:taggit_tag_changelist")
    listed = client.get(response["Location"]).content.decode()
    assert "Choose the tags to merge in the list first" in listed
    assert not Tag.objects.filter(name="Putin").exists()


def test_merging_into_a_name_that_differs_only_in_case_merges_into_that_tag(client, seed_article):
    """Merging "Vladimir Putin" into "belarus" where "Belarus" exists: the story keeps the
    one tag "Belarus", and no second tag differing only in case (which the tag form
    refuses) appears beside it."""
    (old,) = seed_article.tags.filter(name="Vladimir Putin")
    client.force_login(make_editor(is_superuser=True))
    session = client.session
    session["selected_tag_ids"] = str(old.pk)
    session.save()

    client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "belarus"})

    assert list(Tag.objects.filter(name__iexact="belarus").values_list("name", flat=True)) == [
        "Belarus"
    ]
    names = set(seed_article.tags.values_list("name", flat=True))
    assert "Belarus" in names and "Vladimir Putin" not in names
