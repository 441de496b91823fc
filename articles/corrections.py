"""
Telling readers of a change: an editor saves a published article silently (a typo),
as an update (a new "Updated" time, an optional note) or as a correction (the time
and a note, also listed on /corrections/).

The "Updated" time readers see (`Article.revised_at`) is set here and nowhere else,
so no other save moves it. The note keeps the revision saved with it (django-reversion,
see `articles.revisions`), for the desk to see exactly what was corrected.
"""

from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from . import publishing
from .models import ChangeNote

TOLD = set(ChangeNote.Kind.values)


def save_article(article, kind="silent", note="", by=None):
    """Store an editor's change (`publishing.save_article`) and what readers are told
    of it; returns the note, or None for a silent change."""
    with transaction.atomic():
        if kind not in TOLD:
            publishing.save_article(article, by=by)
            return None
        now = timezone.now()
        article.revised_at = now
        publishing.save_article(article, by=by)
        return ChangeNote.objects.create(
            article=article,
            kind=kind,
            note=note.strip(),
            revision=newest_revision(article),
            created_by=by,
            created_at=now,
        )


def newest_revision(article):
    """The revision the article's last save recorded, or None."""
    version = Version.objects.get_for_object(article).select_related("revision").first()
    return version.revision if version else None
