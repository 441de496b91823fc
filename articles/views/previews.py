"""An article before it is published, at its address by id: for the staff who may see
it, and for whoever holds a preview link (`articles.previews`).

A preview shows the article alone: no rating, comment, inline-feedback or subscription
form, none of which would take a reader's input on an unpublished article.
"""

import functools

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.generic import DetailView

from .. import fragments, previews
from ..models import Article
from ..pagination import MAX_INT
from .reading import ArticleDetailView

PRIVATE_HEADERS = {
    # Links on the page must not carry the token to another site, nor may any cache
    # (the page cache included: it keeps nothing with a Cache-Control) keep the page.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


class ArticlePreviewView(ArticleDetailView):
    """An unpublished article by id; a published one leads to its own address."""

    def get_object(self, queryset=None):
        pk = self.kwargs["pk"]
        if pk > MAX_INT:
            raise Http404("No article to preview here.")
        visible = Article.objects.visible_to(self.request.user).filter(pk=pk).first()
        if visible is not None:
            return visible
        # A HEAD (a link checker, a chat app's preview) is answered, not counted.
        token, record = self.request.GET.get("token", ""), self.request.method == "GET"
        opened = previews.open_link(pk, token, record=record)
        if opened is None:
            raise Http404("No article to preview here.")
        return opened

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except previews.LinkGone:
            return _private(render(request, "articles/preview_link_gone.html", status=410))
        if self.object.is_published:
            return redirect(self.object.get_absolute_url())
        return _private(self.render_to_response(self.get_context_data(object=self.object)))

    def get_context_data(self, **kwargs):
        """The article's content alone, rendered for this request (never kept)."""
        context = DetailView.get_context_data(self, is_preview=True, **kwargs)
        content = fragments.ArticlePart(
            "content", functools.partial(self.render_content, context), fragments.CONTENT_SOURCES
        )
        return context | fragments.article_parts(self.request, self.object, content)

    def content_context(self, context):
        return {**super().content_context(context), "comments_open": False}

    def render_to_response(self, context, **response_kwargs):
        return DetailView.render_to_response(self, context, **response_kwargs)


def _private(response):
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response
