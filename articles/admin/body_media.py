"""
The body editor's library picker: the library images an editor may put in a story,
as JSON for static/js/body-media.js ("Library image" in the editor's toolbar).

It lives under the article admin's address (/admin/articles/article/library-images/),
for whoever may write articles, and only answers GET: `LibraryImagesMixin`, one of
`ArticleAdmin`'s bases.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from ..models.media import MediaImage

PICKER_LIMIT = 48
QUERY_LIMIT = 100
# What the editor shows while editing (the page's own figure is rebuilt on save).
EDITOR_WIDTH = 960


def library_images(query=""):
    """The newest library images, or those whose alt text, caption or credit match."""
    images = MediaImage.objects.exclude(file="")
    query = " ".join(query.split())[:QUERY_LIMIT]
    for word in query.split():
        images = images.filter(
            Q(alt__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
        )
    return images[:PICKER_LIMIT]


def as_json(image):
    thumbnail = image.thumbnail()
    shown = image.rendition(EDITOR_WIDTH) if image.width else None
    return {
        "id": image.pk,
        "thumbnail": thumbnail.url if thumbnail else image.url,
        "src": shown.url if shown else image.url,
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
    }


class LibraryImagesMixin:
    """Adds the library picker's JSON to an article ModelAdmin's URLs."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_library_images"
        view = self.admin_site.admin_view(self.library_images_view)
        return [path("library-images/", view, name=name), *super().get_urls()]

    @method_decorator(require_GET)
    def library_images_view(self, request):
        """GET ?q=words: up to PICKER_LIMIT images, newest first."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        images = library_images(request.GET.get("q", ""))
        return JsonResponse({"images": [as_json(image) for image in images]})
