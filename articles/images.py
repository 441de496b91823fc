"""
Uploaded images: checked with Pillow before anything is stored, re-encoded to
drop metadata (GPS position, camera serials) and anything appended, and cut
into a few WebP widths once, when saved, so no page ever resizes an image.

An image chosen in a form that then fails validation is kept (`keep_upload`): checked
and re-encoded as above, stored under kept/ and named by a signed token the form carries,
so the next try uses it without a second upload. Kept files not used within a day are
removed (`remove_abandoned_uploads`).
"""

import datetime
import io
import math
import re
import uuid
import warnings
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageOps, UnidentifiedImageError

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# An image has no reason to carry these: a file that does is built to be read as a page.
MARKUP = re.compile(rb"<\s*(?:script|html|body|iframe|object|embed|svg|\?php)\b|javascript:", re.I)

# Most decoders write the picture as they read the file. Two hold a work buffer beside
# it, allocated before the data is read, so a cut file costs it too: libjpeg keeps every
# DCT coefficient (2 bytes each) of a JPEG coded in several scans (progressive, or a
# component at a time), and libwebp keeps two RGBA canvases and Pillow a copy of the
# frame. That buffer stays under this budget, so such files have a smaller pixel limit;
# benchmarks/upload_memory.py measures what a file costs.
MAX_DECODER_BUFFER_BYTES = 96_000_000  # a 24-megapixel progressive photo (4:2:2)
WEBP_BUFFER_BYTES_PER_PIXEL = 12


def _first_scan_components(data):
    """How many colour components the first scan of a JPEG holds (0 if none is found)."""
    pos = 2  # after SOI
    while pos + 4 < len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            pos += 2
        elif marker == 0xDA:  # start of scan: length, then the number of components
            return data[pos + 4]
        else:
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return 0


def decoder_buffer(image, data):
    """(what the file is, bytes its decoder holds beside the picture), from the header.

    The bytes are 0 for a baseline JPEG or a PNG, which are decoded row by row.
    """
    if image.format == "WEBP":
        return "WebP file", image.width * image.height * WEBP_BUFFER_BYTES_PER_PIXEL
    if image.format != "JPEG":
        return "", 0
    if image.info.get("progressive"):
        kind = "progressive JPEG"
    elif _first_scan_components(data) < image.layers:
        kind = "JPEG coded in several scans"
    else:
        return "", 0
    # Each component is stored in 8 × 8 blocks at its own sampling.
    h_max = max((h for _, h, _, _ in image.layer), default=1) or 1
    v_max = max((v for _, _, v, _ in image.layer), default=1) or 1
    blocks = sum(
        math.ceil(image.width * h / h_max / 8) * math.ceil(image.height * v / v_max / 8)
        for _, h, v, _ in image.layer
    )
    return kind, blocks * 64 * 2


