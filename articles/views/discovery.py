"""How readers and machines find articles: search and robots.txt."""

from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import ListView, TemplateView

from .. import search
from ..models import Article
from .reading import ArticleListMixin

# Form endpoints and the admin: nothing there for a search engine to index.
ROBOTS_DISALLOW = (
    "/submit/",
    "/story/",
    "/comments/",
    "/ratings/",
    "/subscriptions/",
    "/preview/",
    "/read/",  # the reading-figures beacon (articles/views/beacon.py)
)


class SearchView(ArticleListMixin, ListView):
    """Results in rank order, so numbered pages; `articles.search` bounds how many."""

    template_name = "articles/search.html"

    def paginate_queryset(self, queryset, page_size):
        return ListView.paginate_queryset(self, queryset, page_size)

    def articles(self):
        """Cards with their text: each result shows a passage of it (`search.snippet`)."""
        return Article.objects.published().for_listing(with_text=True)

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q", ""))
        if not self.query:
            return Article.objects.none()
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.query,
            page_query=urlencode({"q": self.query}),
            search_limit=search.MAX_RESULTS,
            **kwargs,
        )


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            disallow=(reverse("admin:index"), reverse("articles:search"), *ROBOTS_DISALLOW),
            sitemap_url=self.request.build_absolute_uri(reverse("articles:sitemap")),
            **kwargs,
        )
