"""Library images in use: where an image is used, and why one in use cannot be deleted
while an unused one goes with all its files."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from articles import media, renditions
from articles.models.media import MediaImage
from articles.renditions import Spec

from .factories import ArticleFactory, image_upload, make_editor

pytestmark = pytest.mark.django_db


def _library_image(**texts):
    return media.add_image(image_upload(size=(1600, 900)), **texts)


def _figure(image, alt="A figure"):
    return f'<figure><img data-file="{image.pk}" alt="{alt}"></figure><p>After the figure.</p>'


def _stored_files(image):
    """The original and every rendition on disk."""
    stem = image.file.name.rsplit(".", 1)[0]
    folder, _, _ = f"{renditions.FOLDER}/{stem}".rpartition("/")
    _, names = default_storage.listdir(folder)
    made = [f"{folder}/{n}" for n in names if n.startswith(stem.rpartition("/")[2] + "-")]
    return [image.file.name, *made] if default_storage.exists(image.file.name) else made


def test_an_image_in_use_cannot_be_deleted_and_the_confirmation_names_its_stories(client):
    image = _library_image(alt="Boats")
    featured = ArticleFactory(title="The featured story", image=image)
    ArticleFactory(title="The story with a figure", body=_figure(image))
    ArticleFactory(title="Another image's story", body=_figure(MediaImage(pk=image.pk * 10 + 1)))
    client.force_login(make_editor())
    url = reverse("admin:articles_mediaimage_delete", args=[image.pk])

    page = client.get(url).content.decode()
    assert "Cannot delete library image" in page
    assert "The featured story" in page and "The story with a figure" in page
    assert "Another image&#x27;s story" not in page and "Another image's story" not in page

    client.post(url, {"post": "yes"})
    changelist = reverse("admin:articles_mediaimage_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [image.pk]})
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"}
    )
    assert MediaImage.objects.filter(pk=image.pk).exists()
    featured.refresh_from_db()
    assert featured.image_id == image.pk
    assert default_storage.exists(image.file.name)


def test_the_change_form_lists_every_story_using_the_image(client):
    image = _library_image(alt="Boats")
    ArticleFactory(title="The featured story", image=image)
    ArticleFactory(title="The story with a figure", body=_figure(image))
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_mediaimage_change", args=[image.pk])).content
    page = page.decode()
    assert "Used in" in page and "Featured in" not in page
    assert "The featured story (featured image)" in page
    assert "The story with a figure (figure)" in page


def test_deleting_an_unused_image_removes_its_file_and_every_rendition(client):
    image = _library_image(alt="Boats")
    media.make_missing(image, [Spec(480, (16, 9)), Spec(960, (3, 2))])
    files = _stored_files(image)
    assert len(files) > 3 and image.file.name in files
    client.force_login(make_editor())

    response = client.post(
        reverse("admin:articles_mediaimage_delete", args=[image.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not MediaImage.objects.filter(pk=image.pk).exists()
    assert [name for name in files if default_storage.exists(name)] == []
    gone = client.get(image.rendition(480).url)
    assert gone.status_code == 404


def test_deleting_unused_images_from_the_list_removes_their_files(client):
    first, second = _library_image(alt="One"), _library_image(alt="Two")
    files = _stored_files(first) + _stored_files(second)
    client.force_login(make_editor())
    changelist = reverse("admin:articles_mediaimage_changelist")
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert not MediaImage.objects.exists()
    assert [name for name in files if default_storage.exists(name)] == []
