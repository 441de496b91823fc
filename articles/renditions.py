"""
Renditions of a library image: their names, their sizes and how each is drawn.

A rendition is named by everything that decides its pixels (the original's name, the
width, the crop's aspect ratio with the focal point, the format), so a name is never
reused for other pixels: a moved focal point gives new names and nothing is stale.
Names are computed without touching the database or the storage, so a page can list
an image's renditions for free; `articles.media` makes the files, once, and keeps them.

Plain WebP renditions keep the name featured images always had
(`renditions/<folder>/<stem>-<width>.webp`), so images moved into the library keep
theirs.
"""

import io
import re
from pathlib import PurePosixPath
from typing import NamedTuple

from django.conf import settings
from PIL import Image, ImageOps, features

FORMATS = {"webp": "WEBP", "avif": "AVIF"}
# Crops an editor or a template may ask for: aspect ratios (width, height).
CROPS = ((1, 1), (3, 2), (4, 3), (16, 9))
FOLDER = "renditions"
NAME = re.compile(
    r"(?P<stem>[^/]+?)-(?P<width>\d+)(?:-(?P<rw>\d+)x(?P<rh>\d+)-f(?P<fx>\d+)-(?P<fy>\d+))?"
    r"\.(?P<fmt>webp|avif)"
)


class Rendition(NamedTuple):
    """One rendition: where it is and its size (a tuple, as templates index it)."""

    url: str
    width: int
    height: int


class Spec(NamedTuple):
    """What a rendition shows: its width, crop ratio (or None) and format."""

    width: int
    crop: tuple | None = None
    fmt: str = "webp"


def formats():
    """The formats we make: WebP always, AVIF where this Pillow can write it."""
    return ("webp", "avif") if features.check("avif") else ("webp",)


def parse_crop(crop):
    """(3, 2) from "3:2", "3x2" or (3, 2); None for no crop. ValueError if not allowed."""
    if crop is None:
        return None
    if isinstance(crop, str):
        crop = tuple(int(part) for part in re.split(r"[:x]", crop))
    crop = tuple(crop)
    if crop not in CROPS:
        raise ValueError(f"Crops are one of {CROPS}, not {crop}.")
    return crop


def widths(original_width):
    """The widths we make for an image: never upscaled, and the original's own width
    last when it is under our widest (a 1,200 pixel image offers 1200w, not only 960w,
    for screens of twice the density)."""
    made = [w for w in settings.MAGAZINE_IMAGE_WIDTHS if w < original_width]
    if original_width <= max(settings.MAGAZINE_IMAGE_WIDTHS):
        made.append(original_width)
    return made


def crop_box(size, crop, focal):
    """The largest box of ratio `crop` inside `size`, centred on the focal point as far
    as the edges allow, so the point is always inside it. (left, top, right, bottom)."""
    width, height = size
    ratio_w, ratio_h = crop
    box_w = min(width, round(height * ratio_w / ratio_h))
    box_h = min(height, round(width * ratio_h / ratio_w))
    left = min(max(round(focal[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal[1] * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def size_of(spec, original_size, focal=(0.5, 0.5)):
    """(width, height) of the rendition `spec` of an image of `original_size`."""
    width = min(spec.width, original_size[0])
    if spec.crop is None:
        return width, round(original_size[1] * width / original_size[0])
    left, _, right, _ = crop_box(original_size, spec.crop, focal)
    width = min(width, right - left)
    return width, round(width * spec.crop[1] / spec.crop[0])


def name_of(original_name, spec, focal=(0.5, 0.5)):
    path = PurePosixPath(original_name)
    suffix = ""
    if spec.crop is not None:
        fx, fy = (round(value * 1000) for value in focal)
        suffix = f"-{spec.crop[0]}x{spec.crop[1]}-f{fx}-{fy}"
    return str(PurePosixPath(FOLDER) / path.parent / f"{path.stem}-{spec.width}{suffix}.{spec.fmt}")


def spec_of(name):
    """(original's folder and stem, Spec, focal) a rendition name stands for, or None."""
    path = PurePosixPath(name)
    match = NAME.fullmatch(path.name)
    if path.parts[:1] != (FOLDER,) or match is None:
        return None
    crop = focal = None
    if match["rw"]:
        crop = (int(match["rw"]), int(match["rh"]))
        focal = (int(match["fx"]) / 1000, int(match["fy"]) / 1000)
    folder = PurePosixPath(*path.parts[1:-1])
    return str(folder / match["stem"]), Spec(int(match["width"]), crop, match["fmt"]), focal


def draw(image, spec, focal=(0.5, 0.5)):
    """The encoded bytes of rendition `spec` of an opened Pillow image."""
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    size = size_of(spec, image.size, focal)
    if spec.crop is not None:
        image = image.crop(crop_box(image.size, spec.crop, focal))
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if spec.fmt == "avif":
        image.save(out, format="AVIF", quality=60, speed=8)
    else:
        image.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()
