"""The "Add a staff member" form: the account (name, email, group) and the byline
(name as readers see it, bio, avatar) on one screen."""

from django import forms

from .. import staff
from ..admin.widgets import KeptImageWidget
from ..models import Author
from .articles import KeepsUploadsMixin


class StaffMemberForm(KeepsUploadsMixin, forms.ModelForm):
    full_name = forms.CharField(label="Name", max_length=150)
    # The address is also what they sign in with (a username is at most 150 characters).
    email = forms.EmailField(
        max_length=150, help_text="They sign in with it, and the invitation goes there."
    )
    group = forms.ChoiceField(label="Role", choices=staff.GROUPS, widget=forms.RadioSelect)

    class Meta:
        model = Author
        fields = ("name", "bio", "avatar")
        labels = {"name": "Byline"}
        help_texts = {"name": "The name readers see on their stories; their name if left empty."}
        widgets = {"avatar": KeptImageWidget}

    field_order = ("full_name", "email", "group", "name", "bio", "avatar")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if staff.email_taken(email):
            raise forms.ValidationError(
                "Someone in the newsroom has this address already: find them under Users.",
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name") or "").strip():
            cleaned["name"] = (cleaned.get("full_name") or "").strip()
        return cleaned
