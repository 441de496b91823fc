from .articles import Agency, Article
from .categories import Category
from .people import Author
from .ratings import ArticleRating
from .site import SiteSettings

__all__ = ["Agency", "Article", "ArticleRating", "Author", "Category", "SiteSettings"]
