"""Hostile image uploads: refused fast, cheaply and without a trace; accepted ones re-encoded.

Each hostile file is built here. Memory is measured in a fresh Python process per
file from the kernel's resident-set figures, which, unlike tracemalloc, count the
pixel buffers Pillow allocates in C. (Not getrusage's ru_maxrss: Linux carries it
across exec, so a child started by pytest would report pytest's own peak.) Time is
the check's CPU time in that process; through the admin, a refusal is shown cheap by
decoding nothing over the pixel limit.
"""

import binascii
import io
import json
import math
import os
import re
import struct
import subprocess
import sys
import uuid
import zlib

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile, PngImagePlugin

from articles.models import Category, Submission
from articles.models.media import MediaImage

from .factories import ArticleFactory, article_admin_data, make_editor, started_token

pytestmark = pytest.mark.django_db

MAX_SECONDS = 1
MAX_EXTRA_MB = 100
SCRIPT = b"<script>alert(document.cookie)</script>"


def png_chunk(kind, data):
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", binascii.crc32(kind + data))
    )


def crafted_png(width, height, *, color_type=2, bit_depth=8, rows=None):
    """A PNG whose rows are all zeros, written without Pillow (which can't make huge ones).

    `rows` limits how many rows the compressed data holds: a header can promise any size.
    """
    channels = {0: 1, 2: 3}[color_type]
    row = bytes(1 + (width * channels * bit_depth + 7) // 8)  # filter byte + pixels
    compressor = zlib.compressobj(1)
    data = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows))
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data + compressor.flush())
        + png_chunk(b"IEND", b"")
    )


def pillow_bytes(fmt, size=(300, 200), **save_kwargs):
    buffer = io.BytesIO()
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def truncated_png():
    whole = pillow_bytes("PNG", size=(3000, 2000), compress_level=1)
    return whole[: len(whole) * 9 // 10]


def jpeg_with_script_in_metadata():
    exif = Image.Exif()
    exif[0x010E] = SCRIPT.decode()  # ImageDescription
    return pillow_bytes("JPEG", exif=exif, comment=SCRIPT, xmp=SCRIPT)


# What a phone leaves in a photo: its position, its serial number, a trailer after the image.
TRAILER = b"MotionPhoto_Data" + bytes(range(256)) * 4


def jpeg_with_gps_serial_and_trailer():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (53.0, 54.0, 0.0)}  # GPSInfo: latitude
    exif[0xA431] = "CAMERA-SERIAL-1234"  # BodySerialNumber
    return pillow_bytes("JPEG", exif=exif, comment=b"shot on a phone") + TRAILER


def png_with_text_and_trailer():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "CAMERA-SERIAL-1234")
    return pillow_bytes("PNG", pnginfo=info) + TRAILER


def truncated_at_the_limit(build):
    side = math.isqrt(django_settings.MAGAZINE_IMAGE_MAX_PIXELS)
    whole = build(side, side)
    return whole[: len(whole) * 99 // 100]


def baseline_jpeg(width, height):
    return pillow_bytes("JPEG", size=(width, height), quality=50)


def progressive_jpeg(width, height):
    return pillow_bytes("JPEG", size=(width, height), progressive=True, quality=50)


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">'
    + SCRIPT
    + b'<rect width="300" height="200"/></svg>'
)

# name -> (uploaded file name, content, what the upload claims to be)
REFUSED = {
    "50,000 x 50,000 PNG of a few hundred bytes": (
        "bomb.png",
        lambda: crafted_png(50_000, 50_000, rows=1),
        "image/png",
    ),
    "12,000 x 10,000 PNG": (
        "huge.png",
        lambda: crafted_png(12_000, 10_000, color_type=0, bit_depth=1),
        "image/png",
    ),
    "truncated PNG": ("cut.png", truncated_png, "image/png"),
    "SVG with a script": ("drawing.svg", lambda: SVG, "image/svg+xml"),
    "GIF": ("anim.gif", lambda: pillow_bytes("GIF"), "image/gif"),
    "TIFF": ("scan.tiff", lambda: pillow_bytes("TIFF"), "image/tiff"),
    "HTML renamed .jpg": (
        "photo.jpg",
        lambda: b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>",
        "image/jpeg",
    ),
    "JPEG with a script appended": (
        "photo.jpg",
        lambda: pillow_bytes("JPEG") + SCRIPT,
        "image/jpeg",
    ),
    "JPEG with a script in its EXIF, comment and XMP": (
        "photo.jpg",
        jpeg_with_script_in_metadata,
        "image/jpeg",
    ),
}

