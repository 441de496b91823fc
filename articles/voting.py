"""
Readers' votes: a rating of an article (1 to 5 stars) and an up or down vote on a
comment. Views call these; the votes' rules (one per reader and target, exact
figures, waiting guest votes, the daily bound per address) are the models' own
(`articles.models.votes`).

A new guest's vote waits for their cookie: the answer is `Cast(waiting=True)` and the
caller sends them to the confirming address, where `confirm_pending()` counts it.
"""

from dataclasses import dataclass

from .comments import TooFast
from .models import ArticleRating, CommentVote
from .ratelimit import Rule, allowed

RATING_READER_LIMIT = Rule(limit=10, period=60)
# Higher than a reader's: many guests may share one address (offices, mobile networks).
RATING_ADDRESS_LIMIT = Rule(limit=30, period=60)
COMMENT_VOTE_RULES = (Rule(limit=30, period=60),)
# Higher than a reader's: many readers may share one address (offices, mobile networks).
COMMENT_VOTE_ADDRESS_RULES = (Rule(limit=60, period=60),)


@dataclass(frozen=True)
class Cast:
    waiting: bool = False  # a new guest's vote, counted once their cookie comes back
    previous: int | None = None  # a rating's score before this vote
    score: int | None = None  # a comment's score after this vote


def check_rating_limits(reader, ip_hash):
    """Count a rating attempt; TooFast past the limits (also for a vote not yet valid)."""
    checks = [(reader.key, RATING_READER_LIMIT), (ip_hash, RATING_ADDRESS_LIMIT)]
    if not allowed("rate", checks):
        raise TooFast(RATING_READER_LIMIT.period)


def rate_article(article, reader, score, address_hash):
    """The reader's rating of the article. Raises TooManyVotesFromAddress."""
    if reader.is_new:
        ArticleRating.objects.hold(article, reader, score, address_hash)
        return Cast(waiting=True)
    return Cast(previous=ArticleRating.objects.rate(article, reader, score, address_hash))


def vote_on_comment(comment, reader, value, ip_hash, address_hash):
    """The reader's up (+1) or down (-1) vote on a comment; a second replaces the first.

    Raises TooFast and TooManyVotesFromAddress.
    """
    checks = [
        *((reader.key, rule) for rule in COMMENT_VOTE_RULES),
        *((ip_hash, rule) for rule in COMMENT_VOTE_ADDRESS_RULES),
    ]
    if not allowed("comment-vote", checks):
        raise TooFast(COMMENT_VOTE_RULES[0].period)
    if reader.is_new:
        CommentVote.objects.hold(comment, reader, value, address_hash)
        return Cast(waiting=True)
    return Cast(score=CommentVote.objects.vote(comment, reader, value, address_hash))
