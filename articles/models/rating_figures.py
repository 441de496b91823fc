"""An article's rating figures, read from its denormalized per-score counters."""

# Votes per score, kept by `ArticleRating.objects` with F() updates (models/ratings.py).
RATING_FIELDS = ("rating_1", "rating_2", "rating_3", "rating_4", "rating_5")


class RatingFiguresMixin:
    """The histogram, count and mean of an article's stars, with no query."""

    @property
    def rating_histogram(self):
        """(score, votes) from 5 down to 1."""
        return [(score, getattr(self, f"rating_{score}")) for score in range(5, 0, -1)]

    @property
    def rating_count(self):
        return sum(votes for _, votes in self.rating_histogram)

    @property
    def rating_average(self):
        """The mean score, 0.0 before the first vote."""
        count = self.rating_count
        return sum(s * votes for s, votes in self.rating_histogram) / count if count else 0.0
