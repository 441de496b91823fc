"""
Inline feedback in the admin: editors' questions on passages of an article (an
inline on the article form, the passage picked from the article's own blocks),
and which passages drew the most feedback, with counts.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from .. import inline
from ..models import FeedbackQuestion


def block_choices(blocks):
    return [("", "---------")] + [
        (block.id, f"{block.id}: {Truncator(block.text).chars(80)}") for block in blocks
    ]


class FeedbackQuestionForm(forms.ModelForm):
    blocks = ()  # the article's blocks, set per article by FeedbackQuestionInline

    block_id = forms.ChoiceField(label="passage")

    class Meta:
        model = FeedbackQuestion
        fields = ("block_id", "quote", "question", "starts_open", "order")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block_id"].choices = block_choices(self.blocks)
        self.fields["block_id"].help_text = FeedbackQuestion._meta.get_field("block_id").help_text

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("block_id"):
            cleaned_data["block_id"], cleaned_data["quote"] = inline.check_anchor(
                self.blocks, cleaned_data["block_id"], cleaned_data.get("quote", "")
            )
        return cleaned_data


class FeedbackQuestionInline(admin.StackedInline):
    model = FeedbackQuestion
    form = FeedbackQuestionForm
    extra = 0
    verbose_name_plural = "inline feedback questions"

    def get_formset(self, request, obj=None, **kwargs):
        blocks = obj.blocks() if obj is not None else []
        kwargs["form"] = type("FeedbackQuestionForm", (self.form,), {"blocks": blocks})
        return super().get_formset(request, obj, **kwargs)

    def get_max_num(self, request, obj=None, **kwargs):
        # Passages are the saved body's blocks: a new article has none yet.
        return 0 if obj is None else super().get_max_num(request, obj, **kwargs)


class InlineFeedbackMixin:
    """For `ArticleAdmin`: the questions inline, and the passages with the most feedback."""

    inlines = (FeedbackQuestionInline,)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "passage_feedback")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, ("Inline feedback", {"fields": ("passage_feedback",)}))

    @admin.display(description="passages with the most feedback")
    def passage_feedback(self, article):
        rows = inline.passage_counts(article)
        if not rows:
            return "No comments on passages yet."
        texts = {block.id: block.text for block in article.blocks()}
        comments_url = reverse("admin:articles_comment_changelist")
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                '<li><a href="{}?article__id__exact={}&amp;block_id={}">{} approved, {} awaiting'
                "</a> — {}: “{}”</li>",
                (
                    (
                        comments_url,
                        article.pk,
                        row["block_id"],
                        row["approved"],
                        row["pending"],
                        row["block_id"],
                        Truncator(texts.get(row["block_id"], "")).chars(90),
                    )
                    for row in rows
                ),
            ),
        )
