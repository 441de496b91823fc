from .articles import Agency, Article
from .categories import Category
from .people import Author
from .redirects import ArticleRedirect
from .site import SiteSettings

__all__ = ["Agency", "Article", "ArticleRedirect", "Author", "Category", "SiteSettings"]
