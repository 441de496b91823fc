"""What an article needs before readers may see it, and where the desk previews it.

A rough draft needs only a title: the section, the byline and the address (made from
the title) are needed to publish or schedule. Until it has a section it has no path
under one, so drafts are previewed at an address by id.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import slugify


class RoughDraftMixin:
    def unique_slug(self):
        """An address made from the title, unused by any other article."""
        base = slugify(self.title)[:190] or "article"
        slug, n = base, 2
        while type(self).objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def get_preview_url(self):
        """The address by id the desk shares before the article is published."""
        return reverse("articles:preview", kwargs={"pk": self.pk})

    def missing_for_publishing(self):
        """{field: message} of what publishing or scheduling still needs."""
        missing = {}
        if self.category_id is None:
            missing["category"] = "Choose a section before publishing or scheduling."
        if self.author_id is None:
            missing["author"] = "Choose a byline before publishing or scheduling."
        return missing

    def check_ready_to_publish(self, *, by_field=False):
        """Raise ValidationError saying what is missing (per form field if `by_field`)."""
        missing = self.missing_for_publishing()
        if not missing:
            return
        if by_field:
            raise ValidationError(
                {
                    field: ValidationError(message, code="needed_to_publish")
                    for field, message in missing.items()
                }
            )
        raise ValidationError(list(missing.values()), code="needed_to_publish")

    @property
    def modified_at(self):
        """The last change readers were told of: the update time, else publication."""
        return self.revised_at or self.publish_at
