"""
Inline feedback: comments and editors' questions anchored to a passage of an article.

An anchor is a body block's stable id (see `articles.richtext`) and the exact words
within it (the quote, plain text with whitespace collapsed). This module checks
anchors when they are made, finds them again when an editor changes the body
(`reanchor`, called by `articles.publishing`), and gathers what the article page shows
beside each passage with a fixed number of queries (`passages`).
"""

import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.safestring import mark_safe

from . import richtext
from .addresses import address
from .models import Article, Comment, FeedbackQuestion
from .models.compiled import Compiled, int_slot
from .models.inline import QUOTE_MAX_LENGTH

RECENT_ANSWERS = 3
# What readers call each kind of block (`Passage.kind`).
PASSAGE_KINDS = {
    "p": "paragraph",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "blockquote": "quote",
    "aside": "quote",
    "ul": "list",
    "ol": "list",
    "figure": "figure",
    "table": "table",
}
FEEDBACK_FILTER = "inline"
# Where each top-level block starts in `Article.body_html`: only `richtext.Block.render`
# writes an id attribute (the sanitizer strips the others), so this finds exactly the blocks.
BLOCK_START = re.compile(
    r'<(?:{}) id="(b-[0-9a-f]+(?:-\d+)?)">'.format("|".join(sorted(richtext.BLOCK_TAGS)))
)


def normalize(text):
    """Quotes compare with whitespace collapsed: a browser's selection spaces text its own way."""
    return " ".join((text or "").split())


def whole_block_quote(text):
    """The quote of a comment on a whole paragraph: its text, cut at a word when long."""
    text = normalize(text)
    if len(text) <= QUOTE_MAX_LENGTH:
        return text
    return text[: QUOTE_MAX_LENGTH + 1].rsplit(" ", 1)[0]


def check_anchor(blocks, block_id, quote):
    """The (block id, quote) to store for a passage of these blocks, or a ValidationError.

    An empty quote stands for the whole paragraph.
    """
    block = next((b for b in blocks if b.id == block_id), None)
    if block is None:
        raise ValidationError(
            "That paragraph is not in this article (an editor may have just changed it). "
            "Reload the article and choose the passage again.",
            code="unknown_block",
        )
    text, quote = normalize(block.text), normalize(quote)
    if not quote:
        return block.id, whole_block_quote(text)
    if len(quote) > len(text):
        raise ValidationError(
            "The quoted words are longer than the paragraph: choose words within one paragraph.",
            code="quote_too_long",
        )
    if len(quote) > QUOTE_MAX_LENGTH:
        raise ValidationError(
            f"Quote at most {QUOTE_MAX_LENGTH} characters of the paragraph.",
            code="quote_too_long",
        )
    if quote not in text:
        raise ValidationError(
            "The quoted words are not in that paragraph: copy them exactly as they are written.",
            code="quote_not_in_block",
        )
    return block.id, quote


def add_question(article, block_id, quote, question, **fields):
    """An editor's question on a passage; a ValidationError if the passage is not there."""
    block_id, quote = check_anchor(article.blocks(), block_id, quote)
    return FeedbackQuestion.objects.create(
        article=article, block_id=block_id, quote=quote, question=question, **fields
    )


# --- Edits ------------------------------------------------------------------------------


def find_again(texts, block_id, quote):
    """The block holding `quote` now: its own if the words are still there, else the first
    block that has them, else "" (orphaned)."""
    if quote in texts.get(block_id, ""):
        return block_id
    return next((other for other, text in texts.items() if quote in text), "")


def reanchor(article):
    """After the body changed, find every anchor of the article again, or orphan it.

    Two queries, and one bulk update per kind that moved. Orphans are tried too, so an
    edit that brings the words back brings the marker back.
    """
    texts = {block.id: normalize(block.text) for block in article.blocks()}
    for model in (Comment, FeedbackQuestion):
        moved = []
        anchored = model.objects.filter(article=article).exclude(quote="")
        for item in anchored.only("pk", "block_id", "quote"):
            block_id = find_again(texts, item.block_id, item.quote)
            if block_id != item.block_id:
                item.block_id = block_id
                moved.append(item)
        if moved:
            model.objects.bulk_update(moved, ["block_id"])


# --- Reading ----------------------------------------------------------------------------


