from django import forms
from django.core.exceptions import ValidationError


class CodeForm(forms.Form):
    """The second sign-in step, and the confirmation of a new authenticator app."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": "Enter the code your authenticator app shows."},
    )

    def refuse(self, wait_seconds=0):
        """Say why the code was not taken: wrong, or too soon after wrong ones."""
        if wait_seconds:
            message = (
                f"Too many wrong codes in a row: wait {wait_seconds} second"
                f"{'s' if wait_seconds != 1 else ''}, then enter the code your app shows then."
            )
            self.add_error("code", ValidationError(message, code="throttled"))
        else:
            message = (
                "That code is not right. Enter the code your app shows now "
                "(check that your phone's clock is set automatically), or a recovery code."
            )
            self.add_error("code", ValidationError(message, code="wrong"))
