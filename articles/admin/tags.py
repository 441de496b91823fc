"""Tags in the admin: taggit's own admin (merging, tagged items), with a name unique
whatever its case, as tagging already treats it (TAGGIT_CASE_INSENSITIVE), and the slug
that was typed, or one made from the name when it is left empty."""

from django import forms
from django.contrib import admin
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name", "slug")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Left empty, it is made from the name."

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        same = Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if same is not None:
            raise forms.ValidationError(
                "A tag “%(name)s” already exists; tags differing only in case are one tag. "
                "Use that one, or merge them from the list of tags.",
                code="duplicate_tag",
                params={"name": same.name},
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = self.instance.slugify(cleaned["name"])
        slug = cleaned.get("slug")
        taken = Tag.objects.filter(slug=slug).exclude(pk=self.instance.pk).first() if slug else None
        if taken is not None:
            self.add_error(
                "slug",
                forms.ValidationError(
                    "This slug is taken by “%(name)s”; please type another.",
                    code="duplicate_slug",
                    params={"name": taken.name},
                ),
            )
        return cleaned


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    form = TagForm
