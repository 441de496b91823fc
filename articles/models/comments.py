"""
Reader comments: threads, moderation status and votes.

Threading follows django-comments-xtd: each comment stores its thread (the
top-level comment), its parent and its depth, so one ordered query returns a
whole tree. Instead of xtd's renumbered `order` column, the position is a
materialized path of zero-padded ids ("0000000012/0000000045"): sorting by it
gives tree order with replies oldest first, and a new reply never renumbers
its thread, so posting touches a bounded number of rows.

Status changes go through `articles.moderation`, which keeps the article's
approved-comment count (`Article.comment_count`) exact with F() updates.
"""

from datetime import timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import avatars, pagecache
from ..addresses import row_address
from .articles import Article
from .comment_rules import comments_open as comments_open  # imported from here by the views
from .comment_rules import render_body
from .inline import QUOTE_MAX_LENGTH
from .readers import (
    ReaderAction,
    ReaderActionQuerySet,
    one_per_reader_constraints,
    reader_filter,
    user_or_guest_constraint,
)
from .votes import PendingVote, Vote, VoteQuerySet

MAX_DEPTH = 5
MAX_LENGTH = 5000
PATH_DIGITS = 10
# Readers may change or delete their own comment for this long after posting.
EDIT_WINDOW = timedelta(minutes=15)


