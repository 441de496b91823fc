import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script: no "</script>" can end the block early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Render a dict as a JSON-LD block (a data block: CSP does not execute it)."""
    dumped = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(
        f'<script type="application/ld+json">{dumped.translate(_JSON_SCRIPT_ESCAPES)}</script>'
    )


@register.simple_tag(takes_context=True)
def breadcrumb_json_ld(context, crumbs, current=None):
    """BreadcrumbList JSON-LD: Home, each category, then the current page."""
    request = context["request"]
    items = [("Home", reverse("articles:home"))]
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


@register.simple_tag
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
