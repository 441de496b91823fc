"""
Reading figures in the admin: each article's views, ratings and comments per day over
the last 30 days, and a "Reading figures" page with the most read this week.

A person sees figures only for the articles they may see on the site
(`Article.objects.visible_to`): an editor all of them, a writer the published ones
and their own. The charts are SVG drawn here (articles/charts.py), each with the
same figures as a table for screen readers and keyboards.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.formats import date_format

from .. import charts, reading_figures
from ..models import Article, SiteSettings

FIGURES = (
    ("views", "Views", "view"),
    ("ratings", "New ratings", "rating"),
    ("comments", "Comments", "comment"),
)


def _summary(heading, noun, days):
    """What a chart shows, in words: "Views per day over the last 30 days: 52 views in
    all, most on Tue 1 Dec (20)." (its label for screen readers, and its caption)."""
    total = sum(value for _, value in days)
    if not total:
        return f"{heading} per day over the last {len(days)} days: none."
    label, most = max(reversed(days), key=lambda day: day[1])
    plural = "" if total == 1 else "s"
    return (
        f"{heading} per day over the last {len(days)} days: {total} {noun}{plural} in all, "
        f"most on {label} ({most})."
    )


def figures_context(articles):
    """What templates/admin/readership/figures.html shows for `articles`."""
    days = reading_figures.per_day(articles)
    labels = [date_format(day.day, "D j M") for day in days]
    shown = []
    for field, heading, noun in FIGURES:
        series = [(label, getattr(day, field)) for label, day in zip(labels, days, strict=True)]
        summary = _summary(heading, noun, series)
        shown.append(
            {"heading": heading, "summary": summary, "svg": charts.bar_chart(series, summary)}
        )
    rows = [(label, day) for label, day in zip(labels, days, strict=True)]
    return {
        "charts": shown,
        "rows": rows,
        "counting": SiteSettings.load().count_readers,
        "days": len(days),
    }


class ReadingFiguresMixin:
    """For `ArticleAdmin`: the article's reading figures on its change page, and the
    "Reading figures" page (routed by the admin site, articles/admin_site.py)."""

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "reading_figures")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, ("Reading figures", {"fields": ("reading_figures",)}))

    @admin.display(description="last 30 days")
    def reading_figures(self, article):
        if article.pk is None:
            return "—"
        return render_to_string(
            "admin/readership/figures.html",
            figures_context(Article.objects.filter(pk=article.pk)),
        )

    def reading_figures_view(self, request):
        """The most read of this week and the figures of every article this person sees."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        visible = Article.objects.visible_to(request.user)
        context = {
            **self.admin_site.each_context(request),
            **figures_context(visible),
            "title": "Reading figures",
            "most_read": reading_figures.most_read(visible),
            "top_days": reading_figures.TOP_DAYS,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/readership/dashboard.html", context)
