"""Picking library images: the choice survives a form error, thumbnails and previews
of small images load, srcset reaches the original's width, moved focal points leave no
old crops behind and the read-only image page does not offer to set one."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from articles import media
from articles.renditions import Spec

from .factories import ArticleFactory, article_admin_data, image_upload, make_editor, make_writer

pytestmark = pytest.mark.django_db


def _library_image(size=(1600, 900), **texts):
    return media.add_image(image_upload(size=size), **texts)


def _picker(page):
    start = page.index('name="image-library"')
    return page[page.rindex("<input", 0, start) : page.index(">", start)]


def test_a_form_error_keeps_the_library_image_chosen_on_a_new_article(client):
    image = _library_image(alt="Boats")
    template = ArticleFactory()
    client.force_login(make_editor())
    data = article_admin_data(
        template, slug="a-new-story", author="", **{"image-library": image.pk}
    )

    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{image.pk}"' in _picker(page)
    assert f'src="{image.rendition(480, (1, 1)).url}"' in page


def test_a_form_error_keeps_a_changed_library_image_on_an_existing_article(client):
    first, second = _library_image(alt="First"), _library_image(alt="Second")
    article = ArticleFactory(image=first)
    client.force_login(make_editor())
    url = reverse("admin:articles_article_change", args=[article.pk])

    response = client.post(
        url, article_admin_data(article, title="", **{"image-library": second.pk})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{second.pk}"' in _picker(page)
    assert f'src="{second.rendition(480, (1, 1)).url}"' in page
    assert f'src="{first.rendition(480, (1, 1)).url}"' not in page

    fixed = article_admin_data(article, title="Fixed", **{"image-library": second.pk})
    assert client.post(url, fixed).status_code == 302
    article.refresh_from_db()
    assert article.image_id == second.pk


@pytest.mark.parametrize("size", [(1, 1), (300, 200), (400, 600), (900, 500)])
def test_thumbnails_and_previews_of_small_images_load(client, size):
    image = _library_image(size=size, alt="Small")
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_mediaimage_changelist")).content.decode()
    start = page.index('class="library-thumb" src="') + len('class="library-thumb" src="')
    thumb = page[start : page.index('"', start)]
    # The body editor's preview asks for 960 pixels, more than these images have.
    for url in (thumb, image.rendition(960).url, image.rendition(480, (1, 1)).url):
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_srcset_offers_the_original_width_of_images_between_the_sizes(client):
    image = _library_image(size=(1200, 800))
    assert [r.width for r in image.renditions()] == [480, 960, 1200]
    assert image.srcset().endswith(" 1200w")
    # An image exactly as wide as one of our sizes is not offered twice.
    assert [r.width for r in _library_image(size=(960, 600)).renditions()] == [480, 960]
    # Last: closing a file response ends the request, which closes the test's connection.
    response = client.get(image.renditions()[-1].url)
    assert response.status_code == 200
    response.close()


def test_moving_the_focal_point_removes_the_old_crops(client):
    image = _library_image()
    old = [image.rendition_name(Spec(480, (1, 1))), image.rendition_name(Spec(960, (16, 9)))]
    media.make_missing(image, [Spec(480, (1, 1)), Spec(960, (16, 9))])
    assert all(default_storage.exists(name) for name in old)
    plain = image.rendition_name(Spec(480))
    client.force_login(make_editor())

    url = reverse("admin:articles_mediaimage_change", args=[image.pk])
    data = {"alt": "Boats", "caption": "", "credit": "", "focal_x": 0.8, "focal_y": 0.2}
    assert client.post(url, data).status_code == 302
    image.refresh_from_db()
    assert [name for name in old if default_storage.exists(name)] == []
    assert default_storage.exists(image.rendition_name(Spec(480, (1, 1))))  # the new one
    assert default_storage.exists(plain)  # uncropped renditions do not depend on the point


def test_the_read_only_image_page_shows_the_focal_point_without_offering_to_set_it(client):
    image = _library_image(alt="Someone else's", caption="")
    client.force_login(make_writer())
    page = client.get(reverse("admin:articles_mediaimage_change", args=[image.pk])).content
    page = page.decode()
    assert "focal-point--read-only" in page and "data-x-input" not in page
    assert "Click the image" not in page
