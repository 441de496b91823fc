"""
Inline feedback: the article body with a marker beside each passage that has
feedback, and the page of one passage (its question, last answers and a form).

Without JavaScript, markers and "Comment on this paragraph" are links to the
passage page; static/js/inline.js opens the same panel in place (the `panel`
macro of jinja2/articles/includes/inline.html) and lets readers comment on
words they select. Comments are posted to `comments.post_comment`, like any other.
"""

from django.shortcuts import get_object_or_404, render

from .. import fragments, inline
from ..forms.inline import PassageCommentForm
from ..models import Article
from ..models.comments import comments_open
from ..readers import get_reader
from .comments import not_live, open_to_readers, wants_fragment


def passage_form(article, reader, passage, quote=""):
    """The small form of a passage's panel: answering its first question, or on the quote."""
    initial = {"block": passage.block_id}
    if reader.user:
        initial |= PassageCommentForm(article=article, reader=reader).initial
    questions = [] if quote else passage.questions
    if questions:
        initial["question"] = questions[0].pk
    else:
        initial["quote"] = quote
    return PassageCommentForm(
        article=article,
        reader=reader,
        initial=initial,
        questions=questions,
        # Several panels share the article page with the comment form: ids must differ.
        auto_id=f"{passage.block_id}-%s",
    )


def page_context(request, article):
    """What the article page shows of inline feedback: the body cut into passages."""
    passages = inline.passages(article)
    if comments_open(article):
        reader = get_reader(request)
        for passage in passages:
            if passage.starts_open:
                passage.form = passage_form(article, reader, passage)
    return {"passages": passages}


def passage(request, article_id, block_id):
    """One passage: the paragraph quoted, its questions, last answers and the form."""
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related("category"), pk=article_id
    )
    block = next((b for b in article.blocks() if b.id == block_id), None)
    # A story that is not live (seen by its staff) takes no comments, as its preview.
    context = {"article": article, "comments_open": open_to_readers(article)}
    if block is None:
        context["missing"] = True
        return _answer(article, render(request, "articles/passage.html", context, status=404))
    found = inline.passage(article, block)
    quote = inline.normalize(request.GET.get("quote", ""))[: 4 * inline.QUOTE_MAX_LENGTH]
    if context["comments_open"]:
        found.form = passage_form(article, get_reader(request), found, quote)
    context["passage"] = found
    if wants_fragment(request):
        name = "articles/includes/inline.html#panel"
        return _answer(article, fragments.partial_response(request, name, context, found))
    return _answer(article, render(request, "articles/passage.html", context))


def _answer(article, response):
    return response if article.is_published else not_live(response)
