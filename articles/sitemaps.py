"""sitemap.xml: published articles (with their last change), sections, tags and authors."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from taggit.models import Tag

from .models import Article, Author, Category


class ArticleSitemap(Sitemap):
    def items(self):
        return (
            Article.objects.published()
            .select_related("category")
            .only("slug", "updated_at", "category__path")
        )

    def lastmod(self, article):
        return article.updated_at


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
        return Author.objects.filter(articles__in=Article.objects.published()).distinct()


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
