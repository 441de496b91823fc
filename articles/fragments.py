"""
Kept markup joined per request: each comment, and the parts of an article's page that
every reader with nothing of their own in them sees alike. How it is named and what is
rendered per reader: the docstring of articles/pagecache.py.

Rendering the same comments and the same article the same way for every reader was
most of an article page's time. Named by what it shows, kept markup never needs
invalidating, so it lives in each process's own memory (the "local" cache), away from
the shared cache's round trips. A comment is kept as the markup around its votes
(`KeptComment`), so a reader's own votes are the votes macro called for them.
"""

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import caches
from django.db.models import CharField, IntegerField, Q, Value
from django.http import HttpResponse
from django.template import engines
from django.utils.safestring import mark_safe

from . import pagecache
from .forms.security import is_own_page
from .models import ArticleRating, Comment, CommentVote
from .models.comments import comments_open
from .models.compiled import Compiled, int_slot, text_slot
from .readers import Reader

# Whom kept markup is rendered for: a reader with nothing of their own anywhere.
STRANGER = Reader(user=None, token=None)
COMMENTS = "articles/includes/comments.html"
# Templates whose source shapes a comment's markup: a deploy that edits them changes every key.
SOURCES = (COMMENTS, "articles/includes/inline.html")
KEPT_SECONDS = 7 * 24 * 3600
# The template's indentation, a third of each comment's bytes; one space renders the same.
BETWEEN_TAGS = re.compile(r">\s+<")


def kept():
    """Where kept markup lives: this process's memory."""
    return caches["local"]


def is_personal(comment):
    """Whether this reader sees the comment, but for their votes, differently from
    everyone else."""
    return comment.changeable or not comment.is_approved


def _env():
    """The Jinja2 environment of the public templates (magazine/jinja2.py)."""
    return engines["jinja2"].env


def _sources_hash(names):
    env = _env()
    sources = (env.loader.get_source(env, name.partition("#")[0])[0] for name in names)
    return hashlib.blake2b("\x00".join(sources).encode(), digest_size=8).hexdigest()


# With DEBUG off, templates change only with a deploy, which restarts the processes.
_deployed_sources_hash = functools.cache(_sources_hash)


def _templates_stamp(names=SOURCES):
    return (_sources_hash if settings.DEBUG else _deployed_sources_hash)(names)


def page_versions(request, article):
    """The versions of what the article's page shows, read once per request and before
    anything of the page is rendered: kept markup is never older than its name."""
    read = request.__dict__.setdefault("_kept_markup_versions", {})
    if article.pk not in read:
        names = pagecache.article_page_names(article)
        read[article.pk] = sorted(pagecache.versions_for_page(request, names).items())
    return read[article.pk]


