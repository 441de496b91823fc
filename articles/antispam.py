"""
Spam guards for public forms, with no third-party service: a honeypot field that
people never see, and a signed timestamp that refuses forms sent implausibly
fast (bots) or after hours (stale or replayed pages). What the person typed is
kept either way, and a refused form carries a fresh timestamp.

The timestamp is not in the page (pages are shared, also by caches in front of us):
static/js/form-stamp.js fetches one from `articles:form-stamp` when a reader starts
on a form. Without JavaScript the form arrives with none and is shown again, text
kept, with a stamp: one more press. A form shown again (bound) carries its stamp.

The signed value is a random nonce, new for every stamp, so the same form sent twice
can be told from two forms: see `form_nonce` and the comments' idempotency key.
"""

import secrets

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

TIMESTAMP_SALT = "articles.antispam.form-started"
NONCE_PREFIX = "form:"


def fresh_timestamp():
    """A signed "this form was shown now", with a new nonce."""
    nonce = secrets.token_urlsafe(12)
    return signing.TimestampSigner(salt=TIMESTAMP_SALT).sign(f"{NONCE_PREFIX}{nonce}")


class FreshTimestampInput(forms.HiddenInput):
    """Empty on a page every reader shares (form-stamp.js fills it in); a new signed
    timestamp when the form is shown again to the one who sent it."""

    stamp = ""

    def __init__(self, attrs=None):
        super().__init__({"data-form-stamp": "", **(attrs or {})})

    def format_value(self, value):
        return self.stamp


class SpamGuardMixin(forms.Form):
    """Add to a public form. Errors carry codes `spam`, `unstamped`, `too_fast` and `stale`."""

    min_seconds = 3
    max_seconds = 2 * 3600

    # Named to look useful to a bot; hidden from people by CSS and from screen readers.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_started = forms.CharField(widget=FreshTimestampInput, required=False)

    # The nonce of a valid timestamp; None before cleaning and for tokens without one.
    form_nonce = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # Shown again only in the answer to its own POST: a page of that reader alone.
            self.fields["form_started"].widget.stamp = fresh_timestamp()

    @property
    def form_stamp(self):
        """The value of the hidden `form_started` input: "" unless the form is bound."""
        return self.fields["form_started"].widget.stamp

    def clean(self):
        cleaned_data = super().clean()
        if self.cleaned_data.get("website"):
            raise ValidationError("This message looks automated and was not sent.", code="spam")
        self._check_timestamp(self.cleaned_data.get("form_started", ""))
        return cleaned_data

    def _check_timestamp(self, token):
        if not token:
            raise ValidationError(
                "One more step: we could not check this form without JavaScript. Your text "
                "is still here: please send it again.",
                code="unstamped",
            )
        signer = signing.TimestampSigner(salt=TIMESTAMP_SALT)
        try:
            value = signer.unsign(token, max_age=self.max_seconds)
        except signing.SignatureExpired:
            raise ValidationError(
                "This page was open for a long time, so we did not send it. Your text is "
                "still here: please send it again.",
                code="stale",
            ) from None
        except signing.BadSignature:
            raise ValidationError(
                "We could not check this form. Your text is still here: please send it again.",
                code="stale",
            ) from None
        try:
            signer.unsign(token, max_age=self.min_seconds)
        except signing.SignatureExpired:
            if value.startswith(NONCE_PREFIX):
                self.form_nonce = value.removeprefix(NONCE_PREFIX)
            return
        raise ValidationError(
            "That was sent very quickly, so we held it back. Please check it and send it again.",
            code="too_fast",
        )

    @property
    def is_spam(self):
        """True when the honeypot was filled: the caller may store it as spam silently."""
        return self.has_error("__all__", "spam")