def _decoded(file, image):
    """Decode the image, finding a cut or corrupt file first at a fraction of the memory.

    Pillow allocates the whole picture before it reads the data (40 MP is 160 MB), so a
    damaged file is caught beforehand: a PNG by its chunk checksums, without decoding,
    and a JPEG by decoding it at an eighth of its size.
    """
    if image.format in ("PNG", "JPEG"):
        if image.format == "PNG":
            image.verify()
        else:
            # At least a pixel: a JPEG under 8 pixels would have Pillow divide by zero.
            image.draft(image.mode, (max(image.width // 8, 1), max(image.height // 8, 1)))
            image.load()
        file.seek(0)
        image = Image.open(file, formats=(image.format,))
    image.load()
    return image


def open_checked(file):
    """Open an upload and prove it is a whole image of an allowed format and size.

    Raises ValidationError with a message a person can act on. The pixel limits are
    checked on the header alone, so a decompression bomb is never decoded.
    """
    max_bytes = settings.MAGAZINE_IMAGE_MAX_BYTES
    max_pixels = settings.MAGAZINE_IMAGE_MAX_PIXELS
    if file.size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file, formats=settings.MAGAZINE_IMAGE_FORMATS)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "This file is not a JPEG, PNG or WebP image (or it is too large to open).",
            code="invalid_image",
        ) from None
    except OSError:
        raise ValidationError("This image file is damaged.", code="invalid_image") from None
    if image.width * image.height > max_pixels:
        raise ValidationError(
            "This image is %(width)s × %(height)s pixels; images may have at most "
            "%(megapixels)s megapixels.",
            code="too_many_pixels",
            params={
                "width": image.width,
                "height": image.height,
                "megapixels": max_pixels // 1_000_000,
            },
        )
    if getattr(image, "is_animated", False):
        raise ValidationError(
            "This image is animated; the magazine shows still images only, so it would "
            "lose its animation. Please send a still frame as a JPEG, PNG or WebP.",
            code="animated_image",
        )
    file.seek(0)
    data = file.read()
    if MARKUP.search(data):
        raise ValidationError(
            "This image carries a script or web page markup. Please export it again from "
            "an image editor and send that file.",
            code="markup_in_image",
        )
    kind, buffer_bytes = decoder_buffer(image, data)
    if buffer_bytes > MAX_DECODER_BUFFER_BYTES:
        pixels = image.width * image.height
        raise ValidationError(
            "This image is a %(kind)s of %(width)s × %(height)s pixels; a %(kind)s like it "
            "may have at most %(megapixels)s megapixels, as it takes more memory to open. "
            "Please save it as a baseline JPEG or a PNG, or smaller, and send it again.",
            code="too_costly_to_decode",
            params={
                "kind": kind,
                "width": image.width,
                "height": image.height,
                "megapixels": MAX_DECODER_BUFFER_BYTES * pixels // buffer_bytes // 100_000 / 10,
            },
        )
    try:
        image = _decoded(file, image)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            "This image file is damaged or incomplete.", code="invalid_image"
        ) from None
    return image


class CheckedImageFormField(forms.ImageField):
    """Runs `open_checked` before Django's own check, so limits come first."""

    def to_python(self, data):
        if data not in self.empty_values:
            open_checked(data)
            data.seek(0)
        return super().to_python(data)


class CheckedImageField(models.ImageField):
    """An image field whose uploads are held to our formats and limits."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})


@deconstructible
class UploadPath:
    """Store uploads under a name the server chooses, never the uploader's."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        return f"{self.folder}/{uuid.uuid4().hex}.{PurePosixPath(filename).suffix.lstrip('.')}"

    def __eq__(self, other):
        return isinstance(other, UploadPath) and other.folder == self.folder


def _eight_bit(image):
    """16-bit greyscale (a PNG's I;16) as 8-bit: converted straight, every tone above
    255 of 65,535 would clip to white."""
    if image.mode not in {"I", "I;16", "I;16B", "I;16L", "I;16N"}:
        return image
    return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")


def reencoded(file):
    """Return the upload re-encoded in its own format, without metadata."""
    image = open_checked(file)
    fmt = image.format
    # In place, and converted only when the mode must change: each copy of a 40 MP
    # picture is another 120 MB in the worker.
    ImageOps.exif_transpose(image, in_place=True)
    image = _eight_bit(image)
    if fmt == "JPEG":
        mode = "RGB"
    elif image.mode not in {"RGB", "RGBA", "L", "LA"} or "transparency" in image.info:
        mode = "RGBA"
    else:
        mode = image.mode
    if image.mode != mode:
        image = image.convert(mode)
    # Pillow carries some of the upload's metadata over when saving (a JPEG's
    # comment, which may hold anything): none of it goes on.
    image.info = {}
    out = io.BytesIO()
    image.save(out, format=fmt, quality=88, optimize=True)
    return ContentFile(out.getvalue(), name=f"upload.{EXTENSIONS[fmt]}")


