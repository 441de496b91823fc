"""An article's featured image: a library image, with the article's own texts for it.

`Article.objects.published_at()` runs through raw(), which cannot select_related:
it annotates the image's columns (`columns()`) and `attach()` makes the image of them,
so the article page costs no query more for its image.
"""

from django.db import models

from .. import renditions
from .media import MediaImage

COLUMNS = ("file", "width", "height", "alt", "caption", "credit", "focal_x", "focal_y")
PREFIX = "_featured_"


def columns():
    return {f"{PREFIX}{name}": models.F(f"image__{name}") for name in COLUMNS}


def attach(article):
    values = [article.__dict__.pop(f"{PREFIX}{name}") for name in COLUMNS]
    if article.image_id is not None:
        article.image = MediaImage.from_db(
            article._state.db, ["id", *COLUMNS], [article.image_id, *values]
        )


class FeaturedImageMixin:
    """What templates read of the featured image: `image_renditions()`, its size."""

    def store_new_image(self):
        """An upload assigned to `image` goes into the library with this article's texts."""
        image = self.image if type(self).image.is_cached(self) else None
        if image is None or image.pk is not None:
            return
        image.alt, image.caption, image.credit = (
            self.image_alt,
            self.image_caption,
            self.image_credit,
        )
        image.save()
        self.image = image

    def take_image_texts(self):
        """Alt text, caption and credit left empty take the library image's."""
        texts = ("image_alt", "image_caption", "image_credit")
        if self.image_id is None or all(getattr(self, name) for name in texts):
            return
        image = self.image
        for name, value in zip(texts, (image.alt, image.caption, image.credit), strict=True):
            setattr(self, name, getattr(self, name) or value)

    def image_renditions(self):
        return self.image.renditions() if self.image_id else []

    def image_avif_renditions(self):
        """The same sizes as AVIF, which browsers that read it take first (about a third
        smaller than WebP); none where this Pillow cannot write it."""
        if not self.image_id or "avif" not in renditions.formats():
            return []
        return self.image.renditions(fmt="avif")

    @property
    def image_width(self):
        return self.image.width if self.image_id else None

    @property
    def image_height(self):
        return self.image.height if self.image_id else None

    # Cards in lists are 16:9 (site.css): their crop around the focal point, not the
    # middle of the picture, so a subject off the centre stays in the card.
    CARD_CROP = (16, 9)

    def image_card_renditions(self):
        return self.image.renditions(crop=self.CARD_CROP) if self.image_id else []

    def image_card_avif_renditions(self):
        """The card's crop as AVIF, where this Pillow writes it."""
        if not self.image_id or "avif" not in renditions.formats():
            return []
        return self.image.renditions(crop=self.CARD_CROP, fmt="avif")
