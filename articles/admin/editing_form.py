"""The article change form's part in "no silent overwrite".

The form carries the version it was opened on (`revision_base`, hidden). Saved
against a newer version, its clean() merges: fields only this editor changed apply,
fields only the other changed are kept, and a field both changed stops the save with
`merge_conflicts` (theirs, yours, the original), which the change form shows above
the fields it re-shows as typed.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from .. import diffs, revisions

# Fields merged field by field; the image is the upload's business (kept as stored
# unless a new file is chosen).
MERGED_FIELDS = tuple(name for name in revisions.SNAPSHOT_FIELDS if name != "image")
KEEP_THEIRS = "theirs"


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


class EditingForm:
    """Mixed into the admin's article form by `ArticleEditingMixin.get_form`."""

    opened_on = None  # the current version when the page was opened
    autosave = None  # an autosave to fill the form from, on "Restore"
    merge_conflicts = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
            if value is not yours[name]:
                cleaned[name] = self._form_value(name, value)
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
        "theirs_diff": diffs.changed_lines(texts["original"], texts["theirs"]),
        "yours_diff": diffs.changed_lines(texts["original"], texts["yours"]),
        "when": timezone.now(),
    }


def editing_form(form_class, opened_on=None, autosave=None):
    """The admin's form class with the version it is opened on and the merge."""
    return type(
        f"Editing{form_class.__name__}",
        (EditingForm, form_class),
        {
            "revision_base": forms.IntegerField(required=False, widget=forms.HiddenInput),
            "opened_on": opened_on,
            "autosave": autosave,
        },
    )
