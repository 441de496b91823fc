from .articles import Agency, Article
from .categories import Category
from .comments import BlockedEmail, Comment, CommentVote
from .mail import OutgoingMail
from .people import Author
from .ratings import ArticleRating
from .site import SiteSettings
from .subscriptions import Subscription

__all__ = [
    "Agency",
    "Article",
    "ArticleRating",
    "Author",
    "BlockedEmail",
    "Category",
    "Comment",
    "CommentVote",
    "OutgoingMail",
    "SiteSettings",
    "Subscription",
]
