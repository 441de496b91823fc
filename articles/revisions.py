"""Revisions of articles: record, autosave, compare, restore, merge.

Storage is django-reversion's (a `Revision` with who and when, a `Version` with the
article's editable fields as JSON); `ArticleRevision` adds the kind of save, the tag
names, the other authors (ids in byline order) and an autosave's form as typed. Every save path records one: the admin's form
(`articles.publishing.save_article`), its actions, a restore and accepting a
submission. An autosave is stored as a revision only, so what readers see never
changes before an editor saves.

The "version" a change form is opened on is the id of the article's newest saved
(not autosaved) revision; a save against an older one is merged (`diffs.three_way`).
"""

import datetime
import json

import reversion
from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from reversion.models import Revision

from . import diffs, richtext
from .models import Article, ArticleRevision, Author
from .models.revisions import REVISION_FIELDS

Kind = ArticleRevision.Kind

# What a restore brings back: the content. Status, publish time, address and the
# comment and rating switches stay as they are now.
RESTORED_FIELDS = (
    "title",
    "standfirst",
    "body",
    "category",
    "author",
    "agencies",
    "tags",
    "bylines",
    "image",
    "image_alt",
    "image_caption",
    "image_credit",
    "seo_title",
    "meta_description",
)
SNAPSHOT_FIELDS = (*REVISION_FIELDS, "tags", "bylines")


def record(article, by=None, kind=Kind.SAVE, **meta):
    """Store the article as it is now (tags, agencies and other authors from the
    database) as a revision."""
    tags = meta.pop("tags", None)
    agencies = meta.pop("agencies", None)
    bylines = meta.pop("bylines", None)
    with reversion.create_revision(manage_manually=True):
        reversion.add_to_revision(article)
        reversion.set_user(by if by is not None and by.pk else None)
        reversion.set_comment(Kind(kind).label)
        reversion.add_meta(
            ArticleRevision,
            article=article,
            kind=kind,
            tags=sorted(tags if tags is not None else article.tags.names()),
            bylines=bylines if bylines is not None else article.co_author_ids(),
            **meta,
        )
    saved = ArticleRevision.objects.filter(article=article).latest("pk")
    if agencies is not None:
        _store_agencies(saved, agencies)
    return saved


def amend_relations(article):
    """The admin saves tags, agencies and other authors after the article: its newest
    revision learns them."""
    latest = ArticleRevision.objects.saved().filter(article=article).first()
    if latest is None:
        return
    latest.tags = sorted(article.tags.names())
    latest.bylines = article.co_author_ids()
    latest.save(update_fields=["tags", "bylines"])
    _store_agencies(latest, list(article.agencies.values_list("pk", flat=True)))


def _store_agencies(saved, agencies):
    version = saved.revision.version_set.get()
    data = json.loads(version.serialized_data)
    data[0]["fields"]["agencies"] = sorted(agencies)
    version.serialized_data = json.dumps(data)
    version.save(update_fields=["serialized_data"])


def current_version(article):
    """The id of the article's newest saved revision, or None before the first."""
    return (
        ArticleRevision.objects.saved().filter(article=article).values_list("pk", flat=True).first()
    )


def ensure_version(article):
    """The current version, recording the article as it is if it has no revision yet."""
    return current_version(article) or record(article).pk


def locked_version(article):
    """The current version, with the article's row locked until the transaction ends,
    so that two saves cannot both pass the check against it."""
    Article.objects.select_for_update().filter(pk=article.pk).exists()
    return current_version(article)


def autosave(article, form_data, by, base=None, tags=None, agencies=None):
    """Keep a form as typed (its valid fields already on `article`, which is not saved).

    Returns the new revision, or None when the form is as this editor's last autosave.
    """
    last = history(article).autosaves().filter(revision__user=by).first()
    if (
        last is not None
        and last.form_data == form_data
        and last.pk > (current_version(article) or 0)
    ):
        return None
    saved = record(
        article,
        by,
        Kind.AUTOSAVE,
        form_data=form_data,
        base_id=base,
        tags=tags,
        agencies=agencies,
    )
    prune_autosaves()
    return saved


def autosave_offer(article, user):
    """The user's newest autosave made after their own last save, or None.

    Someone else's save does not withdraw it: restored, the form keeps the version it
    was opened on, so its save merges with theirs.
    """
    own = ArticleRevision.objects.saved().filter(article=article, revision__user=user)
    after = own.values_list("pk", flat=True).first() or 0
    return history(article).autosaves().filter(revision__user=user, pk__gt=after).first()


def saved_revision_of(article, revision_id):
    """The article's saved (not autosaved) revision of that id, or None."""
    if revision_id is None:
        return None
    return ArticleRevision.objects.saved().filter(article=article, pk=revision_id).first()


def prune_autosaves(now=None):
    """Forget autosaves older than MAGAZINE_AUTOSAVE_KEEP_DAYS (kept for ever if None)."""
    days = getattr(settings, "MAGAZINE_AUTOSAVE_KEEP_DAYS", None)
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = ArticleRevision.objects.autosaves().filter(created_at__lt=cutoff)
    deleted, _ = Revision.objects.filter(article_revision__in=old).delete()
    return deleted


