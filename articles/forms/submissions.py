"""The "Post Your Story" form, and the same form for sending a story again."""

import re
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from taggit.utils import parse_tags

from .. import names
from ..antispam import SpamGuardMixin
from ..images import CheckedImageFormField
from ..models import Category, Pack, Submission
from ..submissions import MAX_IMAGES

MAX_STORY_CHARS = 50_000
MAX_NOTE_CHARS = 2_000
MAX_TAGS = 10
MAX_TAG_CHARS = 50
# C0 controls and DEL, but tab, line feed and carriage return: invisible in the form,
# they would reach the editors' queue, the admin and the subject of mails as they are.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(value):
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "This text holds invisible control characters (text pasted from another "
            "program may bring them): remove them and send it again.",
            code="control_characters",
        )


def image_limits():
    return (
        f"JPEG, PNG or WebP, at most {filesizeformat(settings.MAGAZINE_IMAGE_MAX_BYTES)} "
        f"and {settings.MAGAZINE_IMAGE_MAX_PIXELS // 1_000_000} megapixels."
    )


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories labelled by their whole path ("World › Russia") without a query each."""

    def __init__(self, queryset=None, **kwargs):
        super().__init__(Category.objects.order_by("path"), **kwargs)
        self.names = {}

    def label_from_instance(self, category):
        if not self.names:
            self.names = dict(Category.objects.values_list("path", "name"))
        parts = category.path.split("/")
        return " › ".join(
            self.names.get("/".join(parts[: i + 1]), parts[i]) for i in range(len(parts))
        )


class SubmissionForm(SpamGuardMixin, forms.ModelForm):
    """A contributor's story: text fields, up to three images, and the rights statement."""

    rights = forms.BooleanField(
        label="I own the rights to this story and its images (or have permission to send "
        "them), and I accept that Open Magazine may edit and publish them.",
        error_messages={"required": "Please confirm that you own the rights and accept the terms."},
    )
    form_token = forms.CharField(widget=forms.HiddenInput)
    story = forms.CharField(
        label="Your story",
        max_length=MAX_STORY_CHARS,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=f"Plain text, at most {MAX_STORY_CHARS:,} characters. Leave an empty line "
        "between paragraphs.",
    )
    note = forms.CharField(
        label="Note to the editors",
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Optional, at most {MAX_NOTE_CHARS:,} characters. Only editors read it.",
    )

    class Meta:
        model = Submission
        fields = ("name", "email", "title", "story", "category", "tags", "pack", "note")
        labels = {"name": "Your name", "email": "Your email"}
        help_texts = {
            "name": "Shown with your story if we publish it.",
            "email": "For your receipt and news about your story. Never published.",
            "title": "At most 200 characters.",
            "tags": f"Separated by commas, at most {MAX_TAGS}.",
        }
        field_classes = {"category": CategoryChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        packs = Pack.objects.active()
        if self.instance.pack_id:
            packs = packs | Pack.objects.filter(pk=self.instance.pack_id)
            # The options' values are slugs; the instance's initial value would be its pk.
            self.initial["pack"] = self.instance.pack.slug
        self.fields["pack"].queryset = packs
        self.fields["pack"].to_field_name = "slug"
        self.fields["pack"].empty_label = "Choose a pack"
        self.fields["category"].empty_label = "Choose a section"
        self._add_image_fields()
        for name, field in self.fields.items():
            if name in ("title", "tags") or name.startswith(("alt_", "credit_")):
                # One line, shown if published: no direction controls or stray joiners.
                field.validators.append(names.clean_line)
            elif isinstance(field, forms.CharField) and name != "name":  # clean_name's
                field.validators.append(refuse_control_characters)

    def _add_image_fields(self):
        for n in range(1, MAX_IMAGES + 1):
            self.fields[f"image_{n}"] = CheckedImageFormField(
                label=f"Image {n}", required=False, help_text=image_limits()
            )
            self.fields[f"alt_{n}"] = forms.CharField(
                label=f"Image {n}: what it shows",
                required=False,
                max_length=250,
                help_text="Alt text for readers who cannot see the image. Needed with an image.",
            )
            self.fields[f"credit_{n}"] = forms.CharField(
                label=f"Image {n}: credit",
                required=False,
                max_length=150,
                help_text="Who took or made it. Needed with an image.",
            )

    def image_slots(self):
        """The bound fields of each image slot, for the template."""
        return [
            (self[f"image_{n}"], self[f"alt_{n}"], self[f"credit_{n}"])
            for n in range(1, MAX_IMAGES + 1)
        ]

    def clean_name(self):
        return names.clean_name(self.cleaned_data["name"])

    def clean_tags(self):
        tags = parse_tags(self.cleaned_data["tags"])
        if len(tags) > MAX_TAGS:
            raise ValidationError(f"Please give at most {MAX_TAGS} tags.", code="too_many_tags")
        if any(len(tag) > MAX_TAG_CHARS for tag in tags):
            raise ValidationError(
                f"Each tag may have at most {MAX_TAG_CHARS} characters.", code="tag_too_long"
            )
        return ", ".join(tags)

    def clean(self):
        cleaned_data = super().clean()
        files = sum(len(self.files.getlist(name)) for name in self.files)
        if files > MAX_IMAGES:
            raise ValidationError(
                "Please send at most %(max)s images.",
                code="too_many_images",
                params={"max": MAX_IMAGES},
            )
        for n in range(1, MAX_IMAGES + 1):
            if cleaned_data.get(f"image_{n}"):
                for part, what in (("alt", "what the image shows"), ("credit", "a credit")):
                    if not cleaned_data.get(f"{part}_{n}", "").strip():
                        self.add_error(
                            f"{part}_{n}",
                            ValidationError(f"Please give {what}.", code=f"{part}_required"),
                        )
        self._check_duplicate(cleaned_data)
        return cleaned_data

    def _check_duplicate(self, cleaned_data):
        email = cleaned_data.get("email") or self.instance.email
        title = cleaned_data.get("title")
        if not (email and title):
            return
        duplicates = Submission.objects.not_spam().filter(email__iexact=email, title__iexact=title)
        if duplicates.exclude(pk=self.instance.pk).exists():
            self.add_error("title", duplicate_error())

    def submission_data(self):
        """The model fields, validated, for the domain functions."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}

    def image_data(self):
        """(upload, alt, credit) for each image slot that holds a file."""
        return [
            (
                self.cleaned_data[f"image_{n}"],
                self.cleaned_data[f"alt_{n}"].strip(),
                self.cleaned_data[f"credit_{n}"].strip(),
            )
            for n in range(1, MAX_IMAGES + 1)
            if self.cleaned_data.get(f"image_{n}")
        ]


def duplicate_error():
    constraint = next(
        c for c in Submission._meta.constraints if c.name == "submission_unique_email_title"
    )
    return ValidationError(constraint.violation_error_message, code="duplicate")


def new_form_token():
    return secrets.token_urlsafe(24)


class ResubmissionForm(SubmissionForm):
    """The contributor's changes, from their status page: name and email stay as they were."""

    form_token = None

    class Meta(SubmissionForm.Meta):
        fields = ("title", "story", "category", "tags", "pack", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_IMAGES + 1):
            self.fields[f"image_{n}"].help_text = (
                image_limits() + " New images replace the ones you sent before."
            )
