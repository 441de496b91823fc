import hashlib

from django import forms
from django.core.exceptions import ValidationError

from .. import names
from ..antispam import SpamGuardMixin
from ..models import Comment
from ..models.comments import MAX_LENGTH
from .rendering import PLAIN_INPUTS

BODY_HELP = (
    f"Plain text, up to {MAX_LENGTH:,} characters. Leave a blank line between paragraphs; "
    "links become clickable."
)
BODY_ERRORS = {
    "required": "Write your comment before sending it.",
    "max_length": f"A comment can be at most {MAX_LENGTH:,} characters long "
    "(this one has %(show_value)d).",
}


class CommentForm(SpamGuardMixin, forms.ModelForm):
    """A new comment or reply; `articles.comments.post_comment` stores it, with its
    reader and the status the moderation queue gives it."""

    default_renderer = PLAIN_INPUTS  # on every article page: see forms/rendering.py

    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Email subscriptions (issue 6): see articles/subscriptions.py.
    notify_replies = forms.BooleanField(
        required=False, label="Notify me of new replies to this comment", label_suffix=""
    )

    class Meta:
        model = Comment
        fields = ("name", "email", "body")
        labels = {"name": "Name", "email": "Email", "body": "Comment"}
        help_texts = {"email": "Never shown on the site.", "body": BODY_HELP}
        error_messages = {
            "name": {"required": "Give a name to show with your comment."},
            "email": {
                "required": "Give your email address; it is never shown.",
                "invalid": "That email address does not look right: check it and send again.",
            },
            "body": BODY_ERRORS,
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, article, reader, **kwargs):
        self.article, self.reader = article, reader
        if reader.user and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": reader.user.get_full_name() or reader.user.get_username(),
                "email": reader.user.email,
            }
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.reply_to = None

    def clean_parent(self):
        """The comment replied to: visible to this reader, on this article."""
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = (
            Comment.objects.visible_to(self.reader)
            .filter(pk=parent_id, article=self.article)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise ValidationError(
                "The comment you are replying to is not on this article or was removed. "
                "Your text is still here: you can post it as a new comment.",
                code="bad_parent",
            )
        self.reply_to = parent
        return parent.attach_reply()

    def clean_name(self):
        return names.clean_name(self.cleaned_data["name"])

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(BODY_ERRORS["required"], code="required")
        return body

    @property
    def idempotency_key(self):
        """The same form sent again gives the same key; None without a nonce.

        The text is part of it: comments.js keeps the form (and its nonce) after a
        comment is posted, and copies it for replies, so one nonce may send several
        different comments, but never the same one twice.
        """
        if not self.form_nonce:
            return None
        sent = [self.data.get(name, "") for name in ("parent", "block", "question")]
        text = "\n".join([self.form_nonce, *sent, self.cleaned_data.get("body", "")])
        return hashlib.sha256(text.encode()).hexdigest()

    def unsaved_comment(self):
        """The comment this form sends, for `articles.comments.post_comment` to store."""
        comment = self.save(commit=False)
        comment.article = self.article
        comment.parent = self.cleaned_data["parent"]
        comment.idempotency_key = self.idempotency_key
        return comment


class CommentEditForm(forms.ModelForm):
    default_renderer = PLAIN_INPUTS

    class Meta:
        model = Comment
        fields = ("body",)
        labels = {"body": "Comment"}
        help_texts = {"body": BODY_HELP}
        error_messages = {"body": BODY_ERRORS}
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(BODY_ERRORS["required"], code="required")
        return body


class CommentVoteForm(forms.Form):
    value = forms.TypedChoiceField(
        choices=[("1", "Up"), ("-1", "Down")],
        coerce=int,
        error_messages={
            "required": "Choose up or down.",
            "invalid_choice": "A vote on a comment is up or down.",
        },
    )
