"""
RSS 2.0 and Atom feeds of published articles: the whole magazine, a section
(with its subsections), a tag and an author. Items carry the full body or the
summary, as MAGAZINE_FEED_FULL_TEXT says, and name every author. A feed costs the
same few queries whatever its length: the feed's subject, the articles, their tags
and their other authors.

An article's approved comments have their own feed, newest first, and so do the
site's corrections.

Each feed names what it shows as the pages showing the same do (`pagecache.depends_on`,
`expire_by` the next scheduled change), so the page cache and a cache in front keep it
and a change clears it.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from taggit.models import Tag

from . import pagecache
from .models import Article, Author, Category, ChangeNote, Comment, SiteSettings
from .models.bylines import by_author_q


class LatestArticlesFeed(Feed):
    """The newest articles of the whole magazine."""

    def __call__(self, request, *args, **kwargs):
        # As the lists of cards: articles, their sections, tags and authors, the site.
        pagecache.depends_on(request, "articles", "site")
        pagecache.expire_by(request, Article.objects.next_scheduled_time())
        return super().__call__(request, *args, **kwargs)

    def title(self, obj):
        return SiteSettings.load().site_name

    def link(self, obj):
        return reverse("articles:home")

    def description(self, obj):
        return SiteSettings.load().description

    def items(self, obj):
        return self.articles(obj)[: settings.MAGAZINE_FEED_ITEMS]

    def articles(self, obj):
        return Article.objects.published().for_listing(with_body=True).prefetch_related("tags")

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        if settings.MAGAZINE_FEED_FULL_TEXT:
            return article.body_html
        return article.description or Truncator(article.body_text).words(60)

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        # What readers see as "Updated": silent fixes are no news to a feed reader.
        return article.modified_at

    def item_author_name(self, article):
        return article.byline_names  # every author: "A, B and C"

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class SectionFeed(LatestArticlesFeed):
    """A section's articles, its subsections' included."""

    def get_object(self, request, category_path):
        return get_object_or_404(Category, path=category_path)

    def title(self, category):
        return f"{category.name} · {SiteSettings.load().site_name}"

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        return category.description or f"The latest articles in {category.name}."

    def articles(self, category):
        return super().articles(category).in_category(category)


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"{tag.name} · {SiteSettings.load().site_name}"

    def link(self, tag):
        return reverse("articles:tag", args=[tag.slug])

    def description(self, tag):
        return f"The latest articles tagged {tag.name}."

    def articles(self, tag):
        return super().articles(tag).filter(tags=tag)


class AuthorFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{author.name} · {SiteSettings.load().site_name}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return author.bio or f"The latest articles by {author.name}."

    def articles(self, author):
        return super().articles(author).filter(by_author_q(author))


class ArticleCommentsFeed(Feed):
    """The approved comments of one published article, newest first."""

    def get_object(self, request, article_id):
        article = get_object_or_404(
            Article.objects.published().select_related("category"), pk=article_id
        )
        pagecache.depends_on(request, *pagecache.article_page_names(article))
        pagecache.expire_by(request, article.unpublish_at)
        return article

    def title(self, article):
        return f"Comments on “{article.title}”"

    def link(self, article):
        return article.get_absolute_url() + "#comments"

    def description(self, article):
        return f"Readers' comments on “{article.title}”."

    def items(self, article):
        return (
            Comment.objects.filter(article=article)
            .approved()
            .order_by("-created_at")[: settings.MAGAZINE_FEED_ITEMS]
        )

    def item_title(self, comment):
        return f"{comment.name}: {comment.excerpt}"

    def item_description(self, comment):
        return comment.body_html

    def item_link(self, comment):
        return f"{self._article_url}#{comment.anchor}"

    def item_pubdate(self, comment):
        return comment.created_at

    def item_author_name(self, comment):
        return comment.name

    def get_feed(self, obj, request):
        self._article_url = obj.get_absolute_url()  # one article: no lookup per item
        return super().get_feed(obj, request)


class CorrectionsFeed(Feed):
    """Every correction of a published article, newest first."""

    def __call__(self, request, *args, **kwargs):
        pagecache.depends_on(request, "corrections", "articles", "site")
        pagecache.expire_by(request, Article.objects.next_scheduled_time())
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"Corrections · {SiteSettings.load().site_name}"

    def link(self):
        return reverse("articles:corrections")

    def description(self):
        return "Every correction we have made to our articles, newest first."

    def items(self):
        return (
            ChangeNote.objects.corrections()
            .public()
            .select_related("article__category")[: settings.MAGAZINE_FEED_ITEMS]
        )

    def item_title(self, correction):
        return f"Correction: {correction.article.title}"

    def item_description(self, correction):
        return correction.note

    def item_link(self, correction):
        return correction.get_absolute_url()

    def item_pubdate(self, correction):
        return correction.created_at


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class LatestArticlesAtomFeed(AtomMixin, LatestArticlesFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagAtomFeed(AtomMixin, TagFeed):
    pass


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass
