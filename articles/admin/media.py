"""The media library in the admin: thumbnails, search by alt text, caption and credit,
and the focal point set by clicking the image (static/js/focal-point.js; without
JavaScript the two numbers are typed).

Writers use the library and edit or delete only the images they uploaded; editors
edit all (`roles.can_edit_image`), as in WordPress. An image that articles use is not
deleted: the confirmation lists them, as Django's page for PROTECT does
(`media.delete_images`).
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .. import media, roles
from ..forms.articles import KeepsUploadsMixin
from ..models import Article
from ..models.media import MediaImage
from .widgets import KeptImageWidget, thumbnail


class MediaImageForm(KeepsUploadsMixin, forms.ModelForm):
    class Meta:
        model = MediaImage
        fields = ("file", "alt", "caption", "credit", "focal_x", "focal_y")
        widgets = {
            "file": KeptImageWidget,
            "focal_x": forms.NumberInput({"step": "0.001", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput({"step": "0.001", "min": "0", "max": "1"}),
        }


@admin.register(MediaImage)
class MediaImageAdmin(admin.ModelAdmin):
    form = MediaImageForm
    list_display = ("thumbnail_column", "alt", "caption", "credit", "size", "uploaded_by")
    list_display_links = ("thumbnail_column", "alt")
    list_select_related = ("uploaded_by",)
    search_fields = ("alt", "caption", "credit")
    date_hierarchy = "created_at"
    list_per_page = 60

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/focal-point.js"], css={"all": ["articles/css/media-library.css"]}
        )

    def get_fields(self, request, obj=None):
        if obj is None:  # the focal point is set on the image, once it is uploaded
            return ("file", "alt", "caption", "credit")
        if not self.has_change_permission(request, obj):  # shown, not offered to set
            return ("focal_point_view", "alt", "caption", "credit", "used_in")
        return ("focal_point", "focal_x", "focal_y", "alt", "caption", "credit", "used_in")

    def get_readonly_fields(self, request, obj=None):
        return ("focal_point", "focal_point_view", "used_in") if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.can_edit_image(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.can_edit_image(request.user, obj))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        media.save_image(obj)
        form.discard_kept_uploads()  # stored for good now

    def get_object(self, request, object_id, from_field=None):
        image = super().get_object(request, object_id, from_field)
        if image is not None:  # "Used in" names only the articles this viewer may see
            image.visible_article_ids = set(
                Article.objects.visible_to(request.user).values_list("pk", flat=True)
            )
        return image

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        visible = set(Article.objects.visible_to(request.user).values_list("pk", flat=True))
        for image in objs:
            for article, how in image.used_in():
                protected.append(self._use(article, how, image, article.pk in visible))
        return deleted, counts, perms_needed, protected

    @staticmethod
    def _use(article, how, image, visible):
        if not visible:  # a writer does not learn the titles of others' drafts
            return format_html("Another writer's article ({}: {})", how, image)
        url = reverse("admin:articles_article_change", args=[article.pk])
        return format_html('Article <a href="{}">{}</a> ({}: {})', url, article.title, how, image)

    def delete_model(self, request, obj):
        media.delete_images([obj])

    def delete_queryset(self, request, queryset):
        media.delete_images(queryset)

    @admin.display(description="image")
    def thumbnail_column(self, image):
        return thumbnail(image, 80) or "—"

    @admin.display(description="size")
    def size(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description="Focal point")
    def focal_point(self, image):
        return format_html(
            '<div class="focal-point" data-x-input="id_focal_x" data-y-input="id_focal_y">'
            '<img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-point__marker" hidden></span></div>'
            '<p class="focal-point__hint">Click the image where its subject is: crops keep '
            "that point in the picture. Then save.</p>",
            image.url,
            image.alt,
            image.width,
            image.height,
        )

    @admin.display(description="Focal point")
    def focal_point_view(self, image):
        return format_html(
            '<div class="focal-point focal-point--read-only" data-x="{}" data-y="{}">'
            '<img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-point__marker" hidden></span></div>'
            '<p class="focal-point__hint">Crops keep the point {}% across and {}% down '
            "in the picture.</p>",
            image.focal_x,
            image.focal_y,
            image.url,
            image.alt,
            image.width,
            image.height,
            round(image.focal_x * 100),
            round(image.focal_y * 100),
        )

    @admin.display(description="Used in")
    def used_in(self, image):
        uses = image.used_in()
        if not uses:
            return "No article yet: it can be deleted."
        visible = getattr(image, "visible_article_ids", set())
        shown = [
            (article.title if article.pk in visible else "Another writer's article", how)
            for article, how in uses
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} ({})</li>", shown))
