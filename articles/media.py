"""
The media library's work: adding images, their focal point, making renditions.

`add_image()` is the one way in, for the admin, accepted submissions and the body's
figures and embeds alike: the file is checked and re-encoded as every upload is
(`articles.images`) and its renditions are made after the commit, in the background
(`make_renditions`, a Django task). A rendition is made once and kept: its name says
what it shows (`articles.renditions`), so a file that exists is never drawn again,
and a moved focal point makes new crops under new names instead of changing old ones.

A rendition asked for before the task made it (or a crop nobody made yet) is drawn on
its first request by `articles.views.media`, through `rendition_for_request()`.
"""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task
from PIL import Image

from . import renditions, tasks
from .models.media import MediaImage
from .renditions import Spec

# Crops made for every image in the background, besides the plain widths: the
# admin's thumbnails are square, around the focal point.
BACKGROUND_CROPS = ((1, 1),)


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
    ensure_renditions(image)


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
    ensure_renditions(image)


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