ACCEPTED = {
    "JPEG with GPS, a serial number and a trailer": (
        "photo.jpg",
        jpeg_with_gps_serial_and_trailer,
        "image/jpeg",
    ),
    "PNG with a text chunk and a trailer": ("photo.png", png_with_text_and_trailer, "image/png"),
}


def test_the_bomb_really_is_a_few_hundred_bytes_and_the_big_png_is_whole():
    assert len(REFUSED["50,000 x 50,000 PNG of a few hundred bytes"][1]()) < 1000
    huge = REFUSED["12,000 x 10,000 PNG"][1]()
    assert struct.unpack(">II", huge[16:24]) == (12_000, 10_000)
    assert len(zlib.decompress(huge[41:-16])) == 10_000 * 1501  # every row is there


# Through the admin, as an editor uploads.


def post_image(client, upload):
    article = ArticleFactory()
    data = article_admin_data(article, image=upload, image_alt="A picture")
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    article.refresh_from_db()
    return response, article


@pytest.fixture
def decoded(monkeypatch):
    """The size of every picture Pillow decodes during the test. A request is cheap
    when none is over the pixel limit: the check's own time and memory are measured
    in a process of its own (below); a whole admin request's CPU time measures the
    machine's speed at drawing the admin page."""
    sizes = []
    load = ImageFile.ImageFile.load

    def recorded(image):
        sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recorded)
    return sizes


def nothing_over_the_limit(sizes):
    return all(w * h <= django_settings.MAGAZINE_IMAGE_MAX_PIXELS for w, h in sizes)


def files_under(path):
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


@pytest.fixture
def upload_dir(settings, tmp_path):
    """Every upload goes through a temporary file, so a left-behind one would show."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.FILE_UPLOAD_TEMP_DIR


@pytest.mark.parametrize("case", REFUSED)
def test_a_hostile_image_is_refused_in_the_admin_fast_and_leaves_no_file(
    case, client, settings, upload_dir, decoded
):
    name, build, content_type = REFUSED[case]
    client.force_login(make_editor())
    response, article = post_image(client, SimpleUploadedFile(name, build(), content_type))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["image"]
    assert errors and "image" in errors[0]
    assert 'class="errorlist' in response.content.decode()
    assert nothing_over_the_limit(decoded)
    assert not article.image
    assert files_under(settings.MEDIA_ROOT) == []
    assert files_under(upload_dir) == []


@pytest.mark.parametrize("case", ACCEPTED)
def test_an_image_carrying_a_script_is_stored_reencoded_under_a_server_chosen_name(
    case, client, settings, upload_dir, decoded
):
    _, build, content_type = ACCEPTED[case]
    client.force_login(make_editor())
    hostile_name = "../../<b>evil</b>.html." + content_type.split("/")[1]
    upload = SimpleUploadedFile(hostile_name, build(), content_type)
    response, article = post_image(client, upload)
    assert response.status_code == 302
    assert decoded and nothing_over_the_limit(decoded)  # the original and its renditions
    extension = {"image/jpeg": "jpg", "image/png": "png"}[content_type]
    assert re.fullmatch(rf"articles/[0-9a-f]{{32}}\.{extension}", article.image.name)

    with article.image.open("rb") as f:
        stored = f.read()
    stored_image = Image.open(io.BytesIO(stored))
    assert not {"comment", "exif", "xmp", "Comment"} & stored_image.info.keys()
    if extension == "jpg":
        assert [marker for marker, _ in stored_image.applist] == ["APP0"]  # JFIF only
        assert stored.endswith(b"\xff\xd9")  # ends where the image ends
    else:
        assert stored.endswith(png_chunk(b"IEND", b""))
    for path in files_under(settings.MEDIA_ROOT):  # the original and every rendition
        assert b"CAMERA-SERIAL" not in path.read_bytes(), path
        assert TRAILER not in path.read_bytes(), path
    assert files_under(upload_dir) == []


# The media library's own upload form holds the same line.


def post_to_library(client, upload):
    return client.post(reverse("admin:articles_mediaimage_add"), {"file": upload, "alt": "x"})


@pytest.mark.parametrize("case", REFUSED)
def test_a_hostile_image_is_refused_by_the_library_fast_and_leaves_no_file(
    case, client, settings, upload_dir, decoded
):
    name, build, content_type = REFUSED[case]
    client.force_login(make_editor())
    response = post_to_library(client, SimpleUploadedFile(name, build(), content_type))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert errors and "image" in errors[0]
    assert nothing_over_the_limit(decoded)
    assert not MediaImage.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []
    assert files_under(upload_dir) == []


@pytest.mark.parametrize("case", ACCEPTED)
def test_an_image_carrying_a_script_is_stored_reencoded_in_the_library(
    case, client, settings, upload_dir
):
    _, build, content_type = ACCEPTED[case]
    client.force_login(make_editor())
    hostile_name = "../../<b>evil</b>.html." + content_type.split("/")[1]
    response = post_to_library(client, SimpleUploadedFile(hostile_name, build(), content_type))
    assert response.status_code == 302
    image = MediaImage.objects.get()
    extension = {"image/jpeg": "jpg", "image/png": "png"}[content_type]
    assert re.fullmatch(rf"articles/[0-9a-f]{{32}}\.{extension}", image.file.name)
    stored = files_under(settings.MEDIA_ROOT)
    assert len(stored) > 1  # the original and its renditions
    for path in stored:
        content = path.read_bytes()
        assert b"CAMERA-SERIAL" not in content and TRAILER not in content, path
        assert b"<script" not in content.lower(), path
    assert files_under(upload_dir) == []


# open_checked on its own, in a fresh process per file, so its memory is measured.

PROBE = """
import io, json, os, sys, time
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from articles import images

