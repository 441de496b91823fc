"""Serving uploads safely when no separate web server does it (a web server in front
should pass the requests for missing renditions/ files here, see `articles.media`)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join

from .. import media

# Uploads are only ever images we re-encoded; nothing else is served from media.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",
}


def serve_media(request, path):
    """An upload, with a fixed image type, nosniff and a sandboxing CSP; no cookies."""
    content_type = CONTENT_TYPES.get(Path(path).suffix.lower())
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation:
        raise Http404("No such file") from None
    if content_type is None:
        raise Http404("No such file")
    # A library rendition not made yet (the background task is behind, or a crop
    # nobody asked for before) is drawn now, once, if it is one we offer.
    if not full_path.is_file() and not media.rendition_for_request(path):
        raise Http404("No such file")
    response = FileResponse(full_path.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # names are never reused
    return response
