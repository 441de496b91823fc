"""
A reader reports a comment ("Report" under each approved one). Without JavaScript the
link opens a page of its own with the form (and a token: it is never shared); with it,
static/js/comments.js fetches the same form under the comment and sends it by fetch.
What a refused report typed stays in the form, beside the reason it was refused.
"""

from django.contrib import messages
from django.shortcuts import redirect, render

from magazine.csrf import with_form_page

from .. import fragments, reports
from ..comments import TooFast
from ..forms.reports import CommentReportForm
from ..forms.security import not_checked, own_form_page
from ..models import Article, Comment
from ..readers import client_ip_hash, get_reader, vote_address_hash
from .comments import refuse, wants_fragment

FORM = "articles/includes/report_form.html#form"
DONE = "articles/includes/report_form.html#done"
NO_COMMENT = "There is no published comment to report here."
THANKS = "Thank you for your report: an editor will look at this comment."
HELD = (
    "Thank you for your report. Enough readers reported this comment that it is off the "
    "page until an editor has looked at it."
)
ALREADY = "You have already reported this comment: an editor will see your report."
TOO_FAST = "You are sending many reports in a short time. Please wait a few minutes."


def _reportable(article_id, comment_id):
    """An approved comment of a published article, where the address says it is."""
    return (
        Comment.objects.approved()
        .select_related("article__category")
        .filter(pk=comment_id, article_id=article_id, article__in=Article.objects.published())
        .first()
    )


def _form_page(request, comment, form, message="", status=200):
    """The report form: under the comment (comments.js) or on a page of its own."""
    own_form_page(request)
    comment.shown = True
    context = {"article": comment.article, "comment": comment, "form_message": message}
    if wants_fragment(request):
        return fragments.partial_response(request, FORM, context, comment, form, status=status)
    context["form"] = form
    return render(request, "articles/comment_report.html", context, status=status)


def report_form_page(request, article_id, comment_id):
    """A report whose origin could not be checked: the form again, what was chosen and
    typed kept, on a page of its own (with a token)."""
    comment = _reportable(article_id, comment_id)
    if comment is None:
        return refuse(request, NO_COMMENT, 404)
    form = CommentReportForm(request.POST)
    return _form_page(request, comment, form, not_checked("your report", "What you wrote"), 403)


@with_form_page(report_form_page)
def report(request, article_id, comment_id):
    """A reader's report of a comment: the form (GET), or the report sent (POST)."""
    comment = _reportable(article_id, comment_id)
    if comment is None:
        return refuse(request, NO_COMMENT, 404)
    if request.method != "POST":
        return _form_page(request, comment, CommentReportForm())
    form = CommentReportForm(request.POST)
    if not form.is_valid():
        message = "Your report was not sent: check the fields below."
        return _form_page(request, comment, form, message, 400)
    reader, data = get_reader(request, create=True), form.cleaned_data
    try:
        held = reports.report_comment(
            comment,
            reader,
            data["reason"],
            data["note"],
            client_ip_hash(request),
            vote_address_hash(request),
        )
    except TooFast as too_fast:
        response = _form_page(request, comment, form, TOO_FAST, 429)
        response["Retry-After"] = str(too_fast.retry_after)
        return response
    except reports.AlreadyReported:
        return _form_page(request, comment, form, ALREADY, 409)
    return _reported(request, comment, HELD if held else THANKS)


def _reported(request, comment, note):
    if wants_fragment(request):
        return fragments.partial_response(request, DONE, {}, note)
    messages.success(request, note)
    return redirect(comment.article.get_absolute_url() + "#comments")
