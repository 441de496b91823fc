"""Tags in the admin: taggit's own admin (merging, tagged items), with a name unique
whatever its case, as tagging already treats it (TAGGIT_CASE_INSENSITIVE), and the slug
that was typed, or one made from the name when it is left empty."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
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

    @admin.action(description="Merge selected tags", permissions=["change"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        """Merging retags every article carrying the tags: only for those who may change
        tags (taggit's view asks only for staff)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if not _chosen_tags_exist(request.session.get("selected_tag_ids", "")):
            # Nothing chosen, or chosen tags merged already (a second submit, a reload).
            request.session.pop("selected_tag_ids", None)
            self.message_user(
                request,
                "Choose the tags to merge in the list first; those chosen before may have "
                "been merged already.",
                messages.WARNING,
            )
            return redirect("admin:taggit_tag_changelist")
        if request.method == "POST":
            request.POST = _named_as_stored(request.POST)
        return super().merge_tags_view(request)


def _named_as_stored(data):
    """The merge form's data, naming the target as the tag stored under any case of the
    name typed: taggit's `get_or_create(name=...)` would make a second, case-differing tag."""
    typed = data.get("new_tag_name", "").strip()
    stored = Tag.objects.filter(name__iexact=typed).values_list("name", flat=True).first()
    if stored is None:
        return data
    data = data.copy()
    data["new_tag_name"] = stored
    return data


def _chosen_tags_exist(chosen):
    ids = chosen.split(",")
    if not all(pk.isdigit() for pk in ids):
        return False
    return Tag.objects.filter(pk__in=ids).count() == len(set(ids))
