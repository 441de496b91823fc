from django.db import models
from django.urls import reverse


class ArticleRedirectQuerySet(models.QuerySet):
    def article_moved(self, article, old_path):
        """`old_path` now answers with `article`'s current address."""
        if old_path != article.get_absolute_url():
            self.update_or_create(old_path=old_path, defaults={"article": article})

    def section_moved(self, category, old_category_path):
        """A section's address changed: the old address of each of its articles redirects."""
        rows = list(category.articles.values_list("pk", "slug"))
        self.bulk_create(
            [
                self.model(old_path=_article_path(old_category_path, slug), article_id=pk)
                for pk, slug in rows
            ],
            update_conflicts=True,
            unique_fields=("old_path",),
            update_fields=("article",),
        )
        self.filter(old_path__in=[_article_path(category.path, slug) for _, slug in rows]).delete()

    def target(self, path):
        """The published or taken-down article that used to live at `path`, or None
        (a taken-down one's old address answers 410 Gone, as its own does)."""
        redirect = self.filter(old_path=path).select_related("article__category").first()
        # `is_published` mirrors `Article.objects.published()`; old paths are unique.
        if redirect and (redirect.article.is_published or redirect.article.is_taken_down):
            return redirect.article
        return None


def _article_path(category_path, slug):
    return reverse("articles:detail", kwargs={"category_path": category_path, "slug": slug})


class ArticleRedirect(models.Model):
    """An address an article used to have; it answers 301 with the article's current one."""

    old_path = models.CharField(
        "old address",
        max_length=800,
        unique=True,
        help_text="The path the article used to have, e.g. /world/russia/old-slug/.",
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="redirects",
        help_text="Readers who follow the old address land on this article.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArticleRedirectQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(old_path__startswith="/"), name="article_redirect_is_a_path"
            ),
        ]

    def __str__(self):
        return self.old_path
