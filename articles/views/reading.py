"""Pages readers browse: home, category, tag, author and the article itself."""

import datetime
import functools

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import DetailView, ListView
from taggit.models import Tag, TaggedItem

from .. import fragments, pagecache, pagination, structured_data
from ..models import Article, Author, Category, SiteSettings, card_list, front
from ..models.article_page import agencies_of, change_notes_of, reading_minutes, tags_of
from ..models.bylines import by_author_q
from ..models.comments import comments_open
from ..readers import get_reader
from . import comment_section, inline, ratings, related

# How long a list found once is kept when no scheduled story will change it sooner.
KEPT_AT_MOST = datetime.timedelta(days=1)


class ArticleListMixin:
    """Published articles, newest first, a page at a time; cached for anonymous readers.

    Archives grow without end: they page by keyset (`?after=<cursor>`, see
    `articles.pagination`), so a page deep in the past costs what the first one costs.
    """

    context_object_name = "articles"
    keyset_ordering = card_list.ORDERING
    # The home and section pages' first page is a lead above the river, from compiled
    # queries (`front.lead_and_river`).
    compiled_first_page = False
    lead = None

    def get_paginate_by(self, queryset):
        return settings.MAGAZINE_ARTICLES_PER_PAGE

    def get_queryset(self):
        pagecache.depends_on(self.request, "articles", "site")
        self.next_scheduled_time = Article.objects.next_scheduled_time()
        pagecache.expire_by(self.request, self.next_scheduled_time)
        if self.compiled_first_page and pagination.is_first_page(self.request.GET):
            return None  # `card_list` gives the page: no queryset to build
        return self.articles()

    def articles(self):
        """The list's published articles, as cards."""
        return Article.objects.published().for_listing()

    def paginate_queryset(self, queryset, page_size):
        params = self.request.GET
        page = None
        if not (self.compiled_first_page and pagination.is_first_page(params)):
            # A lead list's first page holds its lead too: stepping back reaches it sooner.
            first_size = page_size + 1 if self.compiled_first_page else None
            page = pagination.paginate(
                queryset, self.keyset_ordering, page_size, params, first_page_size=first_size
            )
        if self.compiled_first_page and (page is None or page.is_first):
            self.lead, cards, more = self.lead_and_river(page_size)
            page = pagination.first_page(cards, more, self.keyset_ordering)
        return None, page, page.object_list, page.has_previous or page.has_next

    def lead_and_river(self, page_size):
        """`front.lead_and_river`: alike for every reader, so found once per process until
        the next scheduled story or a change to what it shows (as the front is)."""
        section, lead_id = getattr(self, "category", None), self.chosen_lead()

        def find():
            lead, cards, more = front.lead_and_river(page_size, section, lead_id)
            shown = sorted(card.pk for card in ([lead] if lead else []) + cards)
            return (lead, cards, more), ("articles", "site", *map(pagecache.article_page, shown))

        key = ("lead-and-river", section and section.pk, lead_id, page_size)
        until = self.next_scheduled_time or timezone.now() + KEPT_AT_MOST
        return pagecache.keep(self.request, key, find, until)[0]

    def chosen_lead(self):
        """The id of the story editors chose to lead the page, if any."""
        return None


class HomeView(ArticleListMixin, ListView):
    """The magazine's front (`articles.models.front`) above the river; later pages are
    the river alone."""

    template_name = "articles/home.html"
    compiled_first_page = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].is_first:
            redrawn_at = front.refresh_at()
            pagecache.expire_by(self.request, redrawn_at)
            context["front"], shown = self.front(redrawn_at)
            river = sorted(card.pk for card in context["articles"])
            pagecache.depends_on(self.request, *shown, *map(pagecache.article_page, river))
        return context

    def front(self, redrawn_at):
        """(the front, the names of what it shows): alike for every reader, so drawn once
        per process until `redrawn_at` or a change to what it shows."""

        def draw():
            made = front.home(self.lead, self.site.count_readers)
            shown = map(pagecache.article_page, sorted(made.shown()))
            return made, ("articles", "site", *shown)

        key = ("front", self.lead and self.lead.pk, self.site.count_readers)
        return pagecache.keep(self.request, key, draw, redrawn_at)

    @functools.cached_property
    def site(self):
        """The site settings, read from the shared cache once per request."""
        return SiteSettings.load()

    def chosen_lead(self):
        return self.site.lead_article_id


