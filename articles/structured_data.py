"""
schema.org JSON-LD for our pages, built from data the page already loaded (no
extra queries). Each feature adds its part here: ratings, comments, search.
"""


def news_article(article, request, *, site_name, agencies, tags):
    """`NewsArticle` for an article page."""
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": article.title[:110],
        "description": article.description,
        "datePublished": article.publish_at,
        "dateModified": article.updated_at,
        "author": {
            "@type": "Person",
            "name": article.author.name,
            "url": request.build_absolute_uri(article.author.get_absolute_url()),
        },
        "publisher": {"@type": "Organization", "name": site_name},
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in tags],
    }
    if agencies:
        data["sourceOrganization"] = [{"@type": "Organization", "name": a.name} for a in agencies]
    if renditions := article.image_renditions():
        url_, width, height = renditions[-1]
        data["image"] = {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(url_),
            "width": width,
            "height": height,
        }
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
