from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models.functions import Lower
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from taggit.managers import TaggableManager

from .. import corrections, media, newsroom_time, publishing, roles
from ..forms.articles import ArticleAdminForm, AuthorAdminForm
from ..models import Agency, Article, Author, Category, SiteSettings
from ..models.scheduling import Stage, published_q, stage_q
from . import media as library_admin  # noqa: F401 (registers the library's admin)
from . import suggestions
from .body_media import LibraryImagesMixin
from .bylines import BylinesAdminMixin
from .editing import ArticleEditingMixin
from .inline import InlineFeedbackMixin
from .ratings import RatingFiguresMixin
from .readership import ReadingFiguresMixin
from .review import ReviewStepsMixin
from .story_people import StoryMemberInline
from .widgets import FeaturedImageField, TagAutocompleteWidget

WRITER_STATUSES = (Article.Status.DRAFT, Article.Status.IN_REVIEW)
# Into and out of review only by the desk's steps, which write the history and tell people.
EDITOR_STATUSES = (Article.Status.DRAFT, Article.Status.PUBLISHED, Article.Status.ARCHIVED)
CHANGE_FIELDSET = (
    "Readers are told",
    {
        "fields": ("change_kind", "change_note"),
        "description": "This article is on the site: say whether readers should know of "
        "this change.",
    },
)


