"""The article change form's review buttons: thin views over `articles.workflow`.

Writers get "Submit for review" and "Withdraw", editors "Approve and schedule",
"Publish now" and "Send back with a note". Each is a POST (CSRF-checked by the admin
site) to its own address; a step refused says why in a message, a form refused
(a time past, no note) is shown again with what was typed and a 400. A step's form
opens (GET) only for those who take the step (403 otherwise), and only in the stage
it applies to (else a message on the change form).
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .. import newsroom_time, workflow

STEP_VIEWS = ("submit_for_review", "withdraw", "approve", "publish_now", "send_back")
DONE = {
    "submit_for_review": "“{title}” was sent for review; the editors are told.",
    "submit_for_review_untold": (
        "“{title}” was sent for review. No editor has an email address to be told at."
    ),
    "withdraw": "“{title}” was withdrawn from review; it is a draft again.",
    "publish_now": "“{title}” is published.",
    "send_back": "“{title}” was sent back to its writer with your note.",
}
# The format a datetime-local input reads: a value "2030-12-03 14:00:00" shows empty.
TIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"
)


class ApproveForm(forms.Form):
    publish_at = forms.DateTimeField(
        label="Publish at",
        widget=TIME_INPUT,
        error_messages={"required": "Choose when the story goes live."},
    )
    unpublish_at = forms.DateTimeField(
        label="Unpublish at",
        required=False,
        widget=TIME_INPUT,
        help_text="Optional: when it comes down by itself. Empty: it stays up.",
    )

    @classmethod
    def for_article(cls, article, data=None):
        """The form, filled in with the story's own publish and unpublish times ahead."""
        now = timezone.now()
        initial = {
            field: newsroom_time.local(value)
            for field in ("publish_at", "unpublish_at")
            if (value := getattr(article, field)) is not None and value > now
        }
        return cls(data, prefix="approve", initial=initial)


class SendBackForm(forms.Form):
    note = forms.CharField(
        label="Note for the writer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what needs changing: the writer reads this note."},
    )


class ReviewStepsMixin:
    """Before ArticleEditingMixin among ArticleAdmin's bases."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        steps = [
            path(
                f"<path:object_id>/review/{step.replace('_', '-')}/",
                view(getattr(self, f"{step}_view")),
                name=f"{name}_{step}",
            )
            for step in STEP_VIEWS
        ]
        return [*steps, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if obj is not None:
            context["review"] = self._review_context(request, obj)
        return super().change_view(request, object_id, form_url, context)

    def _review_context(self, request, obj):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        steps = workflow.available_steps(obj, request.user)
        sent_back = workflow.last_note(obj)
        return {
            "steps": {step: reverse(f"{name}_{step}", args=[obj.pk]) for step in steps},
            "publish_label": "Publish again" if obj.is_taken_down else "Publish now",
            "sent_back": sent_back,
            "sent_back_when": newsroom_time.when(sent_back.created_at) if sent_back else "",
            "approve_form": ApproveForm.for_article(obj),
            "send_back_form": SendBackForm(),
            "zone": newsroom_time.zone_name(),
        }

    def _change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def _take(self, request, object_id, step, *args, **kwargs):
        """Run a workflow step on a POST; a refused step is a message on the change form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "A review step takes a POST.")
        obj = self._article(request, object_id)
        try:
            getattr(workflow, step)(obj, *args, by=request.user, **kwargs)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return redirect(self._change_url(obj))
        self.message_user(
            request, _done(step, request.user).format(title=obj.title), messages.SUCCESS
        )
        return redirect(self._change_url(obj))

    def _refused(self, request, obj, step):
        """Before a step's form: 403 for who never takes it, a message if not now."""
        if not workflow.may_take(request.user, obj, step):
            raise PermissionDenied
        if step in workflow.available_steps(obj, request.user):
            return None
        self.message_user(request, workflow.WRONG_STAGE[step], messages.ERROR)
        return redirect(self._change_url(obj))

    def submit_for_review_view(self, request, object_id):
        return self._take(request, object_id, "submit_for_review")

    def withdraw_view(self, request, object_id):
        return self._take(request, object_id, "withdraw")

    def publish_now_view(self, request, object_id):
        return self._take(request, object_id, "publish_now")

    def approve_view(self, request, object_id):
        obj = self._article(request, object_id)
        if refused := self._refused(request, obj, "approve"):
            return refused
        form = ApproveForm.for_article(obj, request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                workflow.approve_and_schedule(
                    obj, data["publish_at"], by=request.user, unpublish_at=data["unpublish_at"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                self.message_user(request, _approved(obj), messages.SUCCESS)
                return redirect(self._change_url(obj))
        return self._step_page(request, obj, "approve", form, "Approve and schedule")

    def send_back_view(self, request, object_id):
        obj = self._article(request, object_id)
        if refused := self._refused(request, obj, "send_back"):
            return refused
        form = SendBackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._take(request, object_id, "send_back", form.cleaned_data["note"])
        return self._step_page(request, obj, "send_back", form, "Send back with a note")

    def _step_page(self, request, obj, step, form, title):
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {obj}",
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "form": form,
            "step": step,
            "action": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_{step}", args=[obj.pk]
            ),
            "zone": newsroom_time.zone_name(),
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(
            request, "admin/articles/article/review_step.html", context, status=status
        )


def _done(step, user):
    if step == "submit_for_review" and not workflow.editors_to_tell(user):
        return DONE["submit_for_review_untold"]
    return DONE[step]


def _approved(article):
    """“Will be published on …. Will be taken down on ….”"""
    message = f"Will be published on {newsroom_time.when(article.publish_at)}."
    if article.unpublish_at:
        message += f" Will be taken down on {newsroom_time.when(article.unpublish_at)}."
    return message


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
