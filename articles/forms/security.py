"""
What a public form carries to prove it was sent from our own pages.

Every template writes `form_token(request)` inside each POST form, and nothing else:
what that proof is (a CSRF token, or nothing where the browser's fetch metadata
suffices) is decided here, in one place.
"""

from django.middleware.csrf import get_token
from django.utils.html import format_html


def form_token(request):
    """The hidden CSRF input for a form on a page rendered for `request`."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
