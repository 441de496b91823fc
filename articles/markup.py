"""
Markup the public templates write with Python (they are Jinja2 templates: see
magazine/jinja2.py, which names these functions for them): JSON-LD blocks, responsive
images, a page's canonical address, stars, the "Notify of" form.

Functions that read the page take the template's context first (`pass_context`).
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from jinja2 import pass_context

from . import search, structured_data
from .addresses import address
from .forms.ratings import SCORE_CHOICES
from .forms.subscriptions import SubscribeForm
from .pagination import KeysetPage

# The same escapes as Django's json_script: no "</script>" can end the block early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data):
    """Render a dict as a JSON-LD block (a data block: CSP does not execute it)."""
    dumped = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(
        f'<script type="application/ld+json">{dumped.translate(_JSON_SCRIPT_ESCAPES)}</script>'
    )


@pass_context
def breadcrumb_json_ld(context, crumbs, current=None):
    """BreadcrumbList JSON-LD: Home, each category, then the current page."""
    request = context["request"]
    items = [("Home", address("articles:home"))]
    items += [(c.name, c.get_absolute_url()) for c in crumbs]
    if current:
        items.append((str(current), current.get_absolute_url()))
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": name,
                    "item": request.build_absolute_uri(url),
                }
                for position, (name, url) in enumerate(items, start=1)
            ],
        }
    )


def responsive_image(renditions, alt, sizes="100vw", css_class="", eager=False, avif=()):
    """An <img> with srcset from an image's renditions, sized to avoid layout shift; with
    `avif` renditions, in a <picture> that offers those first."""
    if not renditions:
        return ""
    src, width, height = renditions[len(renditions) // 2]
    img = format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}" '
        'loading="{}" decoding="async">',
        src,
        _srcset(renditions),
        sizes,
        width,
        height,
        alt,
        css_class,
        "eager" if eager else "lazy",
    )
    if not avif:
        return img
    return format_html(
        '<picture><source type="image/avif" srcset="{}" sizes="{}">{}</picture>',
        _srcset(avif),
        sizes,
        img,
    )


def _srcset(renditions):
    return format_html_join(", ", "{} {}w", ((url, w) for url, w, _ in renditions))


@pass_context
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


@pass_context
def absolute_url(context, url):
    return context["request"].build_absolute_uri(url)


@pass_context
def home_json_ld(context):
    """`Organization` and `WebSite` (with its `SearchAction`) for the home page."""
    return json_ld(structured_data.home_page(context["request"], context["site_settings"]))


def search_snippet(article, query):
    return search.snippet(article, query)


def star_fills(average):
    """Five of "full", "half" and "empty": the average to the nearest half star."""
    halves = int(average * 2 + 0.5)
    return [
        "full" if halves >= 2 * star else "half" if halves == 2 * star - 1 else "empty"
        for star in range(1, 6)
    ]


def score_choices():
    return SCORE_CHOICES


@pass_context
def notify_form(context):
    """The "Notify of" form. The same for every anonymous reader, so kept pages may
    show it; a signed-in reader (whose pages are never kept) finds their address in it."""
    user = context.get("user")
    initial = {"email": user.email} if user is not None and user.is_authenticated else {}
    return SubscribeForm(initial=initial)
