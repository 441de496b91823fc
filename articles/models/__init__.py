from .articles import Agency, Article
from .categories import Category
from .people import Author
from .site import SiteSettings

__all__ = ["Agency", "Article", "Author", "Category", "SiteSettings"]
