from django import forms

SCORE_CHOICES = [(score, f"{score} star{'s' if score > 1 else ''}") for score in range(1, 6)]


class RatingForm(forms.Form):
    """A reader's vote: five labelled radio buttons, 1 to 5 stars."""

    score = forms.TypedChoiceField(
        label="Rate this article",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose from 1 to 5 stars, then send your vote.",
            "invalid_choice": "A vote is a whole number of stars from 1 to 5.",
        },
    )
