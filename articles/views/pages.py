"""Error pages that keep the site's look."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import csrf


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Rendered without a request, so without context processors: the database may be
    what failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """A form refused for its CSRF token: a refused comment keeps the reader's text."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "articles:comment-post":
        from .comments import csrf_refused

        return csrf_refused(request, match.kwargs["article_id"])
    return csrf.csrf_failure(request, reason)
