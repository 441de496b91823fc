"""The media library: images with alt text, caption, credit and a focal point, reused
as featured images; renditions made once in the background; writers use it."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image, features

from articles import media, renditions, submissions
from articles.models import SubmissionImage
from articles.models.media import MediaImage
from articles.renditions import Spec

from .factories import (
    ArticleFactory,
    SubmissionFactory,
    article_admin_data,
    image_upload,
    make_editor,
    make_writer,
)
from .helpers import COUNTS_A_FRESH_RENDER

pytestmark = pytest.mark.django_db

RED = (230, 0, 0)


def _library_image(**texts):
    return media.add_image(image_upload(size=(1600, 900)), **texts)


def _change(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, article_admin_data(article, **changes))


def _photo_with_red_dot(size=(1600, 900), dot=(1400, 150), radius=30):
    picture = Image.new("RGB", size, (40, 90, 160))
    x, y = dot
    picture.paste(RED, (x - radius, y - radius, x + radius, y + radius))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _red_pixels(name):
    with default_storage.open(name, "rb") as f, Image.open(f) as rendition:
        data = rendition.convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 180 and g < 80 and b < 80)


def test_the_library_lists_thumbnails_and_finds_images_by_caption_and_credit(client):
    harbour = _library_image(alt="Boats", caption="The harbour at dawn", credit="Ada Lovelace")
    summit = _library_image(alt="Two leaders", caption="Minsk summit", credit="dpa")
    client.force_login(make_editor())
    url = reverse("admin:articles_mediaimage_changelist")

    by_caption = client.get(url, {"q": "harbour"}).content.decode()
    by_credit = client.get(url, {"q": "lovelace"}).content.decode()
    by_alt = client.get(url, {"q": "leaders"}).content.decode()

    thumb = harbour.rendition(480, (1, 1)).url
    assert f'src="{thumb}"' in by_caption and f'src="{thumb}"' in by_credit
    assert "Minsk summit" not in by_caption and "Minsk summit" not in by_credit
    assert summit.rendition(480, (1, 1)).url in by_alt and "The harbour" not in by_alt
    # The thumbnail is a file the browser can load (made in the background, kept).
    response = client.get(thumb)
    response.close()
    assert response["Content-Type"] == "image/webp"


def test_an_upload_to_the_library_admin_is_stored_reencoded_with_its_uploader(client):
    editor = make_editor()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_mediaimage_add"),
        {"file": image_upload("Holiday.jpg"), "alt": "A train", "credit": "Ada"},
    )
    assert response.status_code == 302
    image = MediaImage.objects.get()
    assert (image.uploaded_by, image.alt, image.width, image.height) == (
        editor,
        "A train",
        1600,
        900,
    )
    assert "Holiday" not in image.file.name
    for spec in media.background_specs(image):
        assert default_storage.exists(image.rendition_name(spec)), spec


def test_a_focal_point_crop_keeps_the_point_inside():
    image = media.add_image(_photo_with_red_dot(), alt="A red lamp at the top right")
    square = Spec(480, (1, 1))
    # Centred (the default), a square crop of this wide photo leaves the lamp out.
    media.make_missing(image, [square])
    assert _red_pixels(image.rendition_name(square)) == 0

    media.set_focal_point(image, 1400 / 1600, 150 / 900)
    media.make_missing(image, [square])

    name = image.rendition_name(square)
    assert _red_pixels(name) > 100
    with default_storage.open(name, "rb") as f, Image.open(f) as rendition:
        assert rendition.size == (480, 480)
    assert image.rendition(480, "1:1").url.endswith(name.rpartition("/")[2])


@pytest.mark.parametrize(
    ("size", "crop", "focal"),
    [
        ((1600, 900), (1, 1), (0.99, 0.01)),
        ((900, 1600), (16, 9), (0.0, 1.0)),
        ((500, 500), (3, 2), (0.3, 0.7)),
    ],
)
def test_every_crop_box_holds_the_focal_point_and_fits_the_image(size, crop, focal):
    left, top, right, bottom = renditions.crop_box(size, crop, focal)
    assert 0 <= left <= focal[0] * size[0] <= right <= size[0]
    assert 0 <= top <= focal[1] * size[1] <= bottom <= size[1]
    assert abs((right - left) / (bottom - top) - crop[0] / crop[1]) < 0.01


def test_renditions_are_made_once_a_second_save_or_request_makes_none(client, monkeypatch):
    drawn = []
    draw = renditions.draw
    monkeypatch.setattr(renditions, "draw", lambda *a, **k: drawn.append(a[1]) or draw(*a, **k))
    image = _library_image(alt="Boats")
    made_at_upload = len(drawn)
    assert made_at_upload == len(media.background_specs(image)) > 0

    image.caption = "Now with a caption"
    media.save_image(image)
    assert len(drawn) == made_at_upload

    crop = image.rendition(960, (4, 3))  # not made in the background
    for _ in range(2):  # drawn on its first request, served as kept on the second
        response = client.get(crop.url)
        response.close()
        assert response.status_code == 200
    assert len(drawn) == made_at_upload + 1


def test_a_request_cannot_have_any_other_rendition_drawn(client):
    image = _library_image()
    stem = image.file.name.rpartition(".")[0].rpartition("/")[2]
    for name in (f"{stem}-1234.webp", f"{stem}-480-5x7-f500-500.webp", f"{stem}-480-1x1-f1-2.webp"):
        assert client.get(f"/media/renditions/articles/{name}").status_code == 404


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot write AVIF")
def test_avif_renditions_are_made_where_pillow_writes_avif(client):
    image = _library_image()
    avif = image.renditions(fmt="avif")
    assert [r.width for r in avif] == [480, 960, 1440]
    response = client.get(avif[0].url)
    assert response["Content-Type"] == "image/avif"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as decoded:
        assert decoded.format == "AVIF" and decoded.size == (480, 270)
    assert ".avif 960w" in image.srcset(fmt="avif")


def test_an_article_picks_a_library_image_and_its_page_shows_it_with_srcset(client):
    image = _library_image(alt="Two leaders shake hands", caption="In Minsk", credit="dpa")
    article = ArticleFactory(image_alt="", image_caption="", image_credit="")
    client.force_login(make_editor())

    assert _change(client, article, **{"image-library": image.pk}).status_code == 302

    article.refresh_from_db()
    assert article.image == image
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'srcset="{image.srcset()}"' in page
    assert 'alt="Two leaders shake hands"' in page
    assert "In Minsk" in page and '<span class="credit">dpa</span>' in page


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot write AVIF")
def test_browsers_that_read_avif_get_it_on_the_story_and_in_lists(client):
    """AVIF is made for every image: pages offer it first, WebP stays the fallback."""
    image = _library_image(alt="Two leaders shake hands")
    article = ArticleFactory(image=image, publish_at=timezone.now() - datetime.timedelta(hours=1))
    ArticleFactory(title="The lead, above the cards")
    story = client.get(article.get_absolute_url()).content.decode()
    home = client.get(reverse("articles:home")).content.decode()
    # The story shows the whole picture, a list's card its 16:9 crop.
    for page, crop in ((story, None), (home, (16, 9))):
        avif = f'<source type="image/avif" srcset="{image.srcset(crop, fmt="avif")}"'
        picture = page[page.index(avif) - len("<picture>") :]
        assert picture.startswith("<picture>" + avif)
        img = picture[picture.index("<img") : picture.index("</picture>")]
        assert f'srcset="{image.srcset(crop)}"' in img
        assert 'alt="Two leaders shake hands"' in img


def test_the_article_form_shows_the_featured_image_as_a_thumbnail_and_can_remove_it(client):
    image = _library_image(alt="Boats")
    article = ArticleFactory(image=image)
    client.force_login(make_editor())
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(url).content.decode()
    assert f'src="{image.rendition(480, (1, 1)).url}"' in form
    assert 'name="image-library"' in form and f'value="{image.pk}"' in form

    assert _change(client, article, **{"image-clear": "on"}).status_code == 302
    article.refresh_from_db()
    assert article.image is None and MediaImage.objects.filter(pk=image.pk).exists()


def test_an_unknown_library_number_is_refused_with_what_was_typed_kept(client):
    article = ArticleFactory()
    client.force_login(make_editor())
    response = _change(client, article, **{"image-library": "999999"}, title="Kept title")
    assert response.status_code == 200
    assert "There is no library image number 999999" in response.content.decode()
    assert 'value="Kept title"' in response.content.decode()


def test_an_upload_in_the_article_form_goes_into_the_library(client):
    editor = make_editor()
    article = ArticleFactory()
    client.force_login(editor)
    response = _change(
        client, article, image=image_upload(), image_alt="A train", image_credit="Ada"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    image = MediaImage.objects.get()
    assert article.image == image
    assert (image.alt, image.credit, image.uploaded_by) == ("A train", "Ada", editor)
    listed = client.get(reverse("admin:articles_mediaimage_changelist")).content.decode()
    assert image.rendition(480, (1, 1)).url in listed


def test_accepting_a_submission_moves_its_images_into_the_library():
    submission = SubmissionFactory()
    for n, alt in enumerate(("A train at night", "The station")):
        SubmissionImage(
            submission=submission, image=image_upload(f"{n}.jpg"), alt=alt, credit="Ada", order=n
        ).save()
    editor = make_editor()

    article = submissions.accept_submission(submission, by=editor)

    library = list(MediaImage.objects.order_by("pk"))
    assert [(i.alt, i.credit) for i in library] == [
        ("A train at night", "Ada"),
        ("The station", "Ada"),
    ]
    assert article.image == library[0]
    assert (article.image_alt, article.image_credit) == ("A train at night", "Ada")
    for image in library:
        assert default_storage.exists(image.rendition_name(Spec(480)))
    # The contributor still sees what they sent.
    assert all(default_storage.exists(i.image.name) for i in submission.images.all())


def test_writers_use_the_library_but_edit_only_their_own_uploads(client):
    writer = make_writer()
    theirs = _library_image(alt="Mine", uploaded_by=writer)
    others = _library_image(alt="Someone else's", uploaded_by=make_editor())
    client.force_login(writer)

    assert client.get(reverse("admin:articles_mediaimage_changelist")).status_code == 200
    assert client.get(reverse("admin:articles_mediaimage_add")).status_code == 200
    change = reverse("admin:articles_mediaimage_change", args=[others.pk])
    client.post(change, {"alt": "Defaced", "caption": "", "credit": "", "focal_x": 0, "focal_y": 0})
    others.refresh_from_db()
    assert others.alt == "Someone else's"
    assert (
        client.post(reverse("admin:articles_mediaimage_delete", args=[others.pk])).status_code
        == 403
    )

    mine = reverse("admin:articles_mediaimage_change", args=[theirs.pk])
    data = {"alt": "Mine, better", "caption": "", "credit": "", "focal_x": 0.2, "focal_y": 0.8}
    assert client.post(mine, data).status_code == 302
    theirs.refresh_from_db()
    assert (theirs.alt, theirs.focal) == ("Mine, better", (0.2, 0.8))


def test_a_focal_point_off_the_image_is_refused_with_a_clear_message(client):
    image = _library_image()
    client.force_login(make_editor())
    url = reverse("admin:articles_mediaimage_change", args=[image.pk])
    response = client.post(url, {"alt": "x", "focal_x": 1.5, "focal_y": 0.5})
    assert response.status_code == 200
    assert "less than or equal to 1" in response.content.decode()


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
def test_pages_cost_no_query_more_for_featured_images(client, seed_article):
    articles = ArticleFactory.create_batch(
        5, category=seed_article.category, author=seed_article.author
    )
    urls = ["/", articles[0].get_absolute_url(), "/world/russia/"]

    def costs():
        counts, pages = [], []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                pages.append(client.get(url).content.decode())
            counts.append(len(queries))
        return counts, pages

    without_images, _ = costs()
    lamp = _library_image(alt="A red lamp")
    for article in articles:
        article.image = lamp
        article.save()
    with_images, pages = costs()
    assert with_images == without_images
    home, story, section = pages
    lists = (home, section)
    assert f'srcset="{lamp.srcset()}"' in story
    assert all(f'srcset="{lamp.srcset((16, 9))}"' in page for page in lists)
