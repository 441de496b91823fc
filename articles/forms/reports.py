from django import forms

from ..models import CommentReport

NOTE_LENGTH = CommentReport._meta.get_field("note").max_length


class CommentReportForm(forms.ModelForm):
    """A reader's report of a comment; `articles.reports.report_comment` stores it."""

    class Meta:
        model = CommentReport
        fields = ("reason", "note")
        labels = {"reason": "Why should an editor look at this comment?", "note": "Anything to add"}
        help_texts = {"note": f"Optional, up to {NOTE_LENGTH} characters."}
        widgets = {
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "reason": {
                "required": "Choose why you report this comment.",
                "invalid_choice": "Choose one of the reasons listed.",
            },
            "note": {
                "max_length": f"A note can be at most {NOTE_LENGTH} characters long "
                "(this one has %(show_value)d).",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = CommentReport.Reason.choices  # no empty choice