def _digest(stamp):
    return hashlib.blake2b(repr(stamp).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class KeptComment:
    """A comment's markup around its votes (`votes`, as a stranger sees them), and what
    the votes macro shows (`voting`: None for a removed comment, which has none)."""

    pk: int
    head: str
    votes: str
    tail: str
    voting: dict | None


def _vote_fields(comment):
    if not comment.shown:
        return None
    return {
        "is_approved": comment.is_approved,
        "vote_url": comment.vote_url,
        "score": comment.score,
    }


def kept_comments(request, comments, *, article, comments_open):
    """Each comment's `KeptComment`, in order: kept for those that look alike to every
    reader but for their votes."""
    render = _comment_renderer({"article": article, "comments_open": comments_open})
    if not settings.MAGAZINE_KEEP_FRAGMENTS:
        return [render(c) for c in comments]
    page = (
        _templates_stamp(),
        page_versions(request, article),
        article.get_absolute_url(),
        request.scheme,
        request.get_host(),
        comments_open,
    )
    keys = {c.pk: f"comment-html:{_digest((*page, c.pk))}" for c in comments if not is_personal(c)}
    found = kept().get_many(keys.values()) if keys else {}
    pieces, new = [], {}
    for comment in comments:
        key = keys.get(comment.pk)
        piece = found.get(key)
        if piece is None:
            piece = render(comment)
            if key is not None:
                new[key] = piece
        pieces.append(piece)
    if new:
        kept().set_many(new, KEPT_SECONDS)
    return pieces


def joined(pieces, votes):
    """Kept comments as the `<li>` of each, the buttons of `votes` ({comment id: +1 or
    -1}, this reader's) rendered for them by the votes macro."""
    if not votes:
        return mark_safe("".join(f"{p.head}{p.votes}{p.tail}" for p in pieces))
    macro = _env().get_template(COMMENTS).module.votes  # made once per template
    html = []
    for piece in pieces:
        own = votes.get(piece.pk) if piece.voting else None
        if own is None:
            html.append(f"{piece.head}{piece.votes}{piece.tail}")
        else:
            comment = SimpleNamespace(pk=piece.pk, my_vote=own, **piece.voting)
            html.append(f"{piece.head}{macro(comment)}{piece.tail}")
    return mark_safe("".join(html))


@dataclass(frozen=True)
class KeptSection:
    """A comment section kept for strangers: the markup around its comments, and them."""

    top: str
    comments: list
    bottom: str

    def for_reader(self, votes):
        """The section as a reader who cast `votes` sees it."""
        return f"{self.top}{joined(self.comments, votes)}{self.bottom}"


def comment_items(pieces, comments):
    """Kept comments as this request's reader sees them (their votes from `comments`)."""
    return joined(pieces, {c.pk: c.my_vote for c in comments if c.my_vote is not None})


def _tidy(markup):
    return BETWEEN_TAGS.sub("> <", str(markup).strip())


# What else the comment macros ask of their context (a note after a post, the report
# page), found there rather than made up as undefined for each comment.
COMMENT_DEFAULTS = {"note": "", "on_report_page": False}


def _comment_renderer(context):
    """Renders one comment after another: one call of each of the `comment_head`, `votes`
    and `comment_tail` macros, in one template context."""
    module = _env().get_template(COMMENTS).make_module(COMMENT_DEFAULTS | context)

    def render(comment):
        shown = comment.shown
        return KeptComment(
            comment.pk,
            _tidy(module.comment_head(comment)) + (" " if shown else ""),
            str(module.votes(comment)) if shown else "",
            (" " if shown else "") + _tidy(module.comment_tail(comment)),
            _vote_fields(comment),
        )

    return render


# --- Parts of an article's page ------------------------------------------------------


def request_context(request, context):
    """What a template rendered for `request` sees: the context processors' values
    (settings.TEMPLATES), then `context`, as Django's backend gives a whole page."""
    shared = {}
    for processor in engines["jinja2"].template_context_processors:
        shared |= processor(request)
    return shared | context | {"request": request}


def render_templates(names, context, request, *args):
    """{name: html} of these templates, or of macros of them ("file.html#macro", called
    with `args`), rendered in one request context: the context processors run once, not
    once per template."""
    env, shared, modules, rendered = _env(), request_context(request, context), {}, {}
    for name in names:
        template_name, _, macro = name.partition("#")
        if not macro:
            rendered[name] = env.get_template(template_name).render(shared)
            continue
        if template_name not in modules:
            modules[template_name] = env.get_template(template_name).make_module(shared)
        rendered[name] = str(getattr(modules[template_name], macro)(*args))
    return rendered


def partial_response(request, name, context, *args, status=200):
    """A response of one macro ("file.html#macro") called with `args`: what a script
    swaps into the page."""
    return HttpResponse(render_templates([name], context, request, *args)[name], status=status)


CONTENT = "articles/includes/article_content.html"
CONTENT_SOURCES = (
    CONTENT,
    "articles/includes/inline.html",
    "articles/includes/breadcrumbs.html",
    "articles/includes/avatar.html",
    "includes/social_meta.html",
    "includes/site_links.html",
    "includes/header.html",
    "includes/footer.html",
)
RATING = "articles/includes/rating.html"
RATING_AROUND = (f"{RATING}#section_top", f"{RATING}#section_bottom")
RATING_FORM = f"{RATING}#form"
SECTION = f"{COMMENTS}#section"
SECTION_AROUND = (f"{COMMENTS}#section_top", f"{COMMENTS}#section_bottom")
SECTION_SOURCES = (
    *SOURCES,
    "articles/includes/subscribe.html",
    "articles/includes/pagination.html",
)


@dataclass
class ArticlePart:
    """Markup of an article's page: `render(shared)` gives {context name: html}, as a
    stranger sees it when `shared` (to be kept), else as this request's reader does.

    `is_personal()` says whether this reader sees something of their own in it that
    only a render for them can show (asked only when the part could be kept);
    `make_own(html)` turns kept markup into this reader's; `variant` names what else
    shapes it (a sort order, a filter).
    """

    kind: str
    render: Callable[[bool], dict]
    sources: tuple
    variant: tuple = ()
    is_personal: Callable[[], bool] = lambda: False
    make_own: Callable[[str], str] = lambda html: html


ARTICLE, ACCOUNT, GUEST = int_slot("article", 1), int_slot("account", 2), text_slot("guest")


@functools.cache
def _readers_own_query(signed_in):
    """(kind, comment id, value) rows of one reader under one article: their rating,
    their comments, their votes. Compiled once per process for an account and for a
    guest's hash: building the union anew was a third of a returning reader's page."""
    reader = Q(user=ACCOUNT.value) if signed_in else Q(reader_hash=GUEST.value)

    def rows(model, kind, comment_id, value, **on_article):
        theirs = model.objects.filter(reader, **on_article).order_by()
        return theirs.values_list(Value(kind, output_field=CharField()), comment_id, value)

    none = Value(0, output_field=IntegerField())
    union = rows(ArticleRating, "rating", none, "score", article=ARTICLE.value).union(
        rows(Comment, "comment", "pk", none, article=ARTICLE.value),
        rows(CommentVote, "vote", "comment_id", "value", comment__article=ARTICLE.value),
        all=True,
    )
    return Compiled.of(union.order_by(), ARTICLE, ACCOUNT if signed_in else GUEST)


class ReadersOwn:
    """What a reader has of their own under an article: one query, when first asked."""

    def __init__(self, reader, article):
        self.reader, self.article = reader, article

    @functools.cached_property
    def _rows(self):
        """(kind, comment id, value) rows: their rating, their comments, their votes."""
        reader, article = self.reader, self.article.pk
        if reader.user:
            return _readers_own_query(True).rows(article=article, account=reader.user.pk)
        if reader.token:
            return _readers_own_query(False).rows(article=article, guest=reader.token_hash)
        return []

    @property
    def rating(self):
        """Whether their stars show in the rating form."""
        return bool(self.reader.user) or self.score is not None

    @property
    def score(self):
        """Their score for the article, or None."""
        return next((value for kind, _, value in self._rows if kind == "rating"), None)

    @property
    def comments(self):
        """Whether they wrote comments here (also pending or removed), or, signed in, may
        have an editor's buttons: their comment section is theirs alone."""
        return bool(self.reader.user) or any(kind == "comment" for kind, _, _ in self._rows)

    @property
    def votes(self):
        """{comment id: +1 or -1} of their votes on the article's comments."""
        return {comment_id: value for kind, comment_id, value in self._rows if kind == "vote"}


def article_parts(request, article, *parts):
    """The markup of `parts` ({context name: html}), each rendered once per version.

    The versions are read before rendering, so kept markup is never older than its
    name. Previews, signed-in readers and pages of a reader's own (a refused form shown
    again, whose forms carry a CSRF token) get a fresh render.
    """
    keys = {}
    if settings.MAGAZINE_KEEP_FRAGMENTS and article.is_published and not is_own_page(request):
        page = (article.pk, page_versions(request, article), request.scheme, request.get_host())
        for part in parts:
            if not part.is_personal():
                stamp = (
                    *page,
                    part.variant,
                    _templates_stamp(part.sources),
                    comments_open(article),
                )
                keys[part.kind] = f"article-{part.kind}:{_digest(stamp)}"
    found = kept().get_many(keys.values()) if keys else {}
    markup = {}
    for part in parts:
        key = keys.get(part.kind)
        if key in found:
            rendered = found[key]
        else:
            rendered = part.render(key is not None)
            if key is not None:
                kept().set(key, rendered, KEPT_SECONDS)
        if key is not None:
            rendered = {name: part.make_own(html) for name, html in rendered.items()}
        markup |= {name: mark_safe(html) for name, html in rendered.items()}
    return markup