class StageFilter(admin.SimpleListFilter):
    """What each story is: Draft, In review, Scheduled, Published, Taken down, Archived."""

    title = "status"
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return Stage.choices

    def queryset(self, request, queryset):
        if self.value() in Stage.values:
            return queryset.at_stage(self.value())
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The sections; their order and whether each has a row on the home page are edited
    in the list, all at once."""

    list_display = ("__str__", "slug", "order", "on_front")
    list_editable = ("order", "on_front")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ("name", "slug", "account")
    list_filter = (("user", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("name", "slug", "user__username", "user__email")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)

    @admin.display(description="signs in as", ordering="user__username")
    def account(self, author):
        """The user account behind the byline, or that it is a guest's."""
        if author.user is None:
            return "Guest author (no account)"
        url = reverse("admin:auth_user_change", args=[author.user.pk])
        return format_html('<a href="{}">{}</a>', url, author.user.get_username())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        form.discard_kept_uploads()  # stored for good now


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "url")
    search_fields = ("name",)


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ("site_name", "tagline")
    autocomplete_fields = ("lead_article",)

    def get_fieldsets(self, request, obj=None):
        sections = format_html(
            'The sections\' rows under the lead, and their order, are set in the <a href="{}">'
            "list of sections</a>.",
            reverse("admin:articles_category_changelist"),
        )
        return (
            (None, {"fields": ("site_name", "tagline", "description", "call_to_action")}),
            ("Home page", {"fields": ("lead_article",), "description": sections}),
            ("Reading figures", {"fields": ("count_readers",)}),
        )

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(
    BylinesAdminMixin,
    ReviewStepsMixin,
    ArticleEditingMixin,
    LibraryImagesMixin,
    InlineFeedbackMixin,
    ReadingFiguresMixin,
    RatingFiguresMixin,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    inlines = (*InlineFeedbackMixin.inlines, StoryMemberInline)  # and "Other authors"
    empty_value_display = "—"
    # Narrow enough for a 1,366 px screen beside the filters: the link to the page
    # stands under the status, the time in two lines.
    list_display = (
        "title",
        "status_label",
        "category",
        "author",
        "publish_column",
        "rating_column",
    )
    list_filter = (StageFilter, "category", "author", "comments_enabled", "rating_enabled")
    list_select_related = ("category", "author")
    search_fields = ("title", "standfirst", "slug")
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("category", "author", "agencies")
    actions = ("publish_selected", "unpublish_selected", "reset_rating")
    formfield_overrides = {TaggableManager: {"widget": TagAutocompleteWidget}}
    fieldsets = (
        (None, {"fields": ("title", "slug", "standfirst", "body")}),
        ("Placement", {"fields": ("category", "tags", "author", "agencies")}),
        (
            "Featured image",
            {"fields": ("image", "image_alt", "image_caption", "image_credit")},
        ),
        (
            "Publishing",
            {
                "fields": (
                    "status",
                    "publishing_times",
                    ("publish_at", "unpublish_at"),
                    "comments_enabled",
                    "rating_enabled",
                )
            },
        ),
        ("Search engines", {"classes": ("collapse",), "fields": ("seo_title", "meta_description")}),
    )

    def get_urls(self):
        # A writer's "Suggest a change" to a published story (`admin.suggestions`).
        return [*suggestions.extra_urls(self.admin_site.admin_view), *super().get_urls()]

    # Writers: their own articles, drafts and reviews only.

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.can_publish(request.user):
            return queryset
        return queryset.on_story(request.user)

    def get_search_results(self, request, queryset, search_term):
        """The site settings' lead-story picker offers only stories readers see, or will
        see when their time comes: a draft picked would never lead the front."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "sitesettings":
            queryset = queryset.filter(published_q() | stage_q(Stage.SCHEDULED))
        return queryset, may_have_duplicates

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or roles.can_publish(request.user):
            return True
        return obj.status in WRITER_STATUSES

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or roles.can_publish(request.user) or obj.status in WRITER_STATUSES

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_published:
            return (*fieldsets[:1], CHANGE_FIELDSET, *fieldsets[1:])
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = (*super().get_readonly_fields(request, obj), "publishing_times")
        # Writers move a story with the review buttons (`articles.workflow`), not here;
        # editors too while it is in review (approve, publish now or send back).
        if not roles.can_publish(request.user):
            return (*readonly, "status", "publish_at", "unpublish_at")
        if obj is not None and obj.status == Article.Status.IN_REVIEW:
            return (*readonly, "status")
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            return FeaturedImageField(
                rel=db_field.remote_field,
                admin_site=self.admin_site,
                required=False,
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
            )
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("publish_at", "unpublish_at") and formfield is not None:
            formfield.help_text += f" In the newsroom’s time: {newsroom_time.zone_name()}."
        return formfield

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            statuses = EDITOR_STATUSES if roles.can_publish(request.user) else WRITER_STATUSES
            kwargs["choices"] = [(s.value, s.label) for s in statuses]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not roles.can_publish(request.user) and obj.status not in WRITER_STATUSES:
            raise PermissionDenied("Only editors can publish, schedule or archive articles.")
        if not change:
            obj.created_by = request.user
        upload = form.cleaned_data.get("image")
        if isinstance(upload, File):  # uploaded here: it goes into the library
            obj.image = media.add_image(
                upload,
                alt=obj.image_alt,
                caption=obj.image_caption,
                credit=obj.image_credit,
                uploaded_by=request.user,
            )
        kind, note = form.cleaned_data.get("change_kind"), form.cleaned_data.get("change_note")
        corrections.save_article(obj, kind or "silent", note or "", by=request.user)
        form.discard_kept_uploads()  # stored for good now
        for message in _times_ahead(obj):
            self.message_user(request, message, messages.INFO)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The tags were saved after the article: search must know them.
        Article.objects.filter(pk=form.instance.pk).refresh_search_text()

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        """What it is (a scheduled one with the time left), and the page: "View" when
        readers see it, else "Preview"."""
        stage = article.stage
        if article.is_published:
            label, url = "View", article.get_absolute_url()
        else:
            label, url = "Preview", article.get_preview_url()
        if stage == Stage.SCHEDULED:
            left = newsroom_time.time_left(article.publish_at)
            return format_html('{}<br>{}<br><a href="{}">{}</a>', stage.label, left, url, label)
        return format_html('{}<br><a href="{}">{}</a>', stage.label, url, label)

    @admin.display(description="publish time", ordering="publish_at")
    def publish_column(self, article):
        if article.publish_at is None:
            return self.empty_value_display
        when = newsroom_time.local(article.publish_at)
        return format_html(
            '{}<br>{} <abbr title="{}">{}</abbr>',
            date_format(when, "j M Y"),
            date_format(when, "H:i"),
            newsroom_time.zone_name(),
            date_format(when, "T"),
        )

    @admin.display(description="when")
    def publishing_times(self, article):
        """When it goes live and comes down, in the newsroom's zone, with the time left."""
        lines = _times_ahead(article, time_left=True) if article.pk else []
        if article.pk and article.is_published and article.publish_at:
            lines.insert(0, f"Published on {newsroom_time.when(article.publish_at)}.")
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "—"

    @admin.action(description="Publish selected articles now", permissions=("publish",))
    def publish_selected(self, request, queryset):
        ready, rough = [], []
        for article in queryset.order_by(Lower("title")):
            (rough if article.missing_for_publishing() else ready).append(article)
        for article in ready:
            publishing.publish(article, by=request.user)
        self.message_user(
            request, f"Published {len(ready)} article{pluralize(len(ready))}.", messages.SUCCESS
        )
        if rough:
            self.message_user(request, _not_published_message(rough), messages.WARNING)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=("publish",)
    )
    def unpublish_selected(self, request, queryset):
        for article in queryset:
            publishing.unpublish(article, by=request.user)
        self.message_user(
            request,
            f"Unpublished {len(queryset)} article{pluralize(len(queryset))}.",
            messages.SUCCESS,
        )


def _times_ahead(article, time_left=False):
    """“Will be published on Tue 1 Dec 2026, 14:00 (Europe/Minsk).” and the like
    (with `time_left`: “…, in 3 hours.”)."""
    now, lines = timezone.now(), []

    def ahead(value):
        when = newsroom_time.when(value)
        return f"{when}, {newsroom_time.time_left(value, now)}." if time_left else f"{when}."

    if article.is_scheduled:
        lines.append(f"Will be published on {ahead(article.publish_at)}")
    if article.status == Article.Status.PUBLISHED and article.unpublish_at:
        if article.unpublish_at > now:
            lines.append(f"Will be taken down on {ahead(article.unpublish_at)}")
        else:
            lines.append(f"Taken down on {newsroom_time.when(article.unpublish_at)}.")
    return lines


def _not_published_message(rough):
    """“1 not published: A (no section)”: what each rough draft still lacks."""
    lacks = {
        frozenset({"category"}): "no section",
        frozenset({"author"}): "no byline",
        frozenset({"category", "author"}): "no section or byline",
    }
    listed = ", ".join(
        f"{article.title} ({lacks[frozenset(article.missing_for_publishing())]})"
        for article in rough
    )
    return f"{len(rough)} not published: {listed}. Give them a section and a byline first."
