from .models import Category, SiteSettings


def site(request):
    """Site wording and the top-level sections, on every page, usually without a query."""
    return {
        "site_settings": SiteSettings.load(),
        "navigation": Category.objects.navigation(),
    }
