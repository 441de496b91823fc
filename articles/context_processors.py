from django.utils.functional import SimpleLazyObject

from .models import Category, SiteSettings


def site(request):
    """Site wording and the top-level sections, on every page, usually without a query;
    looked up only by pages that show them (an article's kept chrome does not)."""
    return {
        "site_settings": SimpleLazyObject(SiteSettings.load),
        "navigation": SimpleLazyObject(Category.objects.navigation),
    }
