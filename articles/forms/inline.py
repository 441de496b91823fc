from django import forms
from django.core.exceptions import ValidationError

from .. import inline
from ..models import FeedbackQuestion
from .comments import CommentForm


class PassageCommentForm(CommentForm):
    """A comment on a passage: an answer to an editor's question, or on words a reader chose.

    It is a new comment in every other way (same view, guards and moderation); the
    anchor is checked against the article's blocks and set on the comment by `save`.
    """

    block = forms.CharField(max_length=20, widget=forms.HiddenInput)
    question = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quote = forms.CharField(
        label="The words you comment on",
        required=False,
        # Longer than a stored quote, so a too-long quote gets check_anchor's clear message.
        max_length=4 * inline.QUOTE_MAX_LENGTH,
        help_text="Optional: copy some words from the paragraph. "
        "Leave it empty to comment on the whole paragraph.",
    )

    field_order = ("quote", "name", "email", "body")

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.anchor = None
        self.fields["body"].widget.attrs["rows"] = 3  # a small form beside the passage
        answering = (self.data or self.initial).get("question")
        if len(questions) > 1:
            self.fields["question"].widget = forms.RadioSelect(
                choices=[(q.pk, q.question) for q in questions]
                + [("", "Neither: a comment on the passage")]
            )
            self.fields["question"].label = "You answer"
        if answering or questions:
            # An answer keeps the question's own words; the reader does not choose them.
            self.fields["quote"].widget = forms.HiddenInput()

    def clean_parent(self):
        return None  # a passage comment starts its own thread

    def clean(self):
        cleaned_data = super().clean()
        question_id = cleaned_data.get("question")
        if question_id:
            question = (
                FeedbackQuestion.objects.filter(pk=question_id, article=self.article)
                .exclude(block_id="")
                .first()
            )
            if question is None:
                raise ValidationError(
                    "That question is no longer on this article. Your text is still here: "
                    "you can post it as a comment.",
                    code="bad_question",
                )
            self.anchor = (question.block_id, question.quote, question)
        elif "block" in cleaned_data:
            block_id, quote = inline.check_anchor(
                self.article.blocks(), cleaned_data["block"], cleaned_data.get("quote", "")
            )
            self.anchor = (block_id, quote, None)
        return cleaned_data

    def save(self, commit=True):
        comment = super().save(commit=False)
        comment.block_id, comment.quote, comment.question = self.anchor
        if commit:
            comment.save()
        return comment


def comment_form_class(data):
    """The form a posted comment is read with: a passage comment names its block."""
    return PassageCommentForm if data.get("block") else CommentForm
