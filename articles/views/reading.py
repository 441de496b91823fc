"""Pages readers browse: home, category, tag, author and the article itself."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag, TaggedItem

from .. import pagecache, pagination, structured_data
from ..models import Article, Author, Category, SiteSettings
from . import comments, inline


class ArticleListMixin:
    """Published articles, newest first, a page at a time; cached for anonymous readers.

    Archives grow without end: they page by keyset (`?after=<cursor>`, see
    `articles.pagination`), so a page deep in the past costs what the first one costs.
    """

    context_object_name = "articles"
    keyset_ordering = ("-publish_at", "-id")

    def get_paginate_by(self, queryset):
        return settings.MAGAZINE_ARTICLES_PER_PAGE

    def get_queryset(self):
        pagecache.depends_on(self.request, "articles", "site")
        pagecache.expire_by(self.request, Article.objects.next_scheduled_time())
        return Article.objects.published().for_listing()

    def paginate_queryset(self, queryset, page_size):
        page = pagination.paginate(queryset, self.keyset_ordering, page_size, self.request.GET)
        return None, page, page.object_list, page.has_previous or page.has_next


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"


class CategoryView(ArticleListMixin, ListView):
    template_name = "articles/category_detail.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, path=self.kwargs["category_path"])
        return super().get_queryset().in_category(self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            category=self.category,
            breadcrumbs=self.category.ancestors(),
            subcategories=self.category.children.all(),
            **kwargs,
        )


class TagView(ArticleListMixin, ListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        # A semi-join, not a join: PostgreSQL walks the newest articles and checks each
        # for the tag, so a page costs the same for a tag with 20 or 20,000 articles.
        tagged = TaggedItem.objects.filter(
            tag=self.tag, content_type=ContentType.objects.get_for_model(Article)
        )
        return super().get_queryset().filter(pk__in=tagged.values("object_id"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListMixin, ListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.visible_to(self.request.user)
            .filter(category__path=self.kwargs["category_path"])
            .select_related("category", "author")
            .prefetch_related("tags", "agencies")
        )

    def get_context_data(self, **kwargs):
        article = self.object
        if article.is_published:
            pagecache.depends_on(
                self.request,
                pagecache.article_page(article.pk),
                f"author:{article.author_id}",
                "site",
            )
        agencies, tags = article.agencies.all(), article.tags.all()
        return super().get_context_data(
            breadcrumbs=article.category.ancestors(),
            credit_line=article.credit_line(agencies),
            tags=tags,
            is_preview=not article.is_published,
            **comments.section_context(self.request, article),
            **inline.page_context(self.request, article),
            article_json_ld=structured_data.news_article(
                article,
                self.request,
                site_name=SiteSettings.load().site_name,
                agencies=agencies,
                tags=tags,
            ),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return comments.remember_sort(self.request, response)
