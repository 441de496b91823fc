"""When an article is on the site: its publish time and its unpublish time.

As Wagtail's `DraftStateMixin` (`go_live_at`, `expire_at`): a published article
appears by itself at `publish_at` and leaves by itself at `unpublish_at`, with no job
to run. `published_q()` is the one definition, used by `Article.objects.published()`;
the properties here mirror it for one article. "Scheduled" and "Taken down" are not
stored statuses: they are "published" with a time ahead or behind.
"""

from django.db import models
from django.utils import timezone

PUBLISHED = "published"


def published_q(now=None):
    """Articles readers may see at `now`."""
    now = now or timezone.now()
    return models.Q(status=PUBLISHED, publish_at__lte=now) & (
        models.Q(unpublish_at__isnull=True) | models.Q(unpublish_at__gt=now)
    )


def taken_down_q(now=None):
    """Published articles whose unpublish time has come."""
    return models.Q(status=PUBLISHED, unpublish_at__lte=now or timezone.now())


class Stage(models.TextChoices):
    """What an article is, as the desk reads it."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    TAKEN_DOWN = "taken_down", "Taken down"
    ARCHIVED = "archived", "Archived"


def stage_q(stage, now=None):
    """The articles at `stage` (a `Stage` value)."""
    now = now or timezone.now()
    return {
        Stage.SCHEDULED: models.Q(status=PUBLISHED, publish_at__gt=now),
        Stage.PUBLISHED: published_q(now),
        Stage.TAKEN_DOWN: taken_down_q(now),
    }.get(stage, models.Q(status=stage))


class SchedulingMixin:
    """Article's part in going live and coming down (fields are on `Article`)."""

    @property
    def is_published(self):
        """Mirror of `ArticleQuerySet.published()` for one article."""
        now = timezone.now()
        return (
            self.status == PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    @property
    def is_scheduled(self):
        return (
            self.status == PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def is_taken_down(self):
        """Past its unpublish time: its address answers 410 Gone."""
        return (
            self.status == PUBLISHED
            and self.unpublish_at is not None
            and self.unpublish_at <= timezone.now()
        )

    @property
    def stage(self):
        if self.is_scheduled:
            return Stage.SCHEDULED
        if self.is_taken_down:
            return Stage.TAKEN_DOWN
        return Stage(self.status)

    def clean_unpublish_time(self):
        """{field: message} when the unpublish time does not follow the publish time."""
        if self.unpublish_at and self.publish_at and self.unpublish_at <= self.publish_at:
            return {"unpublish_at": "The unpublish time must be after the publish time."}
        return {}