def history(article):
    return ArticleRevision.objects.filter(article=article).with_versions()


# Snapshots: an article's fields as plain values (ids, file names, sorted lists).


def snapshot(article):
    """The article as it is in memory (agencies and tags as stored)."""
    values = {}
    for name in REVISION_FIELDS:
        field = Article._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(article.agencies.values_list("pk", flat=True))
        else:
            values[name] = plain(field, getattr(article, field.attname))
    values["tags"] = sorted(article.tags.names())
    values["bylines"] = article.co_author_ids()
    return values


def snapshot_of(saved):
    """The article as a revision kept it."""
    stored = saved.version.field_dict
    values = {}
    for name in REVISION_FIELDS:
        field = Article._meta.get_field(name)
        value = stored.get(field.attname, [] if field.many_to_many else None)
        values[name] = sorted(value) if field.many_to_many else plain(field, value)
    values["tags"] = sorted(saved.tags)
    values["bylines"] = list(saved.bylines or [])  # in order: the order is the byline's
    return values


def plain(field, value):
    if isinstance(field, models.FileField):
        return getattr(value, "name", value) or ""
    return value


def merge(base_id, article, yours):
    """Three-way merge of the fields in `yours` against the article now (theirs).

    Returns (merged, conflicts, original, theirs) or None when `base_id` is current.
    """
    current = locked_version(article)
    if not base_id or base_id == current:
        return None
    opened = ArticleRevision.objects.saved().filter(pk=base_id, article=article).first()
    if opened is None:
        return None
    original = snapshot_of(opened)
    theirs = snapshot(Article.objects.get(pk=article.pk))
    merged, conflicts = diffs.three_way(original, theirs, yours, same_value)
    return merged, conflicts, original, theirs


def last_saved_by(article):
    latest = (
        ArticleRevision.objects.saved().filter(article=article).select_related("revision__user")
    )
    saved = latest.first()
    return saved.revision.user if saved else None


@transaction.atomic
def apply(article, saved):
    """Set the article's content (tags and agencies included) to a revision's.

    The caller saves the article (`publishing.restore`), so that the restore is a
    new revision and nothing after it is lost.
    """
    values = snapshot_of(saved)
    for name in RESTORED_FIELDS:
        if name == "tags":
            article.tags.set(values["tags"])
        elif name == "bylines":
            article.set_co_authors(values["bylines"])  # those still in the newsroom
        elif name == "agencies":
            article.agencies.set(values["agencies"])
        elif name == "image":
            _restore_image(article, values["image"])
        else:
            setattr(article, Article._meta.get_field(name).attname, values[name])


def _restore_image(article, image_id):
    """The revision's featured image (a library image), if the library still has it."""
    field = Article._meta.get_field("image")
    if image_id == article.image_id:
        return
    if image_id is None or field.related_model.objects.filter(pk=image_id).exists():
        article.image_id = image_id


# Showing revisions: each field as text an editor reads, and what changed.


def label(name):
    if name == "tags":
        return "Tags"
    if name == "bylines":
        return "Other authors"
    return str(Article._meta.get_field(name).verbose_name).capitalize()


def display(name, value):
    """A field's plain value as text: names for ids, the body's visible text."""
    if name == "body":
        return diffs.visible_text(value)
    if name == "tags":
        return ", ".join(value or [])
    if name == "bylines":
        names = dict(Author.objects.filter(pk__in=value or []).values_list("pk", "name"))
        return ", ".join(names[pk] for pk in value or [] if pk in names)
    if isinstance(value, File):
        return f"A new upload: {value.name}"
    field = Article._meta.get_field(name)
    if field.many_to_many:
        names = field.related_model.objects.filter(pk__in=value or []).values_list(
            "name", flat=True
        )
        return ", ".join(sorted(names))
    if field.is_relation:
        return str(field.related_model.objects.filter(pk=value).first() or "")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%-d %B %Y, %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def same_value(name, a, b):
    """Whether two values of a field are the same to an editor: the body by its
    sanitized markup (bold, a link or a figure is a change, however it is spelled),
    times to the second (the form has no microseconds)."""
    if name == "body":
        return diffs.canonical_html(richtext.sanitize(a)) == diffs.canonical_html(
            richtext.sanitize(b)
        )
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        return a.replace(microsecond=0) == b.replace(microsecond=0)
    return a == b


FORMATTING_ONLY = "Only its formatting, links or figures changed; the words are the same."


def text_diff(name, older, newer):
    """The readable diff of a field's two values (a note when the words are the same)."""
    before, after = display(name, older), display(name, newer)
    if before == after:
        return FORMATTING_ONLY
    return diffs.changed_lines(before, after)


def compare(older, newer):
    """[{"name", "label", "diff"}] for each field that differs between two snapshots."""
    return [
        {"name": name, "label": label(name), "diff": text_diff(name, older[name], newer[name])}
        for name in SNAPSHOT_FIELDS
        if not same_value(name, older.get(name), newer.get(name))
    ]
