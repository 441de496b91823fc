"""
The media library's work: adding images, their focal point, making renditions.

`add_image()` is the one way in, for the admin, accepted submissions and the body's
figures and embeds alike: the file is checked and re-encoded as every upload is
(`articles.images`) and its renditions are made after the commit, in the background
(`make_renditions`, a Django task). A rendition is made once and kept: its name says
what it shows (`articles.renditions`), so a file that exists is never drawn again,
and a moved focal point makes new crops under new names instead of changing old ones.

An image in use (featured, or a figure in any article's body: `MediaImage.used_in`) is
not deleted, as Django's PROTECT would refuse: readers would lose a picture, and a
stored figure would still point at files. An unused one goes with its original and
every rendition it ever had, once the deletion commits (`delete_images`).

A rendition asked for before the task made it (or a crop nobody made yet) is drawn on
its first request by `articles.views.media`, through `rendition_for_request()`.
"""

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import task
from PIL import Image

from . import pagecache, renditions, tasks
from .models.media import MediaImage
from .renditions import Spec

# Crops made for every image in the background, besides the plain widths: the
# admin's thumbnails are square, and article cards 16:9, around the focal point.
BACKGROUND_CROPS = ((1, 1), (16, 9))


def add_image(file_or_bytes, *, alt="", caption="", credit="", uploaded_by=None):
    """Put an image (an upload, a File or bytes) into the library; returns it.

    Raises ValidationError, with a message for the person who sent it, for anything
    our upload checks refuse. The renditions are made once the transaction commits.
    """
    if isinstance(file_or_bytes, bytes):
        file_or_bytes = ContentFile(file_or_bytes, name="upload")
    elif not isinstance(file_or_bytes, File):
        raise TypeError("add_image() takes an uploaded file, a File or bytes.")
    image = MediaImage(
        file=file_or_bytes, alt=alt, caption=caption, credit=credit, uploaded_by=uploaded_by
    )
    image.save()
    ensure_renditions(image)
    return image


def save_image(image):
    """Save a library image edited in the admin; new renditions (a new file or focal
    point) are made after the commit, the ones already stored are kept."""
    image.save()
    _after_change(image)


def _after_change(image):
    """New renditions made, crops around an old focal point removed, and the pages
    showing the image (cards use its crops) rendered anew: all after the commit."""
    ensure_renditions(image)
    remove_stale_crops(image)
    pages = [pagecache.article_page(article.pk) for article, _ in image.used_in()]
    pagecache.invalidate("articles", *pages)


class ImageInUse(ValidationError):
    """A library image that articles still show cannot be deleted."""


def delete_images(images):
    """Delete library images no article uses, with their files (after the commit).

    Raises ImageInUse, naming the first image in use, and deletes none then."""
    images = list(images)
    for image in images:
        if uses := image.used_in():
            raise ImageInUse(
                "“%(image)s” is used in %(count)s article(s), e.g. “%(title)s”.",
                code="image_in_use",
                params={"image": image, "count": len(uses), "title": uses[0][0].title},
            )
    names = [image.file.name for image in images if image.file]
    MediaImage.objects.filter(pk__in=[image.pk for image in images]).delete()
    transaction.on_commit(lambda: remove_files(names))


def remove_files(names):
    """Remove originals from storage with every rendition of them."""
    for name in names:
        for rendition in stored_renditions(name):
            default_storage.delete(rendition)
        default_storage.delete(name)


def stored_renditions(original_name):
    """The names of every rendition of `original_name` in storage (any width, crop,
    focal point or format), read from the folder rather than from today's settings."""
    original = PurePosixPath(original_name)
    folder = str(PurePosixPath(renditions.FOLDER) / original.parent)
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        parsed = renditions.spec_of(f"{folder}/{name}")
        if parsed is not None and parsed[0] == str(original.with_suffix("")):
            found.append(f"{folder}/{name}")
    return found


def remove_stale_crops(image):
    """Remove the crops around focal points the image no longer has (after the commit):
    pages show only the current point's, and a request cannot draw an old one again."""

    def remove():
        for name in stored_renditions(image.file.name):
            _, spec, focal = renditions.spec_of(name)
            if focal is not None and image.rendition_name(spec) != name:
                default_storage.delete(name)

    if image.file:
        transaction.on_commit(remove)


def set_focal_point(image, x, y):
    """Move the focal point (0..1 across and down); crops around it are made anew."""
    try:
        x, y = float(x), float(y)
    except (TypeError, ValueError):
        raise ValidationError("The focal point is two numbers.", code="invalid_focal") from None
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise ValidationError("The focal point must lie on the image.", code="invalid_focal")
    image.focal_x, image.focal_y = x, y
    image.save(update_fields=["focal_x", "focal_y"])
    _after_change(image)


def background_specs(image):
    """What the background task makes for an image: each width, plain and square."""
    widths = renditions.widths(image.width)
    return [
        Spec(width, crop, fmt)
        for fmt in renditions.formats()
        for crop in (None, *BACKGROUND_CROPS)
        for width in widths
    ]


def ensure_renditions(image, specs=None):
    """Have the renditions `specs` (all the usual ones if None) made after the commit."""
    specs = background_specs(image) if specs is None else specs
    payload = [[spec.width, list(spec.crop) if spec.crop else None, spec.fmt] for spec in specs]
    tasks.enqueue_on_commit(make_renditions, image.pk, payload)


@task()
def make_renditions(image_id, specs):
    """Draw the renditions of a library image that are not stored yet."""
    image = MediaImage.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    return make_missing(image, [Spec(w, tuple(c) if c else None, f) for w, c, f in specs])


def make_missing(image, specs):
    """Draw and store each rendition of `specs` not stored yet; returns how many."""
    missing = [spec for spec in specs if not default_storage.exists(image.rendition_name(spec))]
    if not missing:
        return 0
    with image.file.open("rb") as file, Image.open(file) as original:
        original.load()
        for spec in missing:
            data = renditions.draw(original, spec, image.focal)
            default_storage.save(image.rendition_name(spec), ContentFile(data))
    return len(missing)


def rendition_for_request(name):
    """Make the rendition stored under `name` if it is one we would make; True if it
    is stored now. Only widths, crops and formats we offer, at the image's current focal
    point, so a request cannot have us draw anything else."""
    parsed = renditions.spec_of(name)
    if parsed is None:
        return False
    stem, spec, _ = parsed
    image = MediaImage.objects.filter(file__startswith=f"{stem}.").first()
    if image is None or not image.width or spec.fmt not in renditions.formats():
        return False
    if spec.width not in renditions.widths(image.width):
        return False
    if spec.crop is not None and spec.crop not in renditions.CROPS:
        return False
    if image.rendition_name(spec) != name:  # another focal point's crop: not any more
        return False
    make_missing(image, [spec])
    return True
