"""
Reading figures without a tracker: how often each article was read, per day.

A row is a count and nothing else: no address, no cookie, no reader. The counting
itself (a same-origin beacon, held in memory and written in batches) lives in
`articles.readership`.
"""

from django.db import models

from .articles import Article


class DailyViews(models.Model):
    """How many times one article was read on one day (the newsroom's time zone)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-day", "article")
        verbose_name = verbose_name_plural = "daily views"
        constraints = [
            models.UniqueConstraint(fields=("article", "day"), name="daily_views_one_row_per_day")
        ]
        indexes = [models.Index(fields=("day", "article"), name="daily_views_day_idx")]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.views}"
