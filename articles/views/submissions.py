"""Post Your Story: the packs, the form, the thank-you page and the contributor's status page."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView

from magazine.csrf import csrf_protect

from .. import submissions
from ..forms.submissions import (
    ResubmissionForm,
    SubmissionForm,
    duplicate_error,
    new_form_token,
)
from ..models import Pack, Submission
from ..readers import client_ip_hash

SESSION_KEY = "submission_token"
# Room for the text fields and the multipart framing around the images.
TEXT_ALLOWANCE = 1024 * 1024
NOT_SAVED = (
    "We could not save your story just now, so nothing was sent. Please send it again in a moment."
)

logger = logging.getLogger(__name__)


def max_request_bytes():
    return submissions.MAX_IMAGES * settings.MAGAZINE_IMAGE_MAX_BYTES + TEXT_ALLOWANCE


def limit_request_size(view):
    """Answer 413 to a request larger than any valid submission, before reading its body.

    The CSRF middleware would read the whole body (writing the uploads to disk) before
    the view runs, so the view is exempt from it and protected inside, after the check.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            return render(
                request,
                "articles/submission_too_large.html",
                {
                    "limit": max_request_bytes(),
                    "image_limit": settings.MAGAZINE_IMAGE_MAX_BYTES,
                    "max_images": submissions.MAX_IMAGES,
                },
                status=413,
            )
        return protected(request, *args, **kwargs)

    return wrapper


class PackListView(ListView):
    template_name = "articles/pack_list.html"
    context_object_name = "packs"
    queryset = Pack.objects.active()


def _form_page(request, form, status=200, **context):
    return render(
        request,
        "articles/submission_form.html",
        {"form": form, "max_images": submissions.MAX_IMAGES, **context},
        status=status,
    )


def _thank_you(request, submission):
    request.session[SESSION_KEY] = submission.token
    return redirect("articles:submit-done")


@limit_request_size
def submit(request):
    """The public form: store the story and its images, then thank the contributor."""
    if request.method != "POST":
        initial = {"pack": request.GET.get("pack"), "form_token": new_form_token()}
        return _form_page(request, SubmissionForm(initial=initial))

    # A second click is answered before its form is checked or counted against the limits.
    earlier = submissions.sent_before(request.POST.get("form_token"))
    if earlier is not None:
        return _thank_you(request, earlier)
    form = SubmissionForm(request.POST, request.FILES)
    ip_hash = client_ip_hash(request)
    if not form.is_valid():
        if form.is_spam:
            # Looks like success to the bot; kept for the record unless it floods.
            if submissions.within_rate_limits(ip_hash, form.cleaned_data.get("email", "")):
                submissions.store_spam(form.cleaned_data, ip_hash)
            return redirect("articles:submit-done")
        return _form_page(request, form, status=400)
    if not submissions.within_rate_limits(ip_hash, form.cleaned_data["email"]):
        return _form_page(request, form, status=429, rate_limited=True)
    try:
        submission = submissions.receive_submission(
            form.submission_data(), form.image_data(), ip_hash, form.cleaned_data["form_token"]
        )
    except submissions.DuplicateSubmission:
        form.add_error("title", duplicate_error())
        return _form_page(request, form, status=400)
    except (DatabaseError, OSError):
        # Nothing was kept (one transaction, files removed): say so, with the text kept.
        logger.exception("Story submission not saved")
        form.add_error(None, ValidationError(NOT_SAVED, code="not_saved"))
        return _form_page(request, form, status=503)
    return _thank_you(request, submission)


@never_cache
def submit_done(request):
    """The thank-you page, with the private status link when this browser just sent a story."""
    token = request.session.get(SESSION_KEY)
    submission = Submission.objects.not_spam().filter(token=token).first() if token else None
    return render(request, "articles/submission_done.html", {"submission": submission})


def _private(response):
    """The status page's address is its key: keep it out of referrers, caches and indexes.

    Referrers go to this site only: with "no-referrer", browsers send `Origin: null`
    with the edit form's POST, and Django's CSRF check refuses it (403).
    """
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _submission_or_404(token):
    return get_object_or_404(
        Submission.objects.not_spam().select_related("pack", "category", "article__category"),
        token=token,
    )


@never_cache
def submission_status(request, token):
    """The contributor's private page: where their story stands, with each step's message."""
    submission = _submission_or_404(token)
    return _private(
        render(
            request,
            "articles/submission_detail.html",
            {
                "submission": submission,
                "events": submission.events.all(),
                "images": submission.images.all(),
                "explanation": submissions.EXPLANATIONS.get(submission.status, ""),
            },
        )
    )


@never_cache
@limit_request_size
def submission_edit(request, token):
    """The contributor changes their story and sends it again, when an editor asked."""
    submission = _submission_or_404(token)
    if not submission.can_be_edited:
        messages.info(request, "Your story cannot be changed at the moment.")
        return redirect(submission)
    form = ResubmissionForm(request.POST or None, request.FILES or None, instance=submission)
    if request.method != "POST":
        return _private(_form_page(request, form, submission=submission))
    if form.is_valid():
        try:
            submissions.resubmit(submission, form.submission_data(), form.image_data())
        except submissions.InvalidTransition:
            messages.info(request, "Your story was already sent again.")
            return redirect(submission)
        except submissions.DuplicateSubmission:
            form.add_error("title", duplicate_error())
        except (DatabaseError, OSError):
            logger.exception("Story %s not sent again", submission.pk)
            form.add_error(None, ValidationError(NOT_SAVED, code="not_saved"))
            return _private(_form_page(request, form, status=503, submission=submission))
        else:
            messages.success(request, "Thank you: your story was sent again to the editors.")
            return redirect(submission)
    return _private(_form_page(request, form, status=400, submission=submission))
