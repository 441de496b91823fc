"""
Email subscriptions and the outbox. Editors can erase every subscription of an
address (a reader's request), and send a failed mail again.
"""

from django.contrib import admin, messages

from .. import subscriptions, tasks
from ..models import OutgoingMail, Subscription


class ConfirmedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("active", "Confirmed"), ("pending", "Not confirmed"), ("stopped", "Unsubscribed"))

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "pending":
            return queryset.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)
        if self.value() == "stopped":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "article", "comment", "confirmed", "created_at")
    list_filter = ("kind", ConfirmedFilter, ("article", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("article__category", "comment")
    search_fields = ("email",)
    date_hierarchy = "created_at"
    actions = ("erase_addresses",)
    fields = (
        "email",
        "kind",
        "article",
        "comment",
        "user",
        "confirmed_at",
        "unsubscribed_at",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # readers subscribe themselves, with their consent

    @admin.display(description="confirmed", boolean=True)
    def confirmed(self, subscription):
        return subscription.is_active

    @admin.action(
        description="Erase every subscription of the selected addresses",
        permissions=("delete",),
    )
    def erase_addresses(self, request, queryset):
        emails = set(queryset.values_list("email", flat=True))
        erased = subscriptions.erase(emails)
        self.message_user(
            request,
            f"{erased} subscription(s) of {len(emails)} address(es) erased.",
            messages.SUCCESS,
        )


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "created_at")
    search_fields = ("to", "subject", "key")
    date_hierarchy = "created_at"
    actions = ("send_again",)
    fields = (
        "key",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "body",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed mails again", permissions=("change",))
    def send_again(self, request, queryset):
        failed = list(
            queryset.filter(status=OutgoingMail.Status.FAILED).values_list("pk", flat=True)
        )
        OutgoingMail.objects.filter(pk__in=failed).update(
            status=OutgoingMail.Status.QUEUED, attempts=0
        )
        for pk in failed:
            tasks.enqueue_on_commit(tasks.send_email, pk)
        self.message_user(request, f"{len(failed)} mail(s) queued again.", messages.SUCCESS)
