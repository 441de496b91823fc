"""
Spam guards for public forms, with no third-party service: a honeypot field that
people never see, and a signed timestamp that refuses forms sent implausibly
fast (bots) or after hours (stale or replayed pages). What the person typed is
kept either way, and a refused form carries a fresh timestamp.

The signed value is a random nonce, new for every form shown (pages served from
the cache get theirs when filled in), so the same form sent twice can be told
from two forms: see `form_nonce` and the comments' idempotency key.
"""

import secrets

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

TIMESTAMP_SALT = "articles.antispam.form-started"
NONCE_PREFIX = "form:"


def fresh_timestamp():
    """A signed "this form was shown now" (also filled into pages served from cache)."""
    nonce = secrets.token_urlsafe(12)
    return signing.TimestampSigner(salt=TIMESTAMP_SALT).sign(f"{NONCE_PREFIX}{nonce}")


class FreshTimestampInput(forms.HiddenInput):
    """Always renders a new signed timestamp, also when the form is re-shown."""

    def format_value(self, value):
        return fresh_timestamp()


class SpamGuardMixin(forms.Form):
    """Add to a public form. Errors carry codes `spam`, `too_fast` and `stale`."""

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

    def clean(self):
        cleaned_data = super().clean()
        if self.cleaned_data.get("website"):
            raise ValidationError("This message looks automated and was not sent.", code="spam")
        self._check_timestamp(self.cleaned_data.get("form_started", ""))
        return cleaned_data

    def _check_timestamp(self, token):
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
