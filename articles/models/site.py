from django.db import models

from .. import shared_values

CACHE_KEY = "articles:site-settings"


class SiteSettings(models.Model):
    """The one row of site-wide wording that editors change without a developer."""

    site_name = models.CharField(max_length=100, default="Open Magazine")
    tagline = models.CharField(max_length=200, default="Make your Motion!", blank=True)
    description = models.CharField(
        max_length=300,
        blank=True,
        default="Independent news and analysis.",
        help_text="Used by search engines and link previews for the home page.",
    )
    call_to_action = models.CharField(
        max_length=200,
        default="Let's Post Your Story on Open Magazine!",
        help_text="Shown under every article, linking to the story submission pages.",
    )

    lead_article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The story at the top of the home page; empty means the newest one.",
    )
    count_readers = models.BooleanField(
        "count page views",
        default=True,
        help_text=(
            "Count how often each article is read, without cookies and without storing "
            'addresses; the figures feed "Most read" and the admin\'s reading figures.'
        ),
    )

    class Meta:
        verbose_name = verbose_name_plural = "site settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_single_row")
        ]

    def __str__(self):
        return self.site_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        shared_values.forget(CACHE_KEY)  # and every page showing the site's name

    @classmethod
    def load(cls):
        """The settings row, cached until an editor saves it."""
        return shared_values.get_or_set(CACHE_KEY, lambda: cls.objects.get_or_create(pk=1)[0])
