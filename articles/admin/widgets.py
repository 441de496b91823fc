from django import forms
from django.contrib.admin.widgets import AdminFileWidget, ForeignKeyRawIdWidget
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from taggit.forms import TagWidget
from taggit.models import Tag

from .. import images
from ..models.media import MediaImage

SUGGESTED_TAGS = 500


class TagAutocompleteWidget(TagWidget):
    """Comma-separated tags with suggestions of the most used tags as one types.

    A `<datalist>` holds the suggestions; a small script completes the word after
    the last comma, so several tags can be picked in one field.
    """

    def __init__(self, attrs=None):
        super().__init__({"list": "tag-suggestions", "autocomplete": "off", **(attrs or {})})

    @property
    def media(self):
        return forms.Media(js=["js/admin-tags.js"])

    def render(self, name, value, attrs=None, renderer=None):
        names = (
            Tag.objects.annotate(uses=Count("taggit_taggeditem_items"))
            .order_by("-uses", "name")
            .values_list("name", flat=True)[:SUGGESTED_TAGS]
        )
        options = format_html_join("", '<option value="{}">', ((n,) for n in names))
        return format_html(
            '{}<datalist id="tag-suggestions">{}</datalist>',
            super().render(name, value, attrs, renderer),
            options,
        )


class KeptImageWidget(AdminFileWidget):
    """The admin's file input, and the image kept from a try that failed validation.

    The kept image (`images.keep_upload`) travels as a signed token in a hidden input
    and shows as a thumbnail; a save without a new file uses it. The form sets `kept`
    (see `forms.articles.KeepsUploadsMixin`).
    """

    kept = None

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["articles/css/kept-upload.css"]})

    @staticmethod
    def kept_input_name(name):
        return f"{name}-kept"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is None:
            return images.kept_upload(data.get(self.kept_input_name(name))) or None
        return upload

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.kept is None:
            return html
        return format_html(
            '{}<div class="kept-upload">'
            '<input type="hidden" name="{}" value="{}">'
            '<img class="kept-upload__thumb" src="{}" alt="" width="160">'
            "<p>Kept from your last try: {}. Saving uses it; choose another file to "
            "replace it.</p></div>",
            html,
            self.kept_input_name(name),
            self.kept.token,
            self.kept.url,
            self.kept.original_name or "your image",
        )


class FeaturedImageWidget(KeptImageWidget):
    """A library image, picked by its number (the admin's lookup opens the library,
    thumbnails and search), shown as a thumbnail; or a new file, put into the library.

    The file input keeps the field's name (and the kept upload beside it); the library
    number travels as `<name>-library`, "no image" as `<name>-clear`. A form that sends
    neither leaves the image as it was.
    """

    template_name = None

    def __init__(self, rel, admin_site, attrs=None):
        super().__init__(attrs)
        self.picker = ForeignKeyRawIdWidget(rel, admin_site)

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["articles/css/media-library.css"]})

    def value_from_datadict(self, data, files, name):
        upload = files.get(name) or images.kept_upload(data.get(self.kept_input_name(name)))
        if upload:
            return upload
        if data.get(f"{name}-clear"):
            return False
        return data.get(f"{name}-library")

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**self.attrs, **(attrs or {})}
        image = value if isinstance(value, MediaImage) else None
        if image is None and isinstance(value, (int, str)) and str(value).isdigit():
            image = MediaImage.objects.filter(pk=value).first()
        picker_id = f"{attrs.get('id', 'id_' + name)}-library"
        picker = self.picker.render(f"{name}-library", image and image.pk, {"id": picker_id})
        upload = forms.FileInput({"accept": "image/jpeg,image/png,image/webp"})
        html = format_html(
            '<div class="featured-image">{}<p><label for="{}">From the library (its number; '
            "the magnifier opens the library):</label> {}</p>{}"
            '<p><label for="{}">Or upload a new image to the library:</label> {}</p></div>',
            thumbnail(image, 160),
            picker_id,
            picker,
            _clear_box(name, image),
            attrs.get("id", f"id_{name}"),
            upload.render(name, None, attrs, renderer),
        )
        return format_html("{}{}", html, self.kept_part(name))

    def kept_part(self, name):
        if self.kept is None:
            return ""
        return format_html(
            '<div class="kept-upload">'
            '<input type="hidden" name="{}" value="{}">'
            '<img class="kept-upload__thumb" src="{}" alt="" width="160">'
            "<p>Kept from your last try: {}. Saving uses it; choose another file to "
            "replace it.</p></div>",
            self.kept_input_name(name),
            self.kept.token,
            self.kept.url,
            self.kept.original_name or "your image",
        )


def _clear_box(name, image):
    if image is None:
        return ""
    return format_html(
        '<p><label><input type="checkbox" name="{}-clear"> No featured image</label></p>', name
    )


def thumbnail(image, width=80):
    """A library image's square thumbnail (around its focal point), or nothing."""
    if image is None or not image.width:
        return ""
    square = image.rendition(480, (1, 1))
    return format_html(
        '<img class="library-thumb" src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        square.url,
        image.alt,
        width,
        width,
    )


class FeaturedImageField(forms.FileField):
    """The featured image: a library image, or an upload (checked as every upload is)
    that the admin puts into the library on save."""

    def __init__(self, *, rel, admin_site, **kwargs):
        kwargs.pop("widget", None)
        kwargs.pop("queryset", None)
        kwargs.pop("to_field_name", None)
        kwargs.pop("limit_choices_to", None)
        kwargs.pop("blank", None)
        super().__init__(widget=FeaturedImageWidget(rel, admin_site), **kwargs)

    def clean(self, data, initial=None):
        if data is False:
            return None
        if data is None:  # nothing sent: as it was
            return self.library_image(initial)
        if isinstance(data, (str, int)):
            return self.library_image(str(data).strip() or None, strict=True)
        if not isinstance(data, images.KeptUpload):  # a kept one was checked when kept
            images.open_checked(data)
            data.seek(0)
        return data

    def library_image(self, value, strict=False):
        if isinstance(value, MediaImage) or value in (None, ""):
            return value or None
        image = MediaImage.objects.filter(pk=value).first() if str(value).isdigit() else None
        if image is None and strict:
            raise forms.ValidationError(
                "There is no library image number %(value)s.",
                code="invalid_choice",
                params={"value": value},
            )
        return image

    def bound_data(self, data, initial):
        # A form shown again after an error shows the library number that was sent
        # (FileField's own keeps the initial one, as a browser cannot resend a file).
        if data is False:
            return None
        if isinstance(data, (str, int)) and str(data).strip():
            return str(data).strip()
        return initial

    def has_changed(self, initial, data):
        return data is not None and str(getattr(data, "pk", data)) != str(initial)
