from django import template
from django.urls import reverse
from django.utils.html import format_html

from ..models import Submission

register = template.Library()


@register.simple_tag(takes_context=True)
def new_submissions_notice(context):
    """“3 new submissions” on the admin index, for editors who may see them (spam never counts)."""
    if not context["request"].user.has_perm("articles.view_submission"):
        return ""
    count = Submission.objects.new().count()
    url = reverse("admin:articles_submission_changelist") + "?status__exact=received"
    return format_html(
        '<p class="new-submissions"><a href="{}"><strong>{}</strong> new submission{}</a> '
        "waiting for an editor.</p>",
        url,
        count,
        "" if count == 1 else "s",
    )
