from .agencies import Agency
from .articles import Article
from .blocklist import BlockedEmail
from .bylines import ArticleByline as ArticleByline  # re-exported
from .categories import Category
from .comment_reports import CommentReport
from .comments import Comment, CommentVote
from .corrections import ChangeNote
from .inline import FeedbackQuestion
from .mail import OutgoingMail
from .people import Author
from .previews import PreviewLink as PreviewLink  # re-exported
from .ratelimits import RateCounter
from .ratings import ArticleRating
from .readership import DailyViews
from .redirects import ArticleRedirect
from .revisions import ArticleRevision
from .site import SiteSettings
from .story_people import StoryMember as StoryMember  # re-exported
from .submissions import Pack, Submission, SubmissionEvent, SubmissionImage
from .subscriptions import Subscription
from .suggestions import ChangeSuggestion as ChangeSuggestion  # re-exported

__all__ = [
    "Agency",
    "Article",
    "ArticleRating",
    "ArticleRedirect",
    "ArticleRevision",
    "Author",
    "BlockedEmail",
    "Category",
    "ChangeNote",
    "Comment",
    "CommentReport",
    "CommentVote",
    "DailyViews",
    "FeedbackQuestion",
    "OutgoingMail",
    "Pack",
    "RateCounter",
    "SiteSettings",
    "Submission",
    "SubmissionEvent",
    "SubmissionImage",
    "Subscription",
]
