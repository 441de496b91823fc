"""
The media library: each image once, with its alt text, caption, credit and focal
point, reused by any number of articles.

The file is checked and re-encoded when stored (`articles.images`), as every upload
is. Its renditions are listed from names alone (`articles.renditions`), so a page pays
nothing for them; `articles.media` makes the files in the background, once.
"""

from django.conf import settings
from django.core.files import File
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor

from .. import images, renditions
from ..renditions import Rendition, Spec

UNIT_INTERVAL = (MinValueValidator(0.0), MaxValueValidator(1.0))


class MediaImageQuerySet(models.QuerySet):
    def uploaded_by(self, user):
        return self.filter(uploaded_by=user)


class MediaImage(models.Model):
    # The folder featured images always had: the ones moved into the library stay put.
    file = images.CheckedImageField(
        "image",
        upload_to=images.UploadPath("articles"),
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG or WebP, at most 10 MB and 40 megapixels.",
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="What the image shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=150, blank=True, help_text="Who made it, e.g. “dpa”.")
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=UNIT_INTERVAL,
        help_text="0 is the left edge, 1 the right. Crops keep this point in the picture.",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=UNIT_INTERVAL,
        help_text="0 is the top edge, 1 the bottom.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("uploaded", auto_now_add=True, db_index=True)

    objects = MediaImageQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "library image"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="mediaimage_focal_point_inside",
            ),
        ]

    def __str__(self):
        return self.alt or self.caption or self.file.name.rpartition("/")[2]

    def save(self, *args, **kwargs):
        # Re-encoded in its own format: GPS position and other metadata are dropped.
        images.store_new_upload(self, "file")
        super().save(*args, **kwargs)

    @property
    def focal(self):
        return (self.focal_x, self.focal_y)

    # As the file field that featured images were: `article.image.name`, `.url`, `.open()`.

    @property
    def name(self):
        return self.file.name

    @property
    def url(self):
        return self.file.url

    def open(self, mode="rb"):
        return self.file.open(mode)

    def spec(self, width, crop=None, fmt="webp"):
        """The Spec of a rendition; ValueError for a crop or format we do not make."""
        if fmt not in renditions.FORMATS:
            raise ValueError(f"Renditions are {tuple(renditions.FORMATS)}, not {fmt}.")
        return Spec(self.offered_width(int(width)), renditions.parse_crop(crop), fmt)

    def offered_width(self, width):
        """The narrowest width we make that is at least `width`, else the widest: asking
        a small image for 480 or 960 pixels gives a rendition that exists."""
        if not self.width:
            return width
        offered = renditions.widths(self.width)
        return next((w for w in offered if w >= width), offered[-1])

    def rendition(self, width, crop=None, fmt="webp"):
        """The rendition `width` pixels wide (never wider than the image), cropped to the
        aspect ratio `crop` ("3:2", (3, 2)) around the focal point. A name only: its
        file is made by `articles.media`."""
        spec = self.spec(width, crop, fmt)
        name = renditions.name_of(self.file.name, spec, self.focal)
        width, height = renditions.size_of(spec, (self.width, self.height), self.focal)
        return Rendition(self.file.storage.url(name), width, height)

    def renditions(self, crop=None, fmt="webp"):
        """Each rendition we make, smallest first (for srcset)."""
        if not self.file or not self.width:
            return []
        return [self.rendition(w, crop, fmt) for w in renditions.widths(self.width)]

    def srcset(self, crop=None, fmt="webp"):
        """ "<url> 480w, <url> 960w, …" for an <img> or a <source>."""
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions(crop, fmt))

    def standard_specs(self):
        """The renditions made for every image in the background: each width, uncropped,
        in each format we can write."""
        return [
            Spec(width, None, fmt)
            for fmt in renditions.formats()
            for width in renditions.widths(self.width)
        ]

    def rendition_name(self, spec):
        return renditions.name_of(self.file.name, spec, self.focal)

    def thumbnail(self):
        """The smallest rendition, for the admin's lists and forms."""
        found = self.renditions()
        return found[0] if found else None

    def figure_marker(self):
        """What a figure of this image carries in an article's body (`articles.body_media`)."""
        return f'data-file="{self.pk}"'

    def used_in(self):
        """The articles that show this image, as the featured image or as a figure in
        their body, as (article, "featured image" | "figure" | "featured image, figure")."""
        # The model articles.py imports this one: its class is reached through the relation.
        Article = self.featured_in.model
        marker = self.figure_marker()
        found = Article.objects.filter(models.Q(image=self) | models.Q(body__contains=marker)).only(
            "pk", "title", "slug", "image_id", "body"
        )
        uses = []
        for article in found.order_by("title", "pk"):
            how = [
                *(["featured image"] if article.image_id == self.pk else []),
                *(["figure"] if marker in article.body else []),
            ]
            uses.append((article, ", ".join(how)))
        return uses


class LibraryImageDescriptor(ForwardManyToOneDescriptor):
    """`article.image = upload` takes a file too: it becomes a library image, stored
    when the article is saved (as the file field it replaced did)."""

    def __set__(self, instance, value):
        if isinstance(value, File):
            value = self.field.related_model(file=value)
        super().__set__(instance, value)


class LibraryImageField(models.ForeignKey):
    """A foreign key to a library image that also takes an uploaded file."""

    forward_related_accessor_class = LibraryImageDescriptor

    def __init__(self, to="articles.MediaImage", **kwargs):
        kwargs.setdefault("on_delete", models.SET_NULL)
        super().__init__(to, **kwargs)