@dataclass
class Passage:
    """A body block with the feedback shown beside it."""

    block_id: str
    html: str
    url: str = ""  # its own page: the passage, its feedback and a form (works without JS)
    count: int = 0
    questions: list = field(default_factory=list)
    recent: list = field(default_factory=list)
    form: object = None

    @property
    def kind(self):
        """What the passage is, for "Comment on this figure" (readers see a figure, not
        a paragraph): from the block's own tag, which `richtext.Block.render` writes first."""
        tag = self.html[1:].partition(" ")[0]
        if tag == "figure" and 'class="embed-card"' in self.html:
            return "link"
        return PASSAGE_KINDS.get(tag, "passage")

    @property
    def has_marker(self):
        return bool(self.count or self.questions)

    @property
    def starts_open(self):
        return any(question.starts_open for question in self.questions)


def anchored_questions(article):
    # In the editors' order; by the article's own columns, not its Meta ordering's join.
    questions = FeedbackQuestion.objects.filter(article=article).exclude(block_id="")
    return questions.order_by("order", "id")


# What a passage's last answers show, in the model's field order: the window query's
# wrapper names its columns col1, col2, ... in this order (`_page_queries`).
RECENT_FIELDS = ("id", "name", "body", "created_at", "block_id")


def recent_answers(article, block_ids=None):
    """The last approved comments on each passage, each with its passage's total (`on_block`).

    One query, whatever the number of passages and comments.
    """
    comments = Comment.objects.approved().filter(article=article).on_passages()
    if block_ids is not None:
        comments = comments.filter(block_id__in=block_ids)
    return (
        comments.annotate(
            position=Window(
                RowNumber(),
                partition_by=F("block_id"),
                order_by=(F("created_at").desc(), F("id").desc()),
            ),
            on_block=Window(Count("id"), partition_by=F("block_id")),
        )
        .filter(position__lte=RECENT_ANSWERS)
        .only(*RECENT_FIELDS)
        .order_by("block_id", "position")
    )


ARTICLE = int_slot("article", 3)


@functools.cache
def _page_queries():
    """The article page's two queries for its passages, compiled once (`models.compiled`)."""
    article = Article(pk=ARTICLE.value)
    return Compiled.of(anchored_questions(article), ARTICLE), Compiled.of(
        recent_answers(article), ARTICLE
    )


def _attach(passages, questions, answers):
    by_id = {passage.block_id: passage for passage in passages}
    for question in questions:
        if question.block_id in by_id:
            by_id[question.block_id].questions.append(question)
    for comment in answers:
        if comment.block_id in by_id:
            by_id[comment.block_id].count = comment.on_block
            by_id[comment.block_id].recent.append(comment)
    return passages


def passages(article):
    """The body cut at its blocks, each with its marker's figures: two queries in all."""
    html = article.body_html
    starts = list(BLOCK_START.finditer(html))
    if not starts:
        return [Passage("", mark_safe(html))] if html.strip() else []
    ends = [match.start() for match in starts[1:]] + [len(html)]
    # One address for all passages: a long article has dozens.
    url = address("articles:passage", article.pk, "-block-")
    cut = [
        # Each piece is a whole block of HTML sanitized on save.
        Passage(
            match.group(1),
            mark_safe(html[match.start() : end].strip()),
            url.replace("-block-", match.group(1)),
        )
        for match, end in zip(starts, ends, strict=True)
    ]
    questions, answers = _page_queries()
    columns = {f"col{i}": name for i, name in enumerate(RECENT_FIELDS, 1)}
    return _attach(
        cut,
        questions.raw(FeedbackQuestion, article=article.pk),
        answers.raw(Comment, translations=columns, article=article.pk),
    )


def passage(article, block):
    """One block of the article with its questions and last answers (two queries)."""
    found = Passage(block.id, mark_safe(block.render()))
    return _attach([found], anchored_questions(article), recent_answers(article, [block.id]))[0]


# --- The comment section ----------------------------------------------------------------


def feedback_only(request):
    """Whether the comment section is filtered to "Inline Feedbacks" (?feedback=inline)."""
    return request.GET.get("feedback") == FEEDBACK_FILTER


def passage_counts(article):
    """{block_id, approved, pending} per passage with comments, the most approved first."""
    rows = (
        Comment.objects.filter(article=article)
        .on_passages()
        .values("block_id")
        .annotate(
            approved=Count("id", filter=Q(status=Comment.Status.APPROVED)),
            pending=Count("id", filter=Q(status=Comment.Status.PENDING)),
        )
        .order_by("-approved", "-pending", "block_id")
    )
    return list(rows)
