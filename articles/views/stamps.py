"""The spam guard's "form shown at" stamp, asked for by static/js/form-stamp.js: pages
every reader shares carry none (articles/antispam.py)."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import antispam


@require_safe
@never_cache
def form_stamp(request):
    """A fresh signed stamp as plain text; no cache, shared or private, may keep it."""
    response = HttpResponse(antispam.fresh_timestamp(), content_type="text/plain; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response
