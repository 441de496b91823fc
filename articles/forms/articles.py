"""The admin's article form: what readers are told of a change, and uploads kept
across a failed save. A rough draft needs only a title (`Article.clean` says what
publishing needs)."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .. import images
from ..admin.widgets import KeptImageWidget
from ..models import Article, Author, ChangeNote

SILENT = "silent"
CHANGE_KINDS = (
    (SILENT, "Silent: a typo or a small fix, readers are not told"),
    (ChangeNote.Kind.UPDATE, "Update: readers see a new “Updated” time (a note is optional)"),
    (ChangeNote.Kind.CORRECTION, "Correction: readers see the time and your note"),
)


class KeepsUploadsMixin:
    """A form whose images survive a validation error.

    An image that passed its checks while another field failed is kept
    (`images.keep_upload`) and shown again by its `KeptImageWidget`; the next try
    sends its token instead of the file. `discard_kept_uploads()` after saving.
    """

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        for name, field in self.fields.items():
            if not isinstance(field.widget, KeptImageWidget):
                continue
            value = self.cleaned_data.get(name)
            if isinstance(value, images.KeptUpload):
                field.widget.kept = value
            elif isinstance(value, UploadedFile):  # passed its checks
                field.widget.kept = images.keep_upload(value)

    def discard_kept_uploads(self):
        for name, field in self.fields.items():
            if isinstance(field.widget, KeptImageWidget):
                images.discard_kept(self.cleaned_data.get(name))


class ArticleAdminForm(KeepsUploadsMixin, forms.ModelForm):
    change_kind = forms.ChoiceField(
        label="Readers are told",
        choices=CHANGE_KINDS,
        initial=SILENT,
        required=False,
        widget=forms.RadioSelect,
        help_text="For changes to a published article.",
    )
    change_note = forms.CharField(
        label="Note for readers",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown under the article as plain text, e.g. “An earlier version said "
        "300 people attended; it was 350.”",
    )

    class Meta:
        model = Article
        fields = (
            "title",
            "slug",
            "standfirst",
            "body",
            "category",
            "tags",
            "author",
            "agencies",
            "image",
            "image_alt",
            "image_caption",
            "image_credit",
            "status",
            "publish_at",
            "comments_enabled",
            "rating_enabled",
            "seo_title",
            "meta_description",
        )
        widgets = {"image": KeptImageWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a change to what readers already see can be news to them.
        self.was_published = self.instance.pk is not None and self.instance.is_published

    def clean(self):
        cleaned = super().clean()
        if not self.was_published:
            cleaned["change_kind"] = SILENT
        kind = cleaned.get("change_kind") or SILENT
        cleaned["change_kind"] = kind
        if kind == ChangeNote.Kind.CORRECTION and not cleaned.get("change_note", "").strip():
            self.add_error(
                "change_note",
                forms.ValidationError(
                    "Say what was wrong and what is right now: readers see this note.",
                    code="correction_needs_note",
                ),
            )
        return cleaned


class AuthorAdminForm(KeepsUploadsMixin, forms.ModelForm):
    class Meta:
        model = Author
        fields = ("name", "slug", "avatar", "bio", "user")
        widgets = {"avatar": KeptImageWidget}