def memory_mb(field):  # VmRSS: resident now; VmHWM: the peak of this process
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024

warm_up = io.BytesIO()
Image.new("RGB", (8, 8)).save(warm_up, "PNG")
images.open_checked(SimpleUploadedFile("w.png", warm_up.getvalue()))
Image.init()  # load every Pillow plugin now, as a long-running server already has
with open(sys.argv[1], "rb") as f:
    upload = SimpleUploadedFile("upload", f.read())
before, started, code = memory_mb("VmRSS"), time.process_time(), None
if sys.argv[2] == "unchecked":  # what a naive upload handler would do
    Image.MAX_IMAGE_PIXELS = None
    Image.open(upload).load()
else:
    try:
        images.open_checked(upload)
    except ValidationError as error:
        code = error.code
print(json.dumps({"code": code, "cpu_seconds": time.process_time() - started,
                  "extra_mb": memory_mb("VmHWM") - before}))
"""


def probe(tmp_path, content, mode="checked"):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), mode],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "magazine.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", REFUSED)
def test_open_checked_refuses_a_hostile_image_in_under_a_second_and_100_mb(case, tmp_path):
    _, build, _ = REFUSED[case]
    measured = probe(tmp_path, build())
    assert measured["code"] in {"invalid_image", "too_many_pixels", "markup_in_image"}
    assert measured["cpu_seconds"] < MAX_SECONDS
    assert measured["extra_mb"] < MAX_EXTRA_MB


def test_the_memory_probe_sees_what_pillow_allocates_in_c(tmp_path):
    """Decoding the 12,000 × 10,000 PNG unchecked takes 120 MB: the probe must show it."""
    measured = probe(tmp_path, REFUSED["12,000 x 10,000 PNG"][1](), mode="unchecked")
    assert measured["extra_mb"] > MAX_EXTRA_MB, measured


@pytest.mark.parametrize(
    "build",
    [crafted_png, baseline_jpeg, progressive_jpeg],
    ids=["PNG", "baseline JPEG", "progressive JPEG"],
)
def test_a_truncated_image_at_the_pixel_limit_is_refused_within_100_mb(build, tmp_path):
    """Pillow allocates 160 MB for 40 MP before decoding: a cut file must fail before that."""
    measured = probe(tmp_path, truncated_at_the_limit(build))
    assert measured["code"] in {"invalid_image", "too_costly_to_decode"}
    assert measured["extra_mb"] < MAX_EXTRA_MB, measured


# Files whose decoder holds a buffer beside the picture (articles.images.decoder_buffer).


def first_scan_of_three(width, height):
    """A colour JPEG whose first scan holds only its brightness, the colours never coming.

    libjpeg keeps all three components' coefficients for a file in several scans, and
    reads this one without complaint. Made from a grey JPEG, which is that first scan.
    """
    grey = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).save(grey, format="JPEG", quality=50)
    data = grey.getvalue()
    sof = data.index(b"\xff\xc0")
    length = int.from_bytes(data[sof + 2 : sof + 4], "big")
    assert data[sof + 9] == 1  # one component, Y; add Cb and Cr at the same sampling
    frame = data[sof + 4 : sof + 9] + bytes([3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0])
    header = b"\xff\xc0" + (len(frame) + 2).to_bytes(2, "big") + frame
    return data[:sof] + header + data[sof + 2 + length :]


def webp_canvas(width, height):
    """An animated WebP of 90 bytes: a width × height canvas holding one 1 × 1 frame."""

    def chunk(kind, data):
        return kind + struct.pack("<I", len(data)) + data + b"\0" * (len(data) % 2)

    def u24(n):
        return n.to_bytes(3, "little")

    tiny = pillow_bytes("WEBP", size=(1, 1), lossless=True)[12:]  # its VP8L chunk
    body = (
        b"WEBP"
        + chunk(b"VP8X", b"\x02\0\0\0" + u24(width - 1) + u24(height - 1))  # animated
        + chunk(b"ANIM", bytes(6))
        + chunk(b"ANMF", u24(0) * 4 + u24(100) + b"\0" + tiny)
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


# The largest progressive JPEG let through at each sampling: its coefficients fill the
# budget exactly (4:2:2 is what cameras write; 4:2:0 what Pillow and most web tools do).
LARGEST_PROGRESSIVE = {"4:4:4": (4000, 4000), "4:2:2": (6000, 4000), "4:2:0": (8000, 4000)}


def progressive(size, subsampling):
    return pillow_bytes("JPEG", size=size, progressive=True, subsampling=subsampling, quality=50)


@pytest.mark.parametrize(
    "build",
    [
        lambda: progressive((7300, 5466), "4:2:2")[:100_000],
        lambda: first_scan_of_three(7300, 5479),
        lambda: webp_canvas(7300, 5479),
    ],
    ids=["progressive JPEG cut short", "JPEG in several scans", "90-byte WebP"],
)
def test_a_40_megapixel_file_that_needs_a_decoder_buffer_is_refused_unread(build, tmp_path):
    """Unchecked, these cost 240, 385 and 610 MB; refused on the header, next to nothing."""
    measured = probe(tmp_path, build())
    assert measured["code"] == "too_costly_to_decode"
    assert measured["extra_mb"] < 5, measured


@pytest.mark.parametrize("subsampling", LARGEST_PROGRESSIVE)
def test_the_largest_progressive_jpeg_let_through_costs_under_100_mb_when_cut(
    subsampling, tmp_path
):
    """A cut file fails only once libjpeg has filled its buffer: the worst refusal there is."""
    whole = progressive(LARGEST_PROGRESSIVE[subsampling], subsampling)
    assert probe(tmp_path, whole)["code"] is None  # accepted whole
    measured = probe(tmp_path, whole[: len(whole) // 2])
    assert measured["code"] == "invalid_image"
    assert measured["extra_mb"] < MAX_EXTRA_MB, measured


def story_form(**files):
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "title": "Night trains of Minsk",
        "story": "The first paragraph.",
        "category": Category.objects.get(path="world/russia").pk,
        "tags": "trains",
        "pack": "single-story",
        "rights": "on",
        "form_token": uuid.uuid4().hex,
        "form_started": started_token(),
        "website": "",
        "alt_1": "A train at night",
        "credit_1": "Ada Lovelace",
        **files,
    }


REFUSED_PROGRESSIVE = "This image is a progressive JPEG of 6000 × 4001 pixels"
PROGRESSIVE_LIMIT = "a progressive JPEG like it may have at most 23.9 megapixels"


def test_a_progressive_jpeg_above_its_limit_is_refused_by_the_story_form(client, settings):
    upload = SimpleUploadedFile("night.jpg", progressive((6000, 4001), "4:2:2"), "image/jpeg")
    response = client.post(reverse("articles:submit"), story_form(image_1=upload))
    page = response.content.decode()
    assert response.status_code == 400
    assert REFUSED_PROGRESSIVE in page and PROGRESSIVE_LIMIT in page
    assert "Night trains of Minsk" in page  # what they typed is kept
    assert not Submission.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_progressive_jpeg_above_its_limit_is_refused_in_the_admin(client, settings):
    client.force_login(make_editor())
    upload = SimpleUploadedFile("night.jpg", progressive((6000, 4001), "4:2:2"), "image/jpeg")
    response, article = post_image(client, upload)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["image"]
    assert REFUSED_PROGRESSIVE in error and PROGRESSIVE_LIMIT in error
    assert not article.image
    assert files_under(settings.MEDIA_ROOT) == []
