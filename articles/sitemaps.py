"""sitemap.xml: published articles (with their last update), sections, tags and authors.

`sitemap` names what it shows as the lists of articles do (`pagecache.depends_on`), so
the page cache and a cache in front keep it, and a change or a scheduled publish
clears it.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Q
from django.urls import reverse
from taggit.models import Tag

from . import pagecache
from .models import Article, Author, Category


class ArticleSitemap(Sitemap):
    def items(self):
        return (
            Article.objects.published()
            .select_related("category")
            .only("slug", "publish_at", "revised_at", "category__path")
        )

    def lastmod(self, article):
        # The last change readers were told of (an update or a correction), as the
        # page and its JSON-LD say; a silent typo fix is no reason to crawl again.
        return article.modified_at


class CategorySitemap(Sitemap):
    def items(self):
        return Category.objects.all()


class TagSitemap(Sitemap):
    """Tags that have at least one published article: the others' pages are empty."""

    def items(self):
        return (
            Tag.objects.filter(article__in=Article.objects.published()).distinct().order_by("slug")
        )

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


class AuthorSitemap(Sitemap):
    def items(self):
        published = Article.objects.published()
        return Author.objects.filter(
            Q(articles__in=published) | Q(co_bylines__article__in=published)
        ).distinct()


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


def sitemap(request):
    """sitemap.xml (articles/urls.py): Django's view, named by what it shows."""
    pagecache.depends_on(request, "articles", "site")
    pagecache.expire_by(request, Article.objects.next_scheduled_time())
    return sitemap_views.sitemap(request, SITEMAPS)
