"""
What a public form carries to prove it was sent from our own pages.

Every template writes `form_token(request)` inside each POST form, and nothing else.
Browsers prove a form's origin by fetch metadata (magazine/csrf.py), so a page that
every reader shares (and a shared cache may hold) carries no per-request secret, and
its readers get no CSRF cookie. The token is written only where the page is never
shared: for a signed-in person, in the answer to a POST (a refused form shown again),
and on a page a view marks as the form page of its own (`own_form_page`). A client
sending neither header posts without a token once, is refused, and gets such a page:
the view's refusal page, in the answer to that POST, saying `not_checked` (the views
name it with magazine.csrf.with_form_page).
"""

from django.middleware.csrf import get_token
from django.utils.html import format_html

SAFE_METHODS = ("GET", "HEAD")
NOT_CHECKED = (
    "We could not check where this form came from, so {what} was not sent. "
    "{kept} is still here: please send it again."
)


def not_checked(what, kept="What you chose"):
    """What a form page of its own says above the form: `what` was not sent, `kept` is."""
    return NOT_CHECKED.format(what=what, kept=kept)


def own_form_page(request):
    """Mark the page being rendered for `request` as this reader's alone (never kept or
    shared): its forms carry a CSRF token."""
    request.own_form_page = True


def is_own_page(request):
    """Whether the page rendered for `request` is never shared with another reader."""
    user = getattr(request, "user", None)
    return (
        (user is not None and user.is_authenticated)
        or request.method not in SAFE_METHODS
        or getattr(request, "own_form_page", False)
    )


def form_token(request):
    """The hidden CSRF input for a form on a page rendered for `request`, or "" where the
    page may be shared."""
    if not is_own_page(request):
        return ""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
