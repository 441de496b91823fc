from django import forms
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from taggit.forms import TagWidget
from taggit.models import Tag

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
