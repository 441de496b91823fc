"""
Plain inputs for the public forms, written out in Python instead of through Django's
widget templates: the same markup to the byte (labels, help texts, errors, `aria-*`,
values), at a tenth of the cost. The comment and "Notify of" forms are on every
article page, and their widget templates were about 3 ms of its render from scratch.

Only the simplest templates are written out here (a field group that is not a
fieldset, a label, an error list, an `<input>`, a `<textarea>`, a `<select>` without
option groups); anything else (a list of radio buttons) is rendered by Django's own
templates, as before.
"""

import html

from django.forms.renderers import DjangoTemplates

INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "email", "hidden", "checkbox", "number", "url", "password")
}

OPTIONS = {f"django/forms/widgets/{kind}_option.html" for kind in ("radio", "checkbox")}


def _escape(value):
    """Django's `_escape()`, the same text, without its check of every
    argument for a lazy translation (`keep_lazy`): a third of these forms' time."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs):
    """django/forms/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_escape(name)}")
        if value is not True:
            parts.append(f'="{_escape(str(value))}"')
    return "".join(parts)


def _input(context):
    widget = context["widget"]
    value = widget["value"]
    shown = "" if value is None else f' value="{_escape(str(value))}"'
    return (
        f'<input type="{_escape(widget["type"])}" '
        f'name="{_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _is_bare_option(template_name, context):
    """A radio button or checkbox of a choice, without its label (`BoundWidget.tag()`)."""
    return template_name in OPTIONS and not context["widget"].get("wrap_label")


def _textarea(context):
    widget = context["widget"]
    value = _escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _select(context):
    widget = context["widget"]
    options = "".join(
        f'\n  <option value="{_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{_escape(option['label'])}</option>\n"
        for _, group, _ in widget["optgroups"]
        for option in group
    )
    name = _escape(widget["name"])
    return f'<select name="{name}"{_attrs(widget["attrs"])}>{options}\n</select>'


def _is_plain_select(template_name, context):
    return template_name == "django/forms/widgets/select.html" and not any(
        group_name for group_name, _, _ in context["widget"]["optgroups"]
    )


def _label(context):
    label = _escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = _escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _errors(context):
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    shown_id = f' id="{_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_escape(error)}</li>" for error in errors)
    return f'<ul class="{_escape(context["error_class"])}"{shown_id}>{items}</ul>'


def _field(field):
    """django/forms/field.html for a field that is not a fieldset, stripped as Django does."""
    label = field.label_tag() if field.label else ""
    help_text = ""
    if field.help_text:
        shown_id = f' id="{_escape(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{shown_id}>{field.help_text}</div>'
    return f"{label}\n\n{help_text}\n{field.errors}\n{field}".strip()


class PlainInputs(DjangoTemplates):
    """Django's form renderer, with the plain inputs above written out in Python."""

    def render(self, template_name, context, request=None):
        if template_name in INPUTS or _is_bare_option(template_name, context):
            return _input(context)
        if template_name == "django/forms/widgets/textarea.html":
            return _textarea(context)
        if _is_plain_select(template_name, context):
            return _select(context)
        if template_name == "django/forms/label.html":
            return _label(context)
        if template_name in (
            "django/forms/errors/list/default.html",
            "django/forms/errors/list/ul.html",
        ):
            return _errors(context)
        field = context.get("field") if template_name == "django/forms/field.html" else None
        if field is not None and not field.use_fieldset:
            return _field(field)
        return super().render(template_name, context, request)


PLAIN_INPUTS = PlainInputs()  # one engine for the templates it still renders
