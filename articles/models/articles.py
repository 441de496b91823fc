from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from .. import pagecache, richtext, search
from ..addresses import address
from . import featured_image
from .agencies import Agency
from .article_queryset import ArticleQuerySet
from .bylines import BylinesMixin
from .categories import CachedCategoryDescriptor, Category
from .drafts import RoughDraftMixin
from .media import LibraryImageField
from .people import Author
from .rating_figures import RATING_FIELDS, RatingFiguresMixin
from .redirects import ArticleRedirect
from .scheduling import SchedulingMixin

BODY_EXTENSIONS = richtext.BODY_EXTENSIONS  # what the body editor offers


class Article(
    featured_image.FeaturedImageMixin,
    BylinesMixin,
    RoughDraftMixin,
    SchedulingMixin,
    RatingFiguresMixin,
    models.Model,
):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The article's address; made from the title if left empty.",
    )
    standfirst = models.TextField(
        blank=True, max_length=500, help_text="One or two sentences under the headline."
    )
    body = ProseEditorField(extensions=BODY_EXTENSIONS, sanitize=True, blank=True)
    body_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="")
    search_text = models.TextField(
        editable=False,
        default="",
        help_text="What search finds the article by: its text, tags, section and author.",
    )
    # PostgreSQL only: `search_text` and the headings as a weighted full-text document.
    search_vector = SearchVectorField(null=True, editable=False)
    # A rough draft may have no section or byline yet; publishing needs both.
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="Needed to publish; a draft may go without.",
    )
    tags = TaggableManager(blank=True)
    author = models.ForeignKey(
        Author,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The byline. Needed to publish; a draft may go without.",
    )
    agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="articles",
        help_text="Credited as “With reporting by …” under the article.",
    )
    image = LibraryImageField(
        verbose_name="featured image",
        null=True,
        blank=True,
        related_name="featured_in",
        help_text="Chosen from the library, or uploaded there from here.",
    )
    image_alt = models.CharField(
        "image alt text",
        max_length=250,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Left empty, the "
        "library's alt text is used (as are its caption and credit).",
    )
    image_caption = models.CharField(max_length=300, blank=True)
    image_credit = models.CharField(max_length=150, blank=True)
    seo_title = models.CharField(
        max_length=70, blank=True, help_text="Title for search engines, if not the headline."
    )
    meta_description = models.CharField(
        max_length=300, blank=True, help_text="Summary for search engines; the standfirst if empty."
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When a published article appears. A future time schedules it.",
    )
    unpublish_at = models.DateTimeField(
        "unpublish time",
        null=True,
        blank=True,
        help_text="When a published article leaves the site by itself (its address then "
        "answers “gone”). Empty: it stays.",
    )
    comments_enabled = models.BooleanField("comments open", default=True)
    rating_enabled = models.BooleanField("rating on", default=True)
    # Approved comments, kept by `articles.moderation` with F() updates.
    comment_count = models.PositiveIntegerField("comments", default=0, editable=False)
    rating_1 = models.PositiveIntegerField("votes for 1 star", default=0, editable=False)
    rating_2 = models.PositiveIntegerField("votes for 2 stars", default=0, editable=False)
    rating_3 = models.PositiveIntegerField("votes for 3 stars", default=0, editable=False)
    rating_4 = models.PositiveIntegerField("votes for 4 stars", default=0, editable=False)
    rating_5 = models.PositiveIntegerField("votes for 5 stars", default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Every save, silent ones too: for the desk, never shown to readers.
    updated_at = models.DateTimeField(auto_now=True)
    # What readers see as "Updated": set only by an update or a correction.
    revised_at = models.DateTimeField(
        "updated for readers",
        null=True,
        blank=True,
        editable=False,
        help_text="Set when an editor saves a change as an update or a correction.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("-publish_at", "-id")
        permissions = [("publish_article", "Can publish, schedule and archive articles")]
        indexes = [
            # In the order of every list of stories (newest first, then by id), so that
            # the newest are read off the index with no sort.
            models.Index(
                fields=("status", "-publish_at", "-id"), name="article_status_publish_idx"
            ),
            models.Index(
                fields=("category", "-publish_at", "-id"), name="article_category_publish_idx"
            ),
            models.Index(
                fields=("unpublish_at",),
                condition=models.Q(unpublish_at__isnull=False),
                name="article_unpublish_at_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(publish_at__isnull=False),
                name="article_published_has_publish_time",
            ),
            # Published or scheduled: readers find it under its section and byline.
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | models.Q(category__isnull=False, author__isnull=False),
                name="article_published_has_category_and_author",
            ),
            models.CheckConstraint(
                condition=models.Q(unpublish_at__isnull=True)
                | models.Q(publish_at__isnull=True)
                | models.Q(unpublish_at__gt=models.F("publish_at")),
                name="article_unpublish_after_publish",
                violation_error_message="The unpublish time must be after the publish time.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug()
        if self.status == self.Status.PUBLISHED and not self.publish_at:
            self.publish_at = timezone.now()
        self.body_html = richtext.render_body(self.body, self.body_html)
        self.body_text = search.plain_text(self.body_html)
        self.search_text = self.make_search_text()
        self.store_new_image()
        self.take_image_texts()
        if kwargs.get("update_fields") is None and not (
            self._state.adding or kwargs.get("force_insert")
        ):
            # Votes and comments change the counters concurrently; an instance loaded
            # before them must not write its stale figures back.
            kwargs["update_fields"] = self._fields_without_rating()
        with transaction.atomic():
            stored_path = self.stored_path()
            super().save(*args, **kwargs)
            # Old addresses keep working; the current one never redirects elsewhere.
            ArticleRedirect.objects.filter(old_path=self.get_absolute_url()).delete()
            if stored_path:
                ArticleRedirect.objects.article_moved(self, stored_path)
            search.store_vectors(Article.objects.filter(pk=self.pk))
        pagecache.invalidate(pagecache.article_page(self.pk), "articles")

    def get_absolute_url(self):
        if self.category_id is None:  # a rough draft: no section path yet
            return self.get_preview_url()
        return address("articles:detail", category_path=self.category.path, slug=self.slug)

    def delete(self, *args, **kwargs):
        pk = self.pk
        result = super().delete(*args, **kwargs)
        pagecache.invalidate(pagecache.article_page(pk), "articles")
        return result

    def clean(self):
        # Published without a time means now, as save() does; validation checks the
        # constraint before save() runs, and would refuse it with a database message.
        if self.status == self.Status.PUBLISHED and not self.publish_at:
            self.publish_at = timezone.now()
        if errors := self.clean_unpublish_time():
            raise ValidationError(errors, code="unpublish_before_publish")
        if self.status == self.Status.PUBLISHED:
            self.check_ready_to_publish(by_field=True)

    def _fields_without_rating(self):
        deferred = self.get_deferred_fields()
        return [
            field.name
            for field in self._meta.concrete_fields
            if not field.primary_key
            and field.attname not in deferred
            and field.name not in RATING_FIELDS
            and field.name != "comment_count"
        ]

    def stored_path(self):
        """The article's address as the database has it, before this save."""
        if self.pk is None:
            return None
        stored = Article.objects.filter(pk=self.pk).values_list("category__path", "slug").first()
        if stored is None:
            return None
        category_path, slug = stored
        if category_path is None:
            return None  # a rough draft had no address readers could keep
        return reverse("articles:detail", kwargs={"category_path": category_path, "slug": slug})

    def make_search_text(self):
        # Tags and other authors change after the article is saved (admin forms save
        # them last): whoever changes them calls `refresh_search_text()`.
        tags = [tag.name for tag in self.tags.all()] if self.pk else []
        return search.search_text(
            self.title,
            self.standfirst,
            self.body_text,
            " ".join(tags),
            self.category.name if self.category_id else "",
            " ".join(author.name for author in self.bylines()),
        )

    def publish(self, when=None):
        """Publish now, or schedule for `when`; an article already live keeps its date.

        Returns whether the row changed. The row only: editors publish through
        `articles.publishing.publish()`, which also tells a contributor behind it.
        A rough draft without a section or byline raises ValidationError.
        """
        if when is None and self.is_published:
            return False
        self.check_ready_to_publish()
        self.status = self.Status.PUBLISHED
        self.publish_at = when or timezone.now()
        if self.unpublish_at is not None and self.unpublish_at <= self.publish_at:
            self.unpublish_at = None  # its time to come down came before it went up again
        self.save()
        return True

    def unpublish(self):
        """Back to draft: the article leaves the site at once."""
        self.status = self.Status.DRAFT
        self.save()

    def blocks(self):
        """The body's blocks with their stable ids (inline feedback anchors to these)."""
        return richtext.split_blocks(self.body_html)

    @property
    def description(self):
        return self.meta_description or self.standfirst

    def credit_line(self, agencies=None):
        """“With reporting by dpa and TASS”, or "" without agencies."""
        names = [a.name for a in (agencies if agencies is not None else self.agencies.all())]
        if not names:
            return ""
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"With reporting by {joined}"


Article.category = CachedCategoryDescriptor(Article._meta.get_field("category"))
