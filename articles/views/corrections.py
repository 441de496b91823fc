"""/corrections/: every correction on the site, newest first, as newsrooms publish them."""

from django.conf import settings
from django.views.generic import ListView

from .. import pagecache, pagination
from ..models import ChangeNote


class CorrectionListView(ListView):
    """Corrections of published articles, a page at a time (by keyset, as archives)."""

    template_name = "articles/correction_list.html"
    context_object_name = "corrections"
    keyset_ordering = ("-created_at", "-id")

    def get_paginate_by(self, queryset):
        return settings.MAGAZINE_ARTICLES_PER_PAGE

    def get_queryset(self):
        # A new correction, or an article published, unpublished or moved, changes it.
        pagecache.depends_on(self.request, "corrections", "articles", "site")
        return ChangeNote.objects.corrections().public().select_related("article__category")

    def paginate_queryset(self, queryset, page_size):
        page = pagination.paginate(queryset, self.keyset_ordering, page_size, self.request.GET)
        return None, page, page.object_list, page.has_previous or page.has_next
