"""The stories to read next at the end of an article's page (`related_stories`).

They change with other articles (a new story on the same tag), not with this one: the
page depends on "articles", and the kept markup is named by that version and by the
next time a scheduled story goes live or comes down, which the page is kept no later than.
"""

import functools

from .. import fragments, pagecache
from ..models import Article
from ..models.article_page import related_stories

RELATED = "articles/includes/related.html#section"


def related_part(request, context):
    """The related stories as a kept part of the article's page."""
    next_change = Article.objects.next_scheduled_time()
    pagecache.depends_on(request, "articles")
    pagecache.expire_by(request, next_change)
    listed = pagecache.versions_for_page(request, ["articles"])["articles"]
    render = functools.partial(_render, request, context)
    return fragments.ArticlePart("related", render, (RELATED,), variant=(listed, next_change))


def _render(request, context, shared):
    stories = related_stories(context["article"])
    rendered = fragments.render_templates([RELATED], context, request, stories)
    return {"related_stories": rendered[RELATED]}
