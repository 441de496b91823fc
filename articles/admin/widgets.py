from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from taggit.forms import TagWidget
from taggit.models import Tag

from .. import images

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
