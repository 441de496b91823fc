"""What search engines, feed readers and link previews read in a page's head."""

from django import template
from django.utils.http import urlencode

from .. import search, structured_data
from ..pagination import KeysetPage
from .magazine import json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context, *params):
    """This page's one address: its path, the page number past the first, and `params`."""
    request = context["request"]
    query = {name: request.GET[name] for name in params if request.GET.get(name)}
    page_obj = context.get("page_obj")
    if isinstance(page_obj, KeysetPage):
        query.update(page_obj.position)
    elif page_obj is not None and page_obj.number > 1:
        query["page"] = page_obj.number
    url = request.build_absolute_uri(request.path)
    return f"{url}?{urlencode(query)}" if query else url


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    return context["request"].build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def home_json_ld(context):
    """`Organization` and `WebSite` (with its `SearchAction`) for the home page."""
    return json_ld(structured_data.home_page(context["request"], context["site_settings"]))


@register.simple_tag
def search_snippet(article, query):
    return search.snippet(article, query)
