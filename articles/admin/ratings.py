"""
Article rating in the admin: the figures on each article, the votes in a list
(no personal data), filters for bursts (many votes in a short time, or from one
address on one day) and removals that keep the figures exact.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import F, Q
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..models import ArticleRating
from ..models.votes import ADDRESS_VOTES_PER_DAY

# (votes, within): a vote is in a burst when the article got at least `votes`
# votes within `within` before or after it, e.g. a reader clearing cookies to vote again.
BURSTS = {
    "minute": (10, timedelta(minutes=1), "10+ votes on the article within a minute"),
    "hour": (50, timedelta(hours=1), "50+ votes on the article within an hour"),
}


class BurstFilter(admin.SimpleListFilter):
    title = "burst"
    parameter_name = "burst"

    def lookups(self, request, model_admin):
        return [(name, label) for name, (_, _, label) in BURSTS.items()]

    def queryset(self, request, queryset):
        if self.value() in BURSTS:
            votes, within, _ = BURSTS[self.value()]
            return queryset.in_bursts(votes, within)
        return queryset


class SameAddressFilter(admin.SimpleListFilter):
    """Guest votes on one article from one address on one day (votes carry only a hash of
    the address whose key changes daily), with at least as many others as chosen."""

    title = "votes from one address that day"
    parameter_name = "same_address"
    AT_LEAST = {"10": 10, "50": ADDRESS_VOTES_PER_DAY}

    def lookups(self, request, model_admin):
        return [
            ("10", "10 or more on the article"),
            ("50", f"{ADDRESS_VOTES_PER_DAY}, the daily limit, on the article"),
        ]

    def queryset(self, request, queryset):
        if self.value() in self.AT_LEAST:
            return queryset.filter(same_address__gte=self.AT_LEAST[self.value()])
        return queryset


class VoteBurstsMixin:
    """For the votes' lists: how many votes share each one's address and day, and removal
    through the queryset's `remove()`, so the figures they count in follow."""

    actions = ("remove_selected",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_same_address()

    @admin.display(description="votes from one address that day", ordering="same_address")
    def same_address_column(self, vote):
        return vote.same_address or "–"

    @admin.action(description="Remove selected votes (the counts follow)", permissions=("delete",))
    def remove_selected(self, request, queryset):
        removed = queryset.remove()
        self.message_user(request, f"{removed} vote{pluralize(removed)} removed.", messages.SUCCESS)

    def delete_model(self, request, obj):
        type(obj).objects.filter(pk=obj.pk).remove()

    def delete_queryset(self, request, queryset):
        queryset.remove()


class ReaderKindFilter(admin.SimpleListFilter):
    title = "reader"
    parameter_name = "reader"
    KINDS = {
        "user": Q(user__isnull=False),
        "guest": ~Q(reader_hash=""),
        "deleted": Q(user__isnull=True, reader_hash=""),
    }

    def lookups(self, request, model_admin):
        return [("user", "Signed-in"), ("guest", "Guest"), ("deleted", "Deleted account")]

    def queryset(self, request, queryset):
        if self.value() in self.KINDS:
            return queryset.filter(self.KINDS[self.value()])
        return queryset


@admin.register(ArticleRating)
class ArticleRatingAdmin(VoteBurstsMixin, admin.ModelAdmin):
    """Votes are read and removed here, never written: readers cast them."""

    list_display = ("article", "score", "reader", "same_address_column", "created_at", "updated_at")
    list_filter = (BurstFilter, SameAddressFilter, ReaderKindFilter, "score", "created_at")
    list_select_related = ("article",)
    search_fields = ("article__title",)
    date_hierarchy = "created_at"
    fields = ("article", "score", "reader", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="reader")
    def reader(self, vote):
        return vote.reader_kind


class RatingFiguresMixin:
    """For `ArticleAdmin`: the rating figures on the list and form, and a reset action."""

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "rating_figures")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, ("Article Rating", {"fields": ("rating_figures",)}))

    @admin.display(
        description="rating",
        ordering=F("rating_1") + F("rating_2") + F("rating_3") + F("rating_4") + F("rating_5"),
    )
    def rating_column(self, article):
        if not article.rating_count:
            return "–"
        return f"{article.rating_average:.1f} ({article.rating_count})"

    @admin.display(description="figures")
    def rating_figures(self, article):
        count = article.rating_count
        if not count:
            return "No votes yet."
        histogram = format_html_join(
            " · ", "{}★ {}", ((score, votes) for score, votes in article.rating_histogram)
        )
        votes_url = reverse("admin:articles_articlerating_changelist")
        return format_html(
            '{} from {} vote{} — {} — <a href="{}?article__id__exact={}">see the votes</a>',
            f"{article.rating_average:.1f}",
            count,
            "" if count == 1 else "s",
            histogram,
            votes_url,
            article.pk,
        )

    @admin.action(
        description="Reset the rating of selected articles (deletes their votes)",
        permissions=("reset_rating",),
    )
    def reset_rating(self, request, queryset):
        removed = sum(ArticleRating.objects.reset(article) for article in queryset)
        self.message_user(
            request,
            f"Reset the rating of {len(queryset)} article{pluralize(len(queryset))}; "
            f"{removed} vote{pluralize(removed)} deleted.",
            messages.SUCCESS,
        )

    def has_reset_rating_permission(self, request):
        return request.user.has_perm("articles.delete_articlerating")