class CommentQuerySet(ReaderActionQuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def on_passages(self):
        """Comments on a passage: every passage's id sorts after "", so this is a range
        of `comment_on_passage_idx`, which `exclude(block_id="")` cannot be."""
        return self.filter(block_id__gt="")

    def visible_to(self, reader):
        """Approved comments, plus the reader's own ones awaiting moderation."""
        return self.filter(visible_q(reader))

    def top_level(self):
        return self.filter(parent__isnull=True)

    def in_threads(self, thread_ids, reader, sort):
        """The comments of these threads: threads in the chosen order, each in tree order.

        Removed comments come too, to stand in for a removed parent of visible replies.
        """
        thread_order = [
            f"-thread__{field[1:]}" if field.startswith("-") else f"thread__{field}"
            for field in THREAD_ORDER[sort]
        ]
        shown = Q(status__in=(Comment.Status.APPROVED, Comment.Status.REMOVED))
        shown |= _pending_of(reader)
        return self.filter(thread__in=thread_ids).filter(shown).order_by(*thread_order, "path")


def _pending_of(reader):
    return Q(status=Comment.Status.PENDING) & reader_filter(reader)


def visible_q(reader):
    """What `reader` may see: approved comments and their own awaiting moderation."""
    return Q(status=Comment.Status.APPROVED) | _pending_of(reader)


class Comment(ReaderAction):
    """A reader's comment or reply: by their account or guest token (see ReaderAction)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    class Sort(models.TextChoices):
        NEWEST = "newest", "Newest"
        OLDEST = "oldest", "Oldest"
        VOTES = "votes", "Most voted"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # The top-level comment of the thread (itself for a top-level comment); set on insert.
    thread = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, editable=False, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    path = models.CharField(max_length=(PATH_DIGITS + 1) * MAX_DEPTH, editable=False, default="")
    name = models.CharField(max_length=80)
    email = models.EmailField(help_text="Never shown on the site.")
    body = models.TextField("text", max_length=MAX_LENGTH)
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    score = models.IntegerField(default=0, editable=False, help_text="Up votes minus down votes.")
    created_at = models.DateTimeField("posted at", default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # --- inline feedback (articles/inline.py): a comment on a passage of the article ---
    block_id = models.CharField(
        "passage", max_length=20, blank=True, editable=False, help_text="Empty once orphaned."
    )
    quote = models.CharField(max_length=QUOTE_MAX_LENGTH, blank=True, editable=False)
    question = models.ForeignKey(
        "articles.FeedbackQuestion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="answers",
    )

    is_featured = models.BooleanField(
        "editor's pick",
        default=False,
        help_text="Pinned above the other comments, marked as an editor's pick.",
    )

    # --- the same form sent twice (double click, replay) stores one comment ---
    idempotency_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text="A hash of the form's one-time nonce and the text sent; empty on old comments.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("article", "status", "parent"), name="comment_article_status_idx"),
            # An article's approved comments of this week, counted for "Most discussed".
            models.Index(
                fields=("article", "status", "created_at"), name="comment_article_recent_idx"
            ),
            models.Index(fields=("thread", "path"), name="comment_thread_path_idx"),
            # An article's threads, newest or oldest first, a keyset page at a time.
            models.Index(
                fields=("article", "created_at", "id"),
                condition=Q(parent=None),
                name="comment_article_threads_idx",
            ),
            # The moderation queue, newest first. Not partial on `status = 'pending'`: the
            # queries send the status as a parameter, and SQLite plans them without the
            # parameters' values (magazine/sqlite.py).
            models.Index(fields=("status", "-created_at"), name="comment_status_created_idx"),
            models.Index(fields=("email", "status"), name="comment_email_status_idx"),
            # Few comments are on a passage or picked, and each article page asks for both;
            # a passage's comments are a range of it (`on_passages`), for the same reason.
            models.Index(fields=("article", "status", "block_id"), name="comment_on_passage_idx"),
            models.Index(
                fields=("article", "is_featured", "status", "created_at"),
                name="comment_editors_pick_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=1, depth__lte=MAX_DEPTH), name="comment_depth_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=1) | Q(parent__isnull=False, depth__gt=1),
                name="comment_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=Q(block_id="") | ~Q(quote=""), name="comment_passage_has_quote"
            ),
            models.UniqueConstraint(
                fields=("idempotency_key",), name="comment_unique_idempotency_key"
            ),
            user_or_guest_constraint("comment"),
        ]

    def __str__(self):
        return f"{self.name} on “{self.article}”: {self.excerpt}"

    def save(self, *args, **kwargs):
        self.body_html = render_body(self.body)
        self.email = self.email.strip().lower()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if not self.path:
                # The path needs the new id: one more write, to this row only.
                segment = f"{self.pk:0{PATH_DIGITS}d}"
                self.path = f"{self.parent.path}/{segment}" if self.parent_id else segment
                self.thread_id = self.parent.thread_id if self.parent_id else self.pk
                Comment.objects.filter(pk=self.pk).update(path=self.path, thread=self.thread_id)
        pagecache.invalidate(pagecache.article_page(self.article_id))

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def vote_url(self):
        return row_address("articles:comment-vote", self.pk)

    @property
    def reply_url(self):
        return row_address("articles:comment-reply", self.pk)

    @property
    def edit_url(self):
        return row_address("articles:comment-edit", self.pk)

    @property
    def delete_url(self):
        return row_address("articles:comment-delete", self.pk)

    @property
    def report_url(self):
        return row_address("articles:comment-report", self.article_id, self.pk)

    @property
    def avatar_initials(self):
        return avatars.initials(self.name)

    @property
    def avatar_colour(self):
        """The number of the commenter's colour (a keyed hash of the email: articles.avatars)."""
        return avatars.colour_of(self.email)

    @property
    def anchor(self):
        return f"comment-{self.pk}"

    @property
    def excerpt(self):
        text = " ".join(self.body.split())
        return text if len(text) <= 60 else text[:59] + "…"

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_passage_comment(self):
        return bool(self.quote)

    @property
    def is_orphaned(self):
        """A passage comment whose words an edit removed ("on an earlier version")."""
        return bool(self.quote) and not self.block_id

    @property
    def is_edited(self):
        return self.edited_at is not None

    @property
    def newsroom_role(self):
        """The mark by the name: "author" for the article's author and "staff" for the
        newsroom, when they commented signed in, so a guest called "Editor" is plainly a
        guest; "" for everyone else. Costs no query for comments loaded by the comment
        section (`models.comment_section`), which brings the account's two columns."""
        if self.user_id is None:
            return ""
        if "commenter_is_staff" in self.__dict__:
            author_id, is_staff = self.commenter_author_id, self.commenter_is_staff
        else:
            author_id = getattr(getattr(self.user, "author_profile", None), "pk", None)
            is_staff = self.user.is_staff
        if author_id is not None and author_id == self.article.author_id:
            return "author"
        return "staff" if is_staff else ""

    def attach_reply(self):
        """The comment a reply to this one hangs under: deeper replies stay at the cap."""
        return self if self.depth < MAX_DEPTH else self.parent

    def can_change(self, reader, now=None):
        """Its author for 15 minutes after posting; editors at any time."""
        if self.status not in (self.Status.PENDING, self.Status.APPROVED):
            return False
        if reader.user and reader.user.has_perm("articles.change_comment"):
            return True
        return self.is_by(reader) and (now or timezone.now()) < self.created_at + EDIT_WINDOW

    def edit(self, body):
        self.body = body
        self.edited_at = timezone.now()
        self.save(update_fields=("body", "body_html", "edited_at"))


THREAD_ORDER = {
    Comment.Sort.NEWEST: ("-created_at", "-id"),
    Comment.Sort.OLDEST: ("created_at", "id"),
    Comment.Sort.VOTES: ("-score", "-created_at", "-id"),
}


class CommentVoteQuerySet(VoteQuerySet):
    target, value_field, article_lookup = "comment", "value", "comment__article"

    def check_value(self, value):
        if value not in (CommentVote.UP, CommentVote.DOWN):
            raise ValueError(f"A vote is +1 or -1, not {value!r}.")

    def lock(self, target_ids):
        # Comments in id order, as moderation locks them: two lockers cannot deadlock.
        locked = Comment.objects.select_for_update().filter(pk__in=target_ids).order_by("pk")
        return set(locked.values_list("article_id", flat=True))

    def lock_article_of(self, target):
        # The article's lock (after the comment's, as moderation takes them) serializes
        # the count of its comments' votes from one address.
        article = Article.objects.select_for_update().filter(pk=target.article_id)
        list(article.values_list("pk", flat=True))

    def apply(self, target_id, moves):
        change = sum(value * n for value, n in moves.items())
        if change:
            Comment.objects.filter(pk=target_id).update(score=F("score") + change)

    def article_id_of(self, target):
        return target.article_id

    def pending_model(self):
        return PendingCommentVote

    def confirmable(self, pending):
        return pending.filter(
            comment__status=Comment.Status.APPROVED,
            comment__article__in=Article.objects.published(),
        )

    def outcome(self, target, previous):
        return Comment.objects.values_list("score", flat=True).get(pk=target.pk)

    def vote(self, comment, reader, value, address_hash=""):
        """Record the reader's vote or change it; return the comment's new score."""
        return self.cast(comment, reader, value, address_hash)


class CommentVote(Vote):
    """One reader's up or down vote on one comment; a second vote replaces the first."""

    UP, DOWN = 1, -1

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=[(UP, "Up"), (DOWN, "Down")])

    objects = CommentVoteQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "comment vote"
        indexes = [
            # The daily bound per address, and the admin's "from one address" column.
            models.Index(
                fields=("address_hash",),
                condition=~Q(address_hash=""),
                name="comment_vote_address_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(value__in=(1, -1)), name="comment_vote_up_or_down"),
            *one_per_reader_constraints("comment", "comment_vote"),
        ]

    def __str__(self):
        return f"{'+1' if self.value > 0 else '-1'} on comment {self.comment_id}"


class PendingCommentVote(PendingVote):
    """A new guest's vote on a comment, counted once their browser keeps the cookie."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=[(CommentVote.UP, "Up"), (CommentVote.DOWN, "Down")])

    class Meta(PendingVote.Meta):
        verbose_name = "comment vote awaiting its reader's cookie"
        constraints = [
            models.CheckConstraint(
                condition=Q(value__in=(1, -1)), name="pending_comment_vote_up_or_down"
            ),
            models.UniqueConstraint(
                fields=("comment", "reader_hash"), name="pending_comment_vote_one_per_guest"
            ),
        ]

    def __str__(self):
        return f"{'+1' if self.value > 0 else '-1'} on comment {self.comment_id}, waiting"
