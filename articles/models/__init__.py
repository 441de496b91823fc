from .articles import Agency, Article
from .categories import Category
from .people import Author
from .site import SiteSettings
from .submissions import Pack, Submission, SubmissionEvent, SubmissionImage

__all__ = [
    "Agency",
    "Article",
    "Author",
    "Category",
    "Pack",
    "SiteSettings",
    "Submission",
    "SubmissionEvent",
    "SubmissionImage",
]