class CategoryView(ArticleListMixin, ListView):
    """A section's newest story as its lead, above the river of its stories."""

    template_name = "articles/category_detail.html"
    compiled_first_page = True

    def get_queryset(self):
        """By the cached categories, as the article page finds its section: no query."""
        path = self.kwargs["category_path"]
        category_id = Category.objects.known_paths().get(path)
        self.category = Category.objects.cached().get(category_id)
        if self.category is None:
            raise Http404("No section at this address.")
        return super().get_queryset()

    def articles(self):
        return super().articles().in_category(self.category)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            category=self.category,
            breadcrumbs=self.category.ancestors(),
            subcategories=card_list.subsections(self.category),
            **kwargs,
        )
        context["lead"] = self.lead
        return context


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
        # Lead byline or one of the others; each card names them all.
        return super().get_queryset().filter(by_author_q(self.author))

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleGone(Exception):
    """The article at this address was taken down by its unpublish time."""


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except ArticleGone:
            return render(request, "410.html", status=410)

    def get_object(self, queryset=None):
        # By the category's id from URL resolution's cached paths: no join, and the
        # category is fetched only when the article's content is rendered anew.
        user, slug = self.request.user, self.kwargs["slug"]
        category_id = Category.objects.known_paths().get(self.kwargs["category_path"])
        if user.is_staff:  # previews drafts and scheduled articles too
            visible = Article.objects.visible_to(user)
            article = visible.filter(category_id=category_id, slug=slug).first()
        else:
            article = Article.objects.published_at(category_id, slug)
        if article is None:
            if Article.objects.taken_down().filter(category_id=category_id, slug=slug).exists():
                raise ArticleGone
            raise Http404("No published article at this address.")
        # A cached copy of the page is kept no longer than the article is up.
        pagecache.expire_by(self.request, article.unpublish_at)
        return article

    def get_context_data(self, **kwargs):
        """The article's content, rating and comments are joined from kept markup where
        this reader sees them as every other reader does (see `articles.fragments`)."""
        request, article = self.request, self.object
        if article.is_published:
            pagecache.depends_on(request, *pagecache.article_page_names(article))
        context = super().get_context_data(is_preview=not article.is_published, **kwargs)
        own = fragments.ReadersOwn(get_reader(request), article)
        content = fragments.ArticlePart(
            "content", functools.partial(self.render_content, context), fragments.CONTENT_SOURCES
        )
        return context | fragments.article_parts(
            request,
            article,
            content,
            related.related_part(request, context),
            *ratings.rating_parts(request, context, own),
            comment_section.section_part(request, context, own),
        )

    def render_content(self, context, shared):
        """The article itself, its header and footer: the same for every reader."""
        parts = ("title", "meta", "site_links", "main", "header", "footer")
        names = [f"{fragments.CONTENT}#{part}" for part in parts]
        rendered = fragments.render_templates(names, self.content_context(context), self.request)
        return {f"article_{part}": rendered[name] for part, name in zip(parts, names, strict=True)}

    def content_context(self, context):
        """What article_content.html shows: the author, category, tags, agencies and
        passages are queried only when it is rendered anew."""
        article = self.object
        agencies, tags = agencies_of(article), tags_of(article)
        notes = change_notes_of(article)
        return {
            **context,
            "comments_open": comments_open(article),
            "breadcrumbs": article.category.ancestors() if article.category_id else [],
            "credit_line": article.credit_line(agencies),
            "tags": tags,
            "change_notes": notes,
            "reading_minutes": reading_minutes(article),
            "article_json_ld": structured_data.news_article(
                article,
                self.request,
                site_name=SiteSettings.load().site_name,
                agencies=agencies,
                tags=tags,
                notes=notes,
            ),
            **inline.page_context(self.request, article),
        }

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return comment_section.forget_old_sort_cookie(self.request, response)
