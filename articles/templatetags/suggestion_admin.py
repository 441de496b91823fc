"""The article change form's word on suggested changes (`articles.suggestions`): a
writer's "Suggest a change", an editor's pending suggestions."""

from django import template

from .. import suggestions

register = template.Library()


@register.simple_tag(takes_context=True)
def story_suggestions(context, article):
    """{"may_suggest", "pending"}: what this person is offered on `article`'s form."""
    user = context["request"].user
    if article is None or article.pk is None:
        return {"may_suggest": False, "pending": []}
    return {
        "may_suggest": suggestions.may_suggest(user, article),
        "pending": list(suggestions.pending(article)) if suggestions.may_decide(user) else [],
    }
