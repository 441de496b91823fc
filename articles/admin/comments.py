"""
Comment moderation: the queue (pending first), approve / spam / remove on each row
and in bulk, "block this email", and blocked addresses. Every status change goes through
`articles.moderation`, as on the public site, so article counts stay exact.
Comment votes are listed to find and remove bursts; their comments' scores follow.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, OuterRef, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from .. import comments, moderation
from ..models import BlockedEmail, Comment, CommentReport, CommentVote
from .ratings import SameAddressFilter, VoteBurstsMixin


class ReportedFilter(admin.SimpleListFilter):
    """Comments readers reported (see articles/reports.py), or none did."""

    title = "reported"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return (("yes", "Reported"), ("no", "Not reported"))

    def queryset(self, request, queryset):
        reported = Exists(CommentReport.objects.filter(comment=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(reported)
        if self.value() == "no":
            return queryset.filter(~reported)
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Narrow enough for a 1,366 px screen beside the filters: who wrote it is one column.
    list_display = (
        "excerpt_column",
        "status_column",
        "article",
        "author_column",
        "posted_column",
    )
    list_filter = (
        "status",
        ReportedFilter,
        "is_featured",
        "created_at",
        ("article", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("article__category",)
    search_fields = ("body", "name", "email", "article__title")
    date_hierarchy = "created_at"
    # The queue first: pending comments, newest first, then everything else.
    ordering = (
        Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1)).asc(),
        "-created_at",
    )
    actions = (
        "approve_selected",
        "mark_spam_selected",
        "remove_selected",
        "block_emails",
        "feature_selected",
        "unfeature_selected",
    )
    fields = (
        "article",
        "in_reply_to",
        "name",
        "email",
        "user",
        "status",
        "is_featured",
        "quote",
        "body",
        "score",
        "created_at",
        "edited_at",
        "view_link",
        "reports_list",
    )
    readonly_fields = (
        "article",
        "in_reply_to",
        "user",
        "quote",
        "score",
        "created_at",
        "edited_at",
        "view_link",
        "reports_list",
    )

    # One press per row: the button, what moderation does, the word for it, the status it gives.
    DECISIONS = {
        "approve": ("Approve", moderation.approve, "approved", Comment.Status.APPROVED),
        "spam": ("Spam", moderation.mark_spam, "marked as spam", Comment.Status.SPAM),
        "remove": ("Remove", moderation.remove, "removed", Comment.Status.REMOVED),
    }

    def has_add_permission(self, request):
        return False  # readers write comments; editors answer on the site

    def get_urls(self):
        moderate = self.admin_site.admin_view(require_POST(self.moderate_view))
        return [
            path("<int:pk>/moderate/<str:decision>/", moderate, name="articles_comment_moderate"),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk, decision):
        """A row's Approve / Spam / Remove, back to the queue as it was filtered."""
        if decision not in self.DECISIONS:
            raise Http404("No such decision.")
        comment = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        _, decide, done, _ = self.DECISIONS[decision]
        self._done(request, decide(Comment.objects.filter(pk=comment.pk)), done)
        queue = reverse("admin:articles_comment_changelist")
        filters = request.GET.get("_changelist_filters")
        return redirect(f"{queue}?{filters}" if filters else queue)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_count=Count("reports"))

    @admin.display(description="readers' reports")
    def reports_list(self, comment):
        """Each report: its reason, the reader's note, whether an account or a guest sent it."""
        reports = comment.reports.order_by("created_at")
        if not reports:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} ({}, {}){}</li>",
                (
                    (
                        report.get_reason_display(),
                        "an account" if report.user_id else "a guest",
                        date_format(timezone.localtime(report.created_at), "j M Y, H:i"),
                        format_html(": “{}”", report.note) if report.note else "",
                    )
                    for report in reports
                ),
            ),
        )

    def get_list_display(self, request):
        return (*super().get_list_display(request), self.moderate_column(request))

    def moderate_column(self, request):
        """Buttons of the queue's own form (its CSRF token goes with them), no script needed;
        the queue's filters ride along, so the editor comes back to the same list."""
        query = request.GET.urlencode()
        back = "?" + urlencode({"_changelist_filters": query}) if query else ""

        @admin.display(description="moderate")
        def buttons(comment):
            # Each button names its comment: a screen reader's list of buttons is
            # otherwise "Approve, Spam, Remove" over and over.
            return format_html_join(
                "",
                '<button type="submit" class="button" formmethod="post" formaction="{}" '
                'aria-label="{} the comment by {}">{}</button>',
                (
                    (
                        reverse("admin:articles_comment_moderate", args=[comment.pk, key]) + back,
                        label,
                        comment.name,
                        label,
                    )
                    for key, (label, _, _, status) in self.DECISIONS.items()
                    if comment.status != status
                ),
            )

        return buttons

    @admin.display(description="comment")
    def excerpt_column(self, comment):
        return comment.excerpt

    @admin.display(description="from", ordering="name")
    def author_column(self, comment):
        """Name over address; the name isolated, so one written right to left cannot
        turn the row around."""
        return format_html(
            '<bdi>{}</bdi><br><span class="email">{}</span>', comment.name, comment.email
        )

    @admin.display(description="posted", ordering="created_at")
    def posted_column(self, comment):
        posted = timezone.localtime(comment.created_at)
        return format_html("{}<br>{}", date_format(posted, "j M Y"), date_format(posted, "H:i"))

    @admin.display(description="status", ordering="status")
    def status_column(self, comment):
        """The status, readers' score where they voted, and their reports where any
        (under the status: the queue must fit beside its filters on a laptop)."""
        notes = []
        if comment.score:
            notes.append(f"score {comment.score}")
        if comment.report_count:
            notes.append(f"reported {comment.report_count}×")
        return format_html(
            "{}{}",
            comment.get_status_display(),
            format_html_join("", '<br><span class="score">{}</span>', ((n,) for n in notes)),
        )

    @admin.display(description="in reply to")
    def in_reply_to(self, comment):
        return comment.parent or "—"

    @admin.display(description="on site")
    def view_link(self, comment):
        return format_html('<a href="{}">View</a>', comment.get_absolute_url())

    def save_model(self, request, obj, form, change):
        """A status chosen in the form goes through moderation, so the count follows; an
        editor's pick too (only an approved comment can be one), so the pages follow."""
        new_status, featured = obj.status, obj.is_featured
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]
        if change and "is_featured" in form.changed_data:
            obj.is_featured = form.initial["is_featured"]
        if change and "body" in form.changed_data:
            comments.edit_comment(obj, obj.body, request.user)
        else:
            obj.save()
        moderation.set_status([obj.pk], new_status)
        if change and "is_featured" in form.changed_data:
            moderation.set_featured([obj.pk], featured)
        obj.status, obj.is_featured = new_status, featured

    @admin.action(description="Make selected comments editor's picks", permissions=("change",))
    def feature_selected(self, request, queryset):
        self._done(request, moderation.set_featured(queryset), "made editor's picks")

    @admin.action(description="Take selected comments off editor's picks", permissions=("change",))
    def unfeature_selected(self, request, queryset):
        self._done(request, moderation.set_featured(queryset, False), "taken off editor's picks")

    def delete_model(self, request, obj):
        moderation.delete(Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        moderation.delete(queryset)

    def _done(self, request, count, what):
        self.message_user(request, f"{count} comment{pluralize(count)} {what}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=("change",))
    def approve_selected(self, request, queryset):
        self._done(request, moderation.approve(queryset), "approved")

    @admin.action(description="Mark selected comments as spam", permissions=("change",))
    def mark_spam_selected(self, request, queryset):
        self._done(request, moderation.mark_spam(queryset), "marked as spam")

    @admin.action(description="Remove selected comments", permissions=("change",))
    def remove_selected(self, request, queryset):
        self._done(request, moderation.remove(queryset), "removed")

    @admin.action(
        description="Block the email addresses of selected comments (and mark them as spam)",
        permissions=("change",),
    )
    def block_emails(self, request, queryset):
        emails = set(queryset.values_list("email", flat=True))
        added = moderation.block_emails(emails, reason="Blocked from the comment queue")
        spam = moderation.mark_spam(queryset)
        self.message_user(
            request,
            f"{added} address{pluralize(added, 'es')} blocked; "
            f"{spam} comment{pluralize(spam)} marked as spam.",
            messages.SUCCESS,
        )


@admin.register(BlockedEmail)
class BlockedEmailAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "created_at")
    search_fields = ("email", "reason")
    fields = ("email", "reason")


@admin.register(CommentVote)
class CommentVoteAdmin(VoteBurstsMixin, admin.ModelAdmin):
    """Votes are read and removed here, never written: readers cast them."""

    list_display = ("comment", "article", "value", "reader", "same_address_column", "created_at")
    list_filter = (SameAddressFilter, "value", "created_at")
    list_select_related = ("comment__article",)
    search_fields = ("comment__article__title",)
    date_hierarchy = "created_at"
    fields = ("comment", "article", "value", "reader", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="article", ordering="comment__article")
    def article(self, vote):
        return vote.comment.article

    @admin.display(description="reader")
    def reader(self, vote):
        return vote.reader_kind
