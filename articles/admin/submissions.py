"""The editors' submission queue and the packs shown on /packs/."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .. import submissions
from ..models import Pack, Submission, SubmissionEvent, SubmissionImage


@admin.register(Pack)
class PackAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


class SubmissionImageInline(admin.TabularInline):
    model = SubmissionImage
    fields = ("preview", "alt", "credit", "size")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="image")
    def preview(self, image):
        return format_html(
            '<a href="{url}"><img src="{url}" alt="{alt}" width="240"></a>',
            url=image.image.url,
            alt=image.alt,
        )

    @admin.display(description="pixels")
    def size(self, image):
        return f"{image.width} × {image.height}"


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    verbose_name_plural = "history (the contributor sees each step and message)"
    fields = ("created_at", "status", "message", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# The review page's buttons: (action, label, the status it leads to).
WORKFLOW_BUTTONS = (
    ("start_review", "Start review", Submission.Status.IN_REVIEW),
    ("request_changes", "Request changes…", Submission.Status.CHANGES_REQUESTED),
    ("decline", "Decline…", Submission.Status.DECLINED),
    ("accept", "Accept and make a draft article", Submission.Status.ACCEPTED),
)


class MessageForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="Emailed to the contributor and shown on their story’s private page.",
    )


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "pack", "contributor", "section", "created_at")
    list_filter = ("status", "pack", "category", "created_at")
    list_select_related = ("pack", "category")
    search_fields = ("title", "name", "email", "story")
    date_hierarchy = "created_at"
    actions = ("start_review", "request_changes", "decline", "accept")
    inlines = (SubmissionImageInline, SubmissionEventInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "status",
                    "contributor",
                    "pack",
                    "category",
                    "tags",
                    "created_at",
                    "article_link",
                )
            },
        ),
        ("Story", {"fields": ("story_preview", "note")}),
        ("Rights", {"fields": ("rights_confirmed_at",)}),
    )
    readonly_fields = (
        "title",
        "status",
        "contributor",
        "pack",
        "category",
        "tags",
        "created_at",
        "article_link",
        "story_preview",
        "note",
        "rights_confirmed_at",
    )

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page, with buttons for the steps this submission can take next."""
        submission = self.get_object(request, object_id)
        steps = []
        if submission is not None and self.has_change_permission(request, submission):
            steps = [
                (name, label)
                for name, label, status in WORKFLOW_BUTTONS
                if submission.status in submissions.ALLOWED_FROM[status]
            ]
        extra_context = {**(extra_context or {}), "workflow_actions": steps}
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_queryset(self, request, queryset):
        submissions.delete_submissions(queryset)

    def delete_model(self, request, obj):
        submissions.delete_submissions(Submission.objects.filter(pk=obj.pk))

    @admin.display(description="contributor", ordering="name")
    def contributor(self, submission):
        return format_html(
            '<bdi>{}</bdi> &lt;<a href="mailto:{}">{}</a>&gt;',
            submission.name,
            submission.email,
            submission.email,
        )

    @admin.display(description="section", ordering="category__path")
    def section(self, submission):
        return submission.category.name if submission.category else "—"

    @admin.display(description="story")
    def story_preview(self, submission):
        paragraphs = [p.strip() for p in submission.story.replace("\r\n", "\n").split("\n\n")]
        return format_html_join(
            "\n", '<p class="submission-paragraph">{}</p>', ((p,) for p in paragraphs if p)
        )

    @admin.display(description="article")
    def article_link(self, submission):
        if not submission.article_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse("admin:articles_article_change", args=[submission.article_id]),
            submission.article,
            submission.article.get_status_display(),
        )

    # Actions: each calls the workflow function the contributor's side relies on too.

    def _apply(self, request, queryset, step, done):
        changed = 0
        for submission in queryset:
            try:
                step(submission)
            except submissions.InvalidTransition as refused:
                self.message_user(request, str(refused), messages.WARNING)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{done}: {changed} submission(s).", messages.SUCCESS)
        return changed

    def _with_message(self, request, queryset, step, title, done):
        """Ask for the message to the contributor on a page of its own, then apply."""
        form = MessageForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            message = form.cleaned_data["message"]
            self._apply(request, queryset, lambda s: step(s, message, by=request.user), done)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": request.POST["action"],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/submission/message_form.html", context)

    @admin.action(description="Start review of selected submissions")
    def start_review(self, request, queryset):
        self._apply(
            request, queryset, lambda s: submissions.start_review(s, by=request.user), "In review"
        )

    @admin.action(description="Request changes (with a message to the contributor)")
    def request_changes(self, request, queryset):
        return self._with_message(
            request,
            queryset,
            submissions.request_changes,
            "Request changes: your message to the contributor",
            "Changes requested",
        )

    @admin.action(description="Decline (with a message to the contributor)")
    def decline(self, request, queryset):
        return self._with_message(
            request,
            queryset,
            submissions.decline_submission,
            "Decline: your message to the contributor",
            "Declined",
        )

    @admin.action(description="Accept: make a draft article and open it")
    def accept(self, request, queryset):
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied("Accepting a submission makes an article.")
        articles = []
        self._apply(
            request,
            queryset,
            lambda s: articles.append(submissions.accept_submission(s, by=request.user)),
            "Accepted, with a draft article each",
        )
        if len(articles) == 1:
            return redirect("admin:articles_article_change", articles[0].pk)
        return None
