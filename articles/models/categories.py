from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor

from .. import shared_values
from ..addresses import address
from .redirects import ArticleRedirect

# Top-level category slugs may not shadow the site's own URLs.
RESERVED_SLUGS = {
    "admin", "author", "authors", "feeds", "media", "packs", "robots.txt", "search",
    "sitemap.xml", "static", "submit", "tag", "tags", "comments", "ratings", "story",
    "subscriptions", "feed",
}  # fmt: skip
PATHS_CACHE_KEY = "articles:category-ids-by-path"
NAVIGATION_CACHE_KEY = "articles:navigation"
CATEGORIES_CACHE_KEY = "articles:categories-by-id"


class CategoryQuerySet(models.QuerySet):
    def delete(self):
        """The admin's "Delete selected" calls no `Category.delete()`: the menu and the
        cached paths forget these sections here too."""
        result = super().delete()
        forget_cached_categories()
        return result

    def known_paths(self):
        """{path: id} of every category, cached: URL resolution asks for it on each request."""
        return shared_values.get_or_set(
            PATHS_CACHE_KEY, lambda: dict(self.values_list("path", "pk"))
        )

    def cached(self):
        """{id: category} of every category, cached until a category changes: an article's
        section and breadcrumbs cost no query (`Category.ancestors`, `Article.category`)."""
        return shared_values.get_or_set(CATEGORIES_CACHE_KEY, lambda: {c.pk: c for c in self})

    def top_level(self):
        return self.filter(parent=None)

    def navigation(self):
        """The top-level sections for the site's menu, cached until a category changes."""
        return shared_values.get_or_set(NAVIGATION_CACHE_KEY, lambda: list(self.top_level()))

    def ancestors_of(self, path):
        """The categories along a path, from the top: World, then World > Russia."""
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return self.filter(path__in=prefixes).order_by("depth")


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=100, help_text="The last part of the category's address, e.g. “russia”."
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Leave empty for a top-level section such as World.",
    )
    description = models.TextField(blank=True, help_text="Shown at the top of the category page.")
    order = models.PositiveIntegerField(
        default=0, help_text="Lower numbers come first in the navigation."
    )
    on_front = models.BooleanField(
        "row on the home page",
        default=True,
        help_text="A top-level section shows its newest stories in a row of its own on the home page.",
    )
    path = models.CharField(max_length=500, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ("order", "name")
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=("parent", "slug"), name="category_slug_unique_in_parent"
            ),
            models.UniqueConstraint(
                fields=("slug",),
                condition=models.Q(parent=None),
                name="category_top_level_slug_unique",
            ),
        ]

    def __str__(self):
        return " > ".join(c.name for c in self.ancestors()) if self.parent_id else self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent else self.slug
        self.depth = self.parent.depth + 1 if self.parent else 0
        with transaction.atomic():
            old_name = self.stored_name()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                ArticleRedirect.objects.section_moved(self, old_path)
                for child in self.children.all():
                    child.save()
            if old_name is not None and old_name != self.name:
                self.articles.refresh_search_text()
        forget_cached_categories()

    def get_absolute_url(self):
        return address("articles:category", category_path=self.path)

    def stored_name(self):
        """The name before this save, or None for a new row."""
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("name", flat=True).first()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_cached_categories()
        return result

    def clean(self):
        if self.parent is None and self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": "This address is used by the site itself; choose another slug."},
                code="reserved",
            )
        node = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError(
                    {"parent": "A category cannot sit inside itself or its own subcategory."},
                    code="cycle",
                )
            node = node.parent

    def ancestors(self):
        """This category and those above it, top first (from the cached categories)."""
        by_path = {category.path: category for category in Category.objects.cached().values()}
        parts = self.path.split("/")
        prefixes = ("/".join(parts[: i + 1]) for i in range(len(parts)))
        return [by_path[prefix] for prefix in prefixes if prefix in by_path]


class CachedCategoryDescriptor(ForwardManyToOneDescriptor):
    """`article.category` read from the cached categories (`cached()`): they change
    only with an edit, and every article page shows its section."""

    def get_object(self, instance):
        found = Category.objects.cached().get(instance.category_id)
        return found if found is not None else super().get_object(instance)


def attach_sections(articles):
    """Give each article its section from the cached categories, read once: each
    `article.category` read alone would fetch them all from the shared cache again."""
    categories = Category.objects.cached()
    for article in articles:
        if article.category_id in categories:
            article._meta.get_field("category").set_cached_value(
                article, categories[article.category_id]
            )


def forget_cached_categories():
    shared_values.forget(PATHS_CACHE_KEY, NAVIGATION_CACHE_KEY, CATEGORIES_CACHE_KEY)
