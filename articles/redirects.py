"""Old article addresses answer 301 with the current one, forever (410 Gone once the
article has been taken down, as its own address does)."""

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render

from .models import ArticleRedirect


class ArticleRedirectMiddleware:
    """On a 404, look the path up among articles' old addresses.

    Like django.contrib.redirects' fallback middleware: it costs a query only on
    pages that would otherwise be "not found", and URL patterns stay as they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in {"GET", "HEAD"}:
            return response
        article = ArticleRedirect.objects.target(request.path)
        if article is None:
            return response
        if article.is_taken_down:
            return render(request, "410.html", status=410)
        return HttpResponsePermanentRedirect(article.get_absolute_url())
