from django.db import models
from django.db.models.functions import Lower

from .. import pagecache


class AgencyQuerySet(models.QuerySet):
    def delete(self):
        """The admin's "Delete selected" calls no `Agency.delete()`: the pages of the
        articles crediting these agencies are bumped here too."""
        through = self.model.articles.through.objects.filter(agency__in=self)
        crediting = set(through.values_list("article_id", flat=True))
        result = super().delete()
        Agency._articles_changed(crediting)
        return result


class Agency(models.Model):
    """A news agency credited in an article's "With reporting by …" line."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = (Lower("name"),)
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._articles_changed(self.articles.values_list("pk", flat=True))

    def delete(self, *args, **kwargs):
        crediting = list(self.articles.values_list("pk", flat=True))
        result = super().delete(*args, **kwargs)
        self._articles_changed(crediting)
        return result

    @staticmethod
    def _articles_changed(article_ids):
        """The pages of the articles crediting the agency show its new name."""
        pagecache.invalidate(*map(pagecache.article_page, article_ids))
