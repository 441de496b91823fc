"""The article change form's part in "no silent overwrite".

The form carries the version it was opened on (`revision_base`, hidden). Saved
against a newer version, its clean() merges: fields only this editor changed apply,
fields only the other changed are kept, and a field both changed stops the save with
`merge_conflicts` (theirs, yours, the original), which the change form shows above
the merged form: the fields only this editor changed as typed, those only the other
changed as they saved them, and the ones both changed as this editor typed them.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.utils import timezone
from taggit.models import Tag
from taggit.utils import edit_string_for_tags

from .. import revisions
from .widgets import FeaturedImageField

# Fields merged field by field: everything a revision keeps, the featured image too.
MERGED_FIELDS = revisions.SNAPSHOT_FIELDS
KEEP_THEIRS = "theirs"
# A revision's number as a form or an address carries it (ASCII digits, fits the column).
_REVISION_NUMBER = re.compile(r"[1-9][0-9]{0,17}")


def revision_number(text):
    """The revision id in `text`, or None for anything else ("²", "-1", 10**30...)."""
    text = text if isinstance(text, str) else ""
    return int(text) if _REVISION_NUMBER.fullmatch(text) else None


def plain_form_value(value):
    """A cleaned form value as a revision snapshot has it."""
    if isinstance(value, datetime.datetime):
        return value
    if hasattr(value, "values_list"):
        return sorted(value.values_list("pk", flat=True))
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    return value


class MergedBoundField(BoundField):
    """A field the other editor changed shows their value on the conflict page."""

    @property
    def data(self):
        if self.name in self.form.shown_merged:
            return self.form.shown_merged[self.name]
        return super().data


class EditingForm:
    """Mixed into the admin's article form by `ArticleEditingMixin.get_form`."""

    opened_on = None  # the current version when the page was opened
    autosave = None  # an autosave to fill the form from, on "Restore"
    merge_conflicts = ()
    bound_field_class = MergedBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_merged = {}  # field name: the other editor's value, to show
        if self.is_bound:
            return
        self.initial["revision_base"] = self.opened_on
        if self.autosave is not None:
            self._refill(self.autosave)

    def _refill(self, saved):
        """The form as it was typed before the autosave, opened on the same version."""
        data = QueryDict(mutable=True)
        for key, values in (saved.form_data or {}).items():
            data.setlist(key, values)
        for name, field in self.fields.items():
            if name == "revision_base" or isinstance(field, forms.FileField):
                continue
            self.initial[name] = field.widget.value_from_datadict(data, {}, self.add_prefix(name))
        self.initial["revision_base"] = saved.base_id or self.opened_on

    def clean_revision_base(self):
        text = self.cleaned_data.get("revision_base") or ""
        if not text or self.instance.pk is None:
            return None
        base = revision_number(text)
        if revisions.saved_revision_of(self.instance, base) is None:
            raise ValidationError(
                "This form names no version of this article, so your save cannot be "
                "merged with others'. Copy what you typed, reload the page and paste it.",
                code="unknown_version",
            )
        return base

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self._errors:
            return cleaned
        self._keep_chosen(cleaned)
        yours = {
            name: plain_form_value(cleaned[name])
            for name in MERGED_FIELDS
            if name in cleaned and name in self.fields
        }
        result = revisions.merge(cleaned.get("revision_base"), self.instance, yours)
        if result is None:
            return cleaned
        merged, conflicts, original, theirs = result
        for name, value in merged.items():
            if value is not yours[name]:  # only the other editor changed it
                cleaned[name] = self._form_value(name, value)
                self.shown_merged[name] = _shown(name, value)
        if conflicts:
            self._stop_for(conflicts, original, theirs, yours)
        return cleaned

    def _keep_chosen(self, cleaned):
        """On the conflict page's second save: the fields where the editor kept theirs."""
        chosen = [n for n in MERGED_FIELDS if self.data.get(f"resolve_{n}") == KEEP_THEIRS]
        if not chosen or self.instance.pk is None:
            return
        theirs = revisions.snapshot(type(self.instance).objects.get(pk=self.instance.pk))
        for name in chosen:
            if name in cleaned:
                cleaned[name] = self._form_value(name, theirs[name])

    def _form_value(self, name, value):
        field = self.fields[name]
        if isinstance(field, FeaturedImageField):
            return field.library_image(value)
        if isinstance(field, forms.ModelMultipleChoiceField):
            return field.queryset.filter(pk__in=value)
        if isinstance(field, forms.ModelChoiceField):
            return field.queryset.filter(pk=value).first()
        return value

    def _stop_for(self, conflicts, original, theirs, yours):
        by = revisions.last_saved_by(self.instance)
        self.merge_conflicts = [
            _conflict(name, original[name], theirs[name], yours[name]) for name in conflicts
        ]
        # Saved again, the form is a save against the version it now shows.
        self.data = self.data.copy()
        self.data["revision_base"] = str(revisions.current_version(self.instance))
        who = by.get_full_name() or by.get_username() if by else "Someone else"
        raise ValidationError(
            "%(who)s saved this article while you were editing it, and changed "
            "%(fields)s as you did. Choose below what to keep (your text is still in "
            "the form), then save again.",
            code="conflict",
            params={"who": who, "fields": ", ".join(c["label"] for c in self.merge_conflicts)},
        )


def _shown(name, value):
    """A merged value as the field's widget renders it."""
    if name == "tags":
        return edit_string_for_tags([Tag(name=tag) for tag in value])
    return value


def _conflict(name, original, theirs, yours):
    texts = {
        "original": revisions.display(name, original),
        "theirs": revisions.display(name, theirs),
        "yours": revisions.display(name, yours),
    }
    return {
        "name": name,
        "label": revisions.label(name),
        **texts,
        "theirs_diff": revisions.text_diff(name, original, theirs),
        "yours_diff": revisions.text_diff(name, original, yours),
        "when": timezone.now(),
    }


def editing_form(form_class, opened_on=None, autosave=None):
    """The admin's form class with the version it is opened on and the merge."""
    return type(
        f"Editing{form_class.__name__}",
        (EditingForm, form_class),
        {
            "revision_base": forms.CharField(required=False, widget=forms.HiddenInput),
            "opened_on": opened_on,
            "autosave": autosave,
        },
    )
