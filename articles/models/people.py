from django.conf import settings
from django.db import models

from .. import images, pagecache
from ..addresses import address


class AuthorQuerySet(models.QuerySet):
    def delete(self):
        """The admin's "Delete selected" calls no `Author.delete()`: see `Author.gone`."""
        pks = list(self.values_list("pk", flat=True))
        result = super().delete()
        Author.gone(pks)
        return result


class Author(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    avatar = images.CheckedImageField(
        upload_to=images.UploadPath("avatars"),
        blank=True,
        width_field="avatar_width",
        height_field="avatar_height",
        help_text="A square portrait works best: JPEG, PNG or WebP, at most 10 MB.",
    )
    avatar_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    avatar_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    bio = models.TextField(blank=True, max_length=1000, help_text="One or two sentences.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text="The account this author signs in with, if any.",
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        new_avatar = images.store_new_upload(self, "avatar")
        old_name = self.stored_name()
        super().save(*args, **kwargs)
        co_written = self.articles.model.objects.filter(co_bylines__author=self)
        if old_name is not None and old_name != self.name:
            self.articles.refresh_search_text()
            co_written.refresh_search_text()
        if new_avatar:
            images.make_renditions(self.avatar)
        # Bylines: on every listing, on this author's articles and on those they co-wrote.
        pagecache.invalidate(
            "articles",
            f"author:{self.pk}",
            *(pagecache.article_page(pk) for pk in co_written.values_list("pk", flat=True)),
        )

    def get_absolute_url(self):
        return address("articles:author", slug=self.slug)

    def delete(self, *args, **kwargs):
        pk = self.pk
        result = super().delete(*args, **kwargs)
        Author.gone([pk])
        return result

    @staticmethod
    def gone(pks):
        """Deleted authors' pages (lists naming "articles") and the sitemap leave."""
        pagecache.invalidate("articles", *(f"author:{pk}" for pk in pks))

    def stored_name(self):
        """The name before this save, or None for a new row."""
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("name", flat=True).first()

    @property
    def initials(self):
        return "".join(part[0] for part in self.name.split()[:2]).upper()

    def avatar_renditions(self):
        return images.renditions(self.avatar, self.avatar_width, self.avatar_height)
