"""The reading-figures beacon: one view of an article, counted (articles/readership.py)."""

import base64

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import readership

# The smallest transparent GIF, for the <noscript> image of browsers without JavaScript.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _our_origin(request):
    return f"{request.scheme}://{request.get_host()}"


def _from_our_pages(request):
    """Whether the browser says one of our pages sent this, as magazine/csrf.py reads
    fetch metadata: `Sec-Fetch-Site: same-origin`, else an `Origin` (or, for an old
    browser's image, a `Referer`) on this site or a trusted one. Nothing else counts,
    so another site cannot add views to an article by embedding the address."""
    site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if site:
        return site == "same-origin"
    origin = request.headers.get("Origin") or request.headers.get("Referer", "")
    ours = (_our_origin(request), *settings.CSRF_TRUSTED_ORIGINS)
    return any(origin == each or origin.startswith(each + "/") for each in ours)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def count_view(request, article_id):
    """Count a reader's view of an article: POST from beacon.js, GET from the image.

    Exempt from the CSRF check because a forged beacon changes nothing a person owns
    (no account, comment, vote or setting: only an anonymous count), and because
    `navigator.sendBeacon` cannot carry a token on a page that is the same bytes for
    everyone; it is still accepted from our own pages only (`_from_our_pages`).
    The answer is the same whether or not the view counted (staff, bots, counting off).
    """
    if not _from_our_pages(request):
        return HttpResponseForbidden("Views are counted from this site's pages only.")
    readership.record_view(article_id, request.user, request.headers.get("User-Agent", ""))
    if request.method == "GET":
        return HttpResponse(PIXEL, content_type="image/gif")
    return HttpResponse(status=204)
