"""
schema.org JSON-LD for our pages, built from data the page already loaded (no
extra queries). Each feature adds its part here: ratings, comments, search.
"""

from django.conf import settings

from .addresses import address, static


def _home(request):
    return request.build_absolute_uri(address("articles:home"))


def organization(request, site_name):
    """The magazine as the publisher of its articles."""
    data = {
        "@type": "Organization",
        "@id": _home(request) + "#organization",
        "name": site_name,
        "url": _home(request),
    }
    if settings.MAGAZINE_PUBLISHER_LOGO:
        data["logo"] = {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(settings.MAGAZINE_PUBLISHER_LOGO)),
        }
    return data


def home_page(request, site_settings):
    """`Organization` and `WebSite`, with the site search as a `SearchAction`."""
    search_url = request.build_absolute_uri(address("articles:search"))
    return {
        "@context": "https://schema.org",
        "@graph": [
            organization(request, site_settings.site_name),
            {
                "@type": "WebSite",
                "@id": _home(request) + "#website",
                "url": _home(request),
                "name": site_settings.site_name,
                "description": site_settings.description,
                "inLanguage": settings.LANGUAGE_CODE,
                "publisher": {"@id": _home(request) + "#organization"},
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": search_url + "?q={search_term_string}",
                    },
                    "query-input": "required name=search_term_string",
                },
            },
        ],
    }


def news_article(article, request, *, site_name, agencies, tags, notes=()):
    """`NewsArticle` for an article page; `notes` are its updates' and corrections'."""
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": article.title[:110],
        "description": article.description,
        "datePublished": article.publish_at,
        # What readers see: the update or correction time, else publication.
        "dateModified": article.modified_at,
        "inLanguage": settings.LANGUAGE_CODE,
        "publisher": organization(request, site_name),
        "keywords": [tag.name for tag in tags],
        "isAccessibleForFree": True,
    }
    # Every author in byline order (Ghost lists only the first, TryGhost/Ghost#16001);
    # a rough draft's preview may have no byline yet.
    if authors := article.bylines():
        data["author"] = [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(author.get_absolute_url()),
            }
            for author in authors
        ]
    if article.category_id:
        data["articleSection"] = article.category.name
    if corrections := [n for n in notes if n.kind == n.Kind.CORRECTION]:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": n.note, "datePublished": n.created_at}
            for n in corrections
        ]
    if agencies:
        data["sourceOrganization"] = [
            {"@type": "Organization", "name": a.name, **({"url": a.url} if a.url else {})}
            for a in agencies
        ]
    if renditions := article.image_renditions():
        url_, width, height = renditions[-1]
        data["image"] = {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(url_),
            "width": width,
            "height": height,
        }
        if article.image_caption:
            data["image"]["caption"] = article.image_caption
    # Only a rating readers can see, and only once there is one (Google's rule too).
    if article.rating_enabled and article.rating_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(article.rating_average, 1),
            "ratingCount": article.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    # Approved comments only: the denormalized count, no query.
    data["commentCount"] = article.comment_count
    return data
