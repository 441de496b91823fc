from django import forms

from ..antispam import SpamGuardMixin
from ..models import Subscription
from .rendering import PLAIN_INPUTS


class SubscribeForm(SpamGuardMixin, forms.Form):
    """The "Notify of" bar above the comments. Its fields carry the prefix "notify"."""

    default_renderer = PLAIN_INPUTS  # on every article page: see forms/rendering.py

    kind = forms.ChoiceField(
        label="Notify of",
        choices=[
            (Subscription.Kind.ARTICLE, Subscription.Kind.ARTICLE.label.lower()),
            (Subscription.Kind.MY_COMMENTS, Subscription.Kind.MY_COMMENTS.label.lower()),
        ],
        initial=Subscription.Kind.ARTICLE,
        widget=forms.Select,  # one compact line with the address, as wpDiscuz shows it
        error_messages={
            "required": "Choose what to be notified of.",
            "invalid_choice": "Choose new follow-up comments or new replies to your comments.",
        },
    )
    email = forms.EmailField(
        label="Your email",
        max_length=254,
        help_text="Only for these notifications; never shown. Every email has an unsubscribe link.",
        error_messages={
            "required": "Give the email address to notify.",
            "invalid": "That email address does not look right: check it and send again.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "notify")
        super().__init__(*args, **kwargs)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
