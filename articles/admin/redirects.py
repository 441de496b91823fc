from django.contrib import admin
from django.utils.html import format_html

from ..models import ArticleRedirect


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    """Old article addresses: recorded when a slug or section changes, kept forever."""

    list_display = ("old_path", "article", "current_address", "created_at")
    list_select_related = ("article__category",)
    search_fields = ("old_path", "article__title")
    date_hierarchy = "created_at"
    autocomplete_fields = ("article",)
    fields = ("old_path", "article")

    @admin.display(description="now answers with")
    def current_address(self, redirect):
        url = redirect.article.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)