def rendition_name(name, width):
    path = PurePosixPath(name)
    return str(PurePosixPath("renditions") / path.parent / f"{path.stem}-{width}.webp")


def rendition_widths(original_width):
    """The widths we make for an image: never upscaled, always one at least."""
    widths = [w for w in settings.MAGAZINE_IMAGE_WIDTHS if w < original_width]
    return widths or [original_width]


def make_renditions(field_file):
    """Write the WebP renditions of a stored image; called once, on save."""
    with field_file.open("rb") as f, Image.open(f) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        for width in rendition_widths(image.width):
            height = round(image.height * width / image.width)
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            resized.save(out, format="WEBP", quality=80, method=4)
            name = rendition_name(field_file.name, width)
            default_storage.delete(name)
            default_storage.save(name, ContentFile(out.getvalue()))


def renditions(field_file, width, height):
    """(url, width, height) of each rendition, smallest first, for srcset."""
    if not field_file or not width:
        return []
    return [
        (default_storage.url(rendition_name(field_file.name, w)), w, round(height * w / width))
        for w in rendition_widths(width)
    ]


def store_new_upload(instance, field_name):
    """Before save: re-encode a freshly uploaded image. Returns True if there was one."""
    field_file = getattr(instance, field_name)
    if not field_file or getattr(field_file, "_committed", True):
        return False
    upload = field_file.file
    if isinstance(upload, KeptUpload):  # re-encoded when it was kept
        content = ContentFile(upload.read(), name=PurePosixPath(upload.name).name)
    else:
        content = reencoded(upload)
    field_file.save(content.name, content, save=False)
    return True


# --- Uploads kept from a form that failed validation ---------------------------------

KEPT_FOLDER = "kept"
KEPT_SALT = "articles.images.kept-upload"
KEPT_FOR = datetime.timedelta(days=1)


class KeptUpload(ContentFile):
    """A kept image, read for the form that uses it; `token` names it."""

    def __init__(self, content, name, token, original_name):
        super().__init__(content, name=name)
        self.token, self.original_name = token, original_name

    @property
    def url(self):
        return default_storage.url(self.name)


def keep_upload(upload):
    """Keep a checked upload for the form's next try; returns its KeptUpload."""
    remove_abandoned_uploads()
    content = reencoded(upload)
    suffix = PurePosixPath(content.name).suffix
    name = default_storage.save(f"{KEPT_FOLDER}/{uuid.uuid4().hex}{suffix}", content)
    original_name = PurePosixPath(upload.name or "").name[:100]
    token = signing.dumps({"name": name, "original": original_name}, salt=KEPT_SALT)
    return kept_upload(token)


def _kept_payload(token):
    try:
        payload = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_FOR)
    except signing.BadSignature:  # forged, or older than a day
        return None
    name = payload.get("name", "") if isinstance(payload, dict) else ""
    return payload if name.startswith(KEPT_FOLDER + "/") else None


def kept_name(token):
    """The storage name a token stands for, or None if it is not ours or too old."""
    payload = _kept_payload(token) if token else None
    return payload and payload["name"]


def kept_upload(token):
    """The kept upload a form's token names, opened, or None."""
    payload = _kept_payload(token) if token else None
    if payload is None or not default_storage.exists(payload["name"]):
        return None
    with default_storage.open(payload["name"], "rb") as file:
        content = file.read()
    return KeptUpload(content, payload["name"], token, payload.get("original", ""))


def discard_kept(upload):
    """Remove a kept upload once a save has stored it for good."""
    if isinstance(upload, KeptUpload):
        default_storage.delete(upload.name)


def remove_abandoned_uploads(now=None):
    """Remove kept uploads older than a day (their form was never sent again)."""
    try:
        _, names = default_storage.listdir(KEPT_FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = (now or timezone.now()) - KEPT_FOR
    removed = 0
    for name in names:
        path = f"{KEPT_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed
