"""
Bar charts drawn on the server as SVG: reading figures in the admin with no charting
library and nothing loaded from elsewhere.

Every bar carries a `<title>` (a tooltip, and what a screen reader reads on it), the
chart says in words what it shows (`role="img"` with a summary as its label), and each
value is escaped: labels may hold an article's title.
"""

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 600, 120
GAP = 2
# Presentation attributes, not CSS: the admin's own blue, readable in its light and
# dark themes, with no stylesheet to load on the article's change page.
BAR_COLOUR = "#417690"
AXIS_COLOUR = "#767676"


def bar_chart(bars, summary, css_class="bar-chart"):
    """An SVG of one bar per (label, value), left to right; `summary` says what it shows."""
    top = max((value for _, value in bars), default=0) or 1
    step = WIDTH / max(len(bars), 1)
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                f"{index * step + GAP / 2:.1f}",
                f"{HEIGHT - value / top * HEIGHT:.1f}",
                f"{max(step - GAP, 1):.1f}",
                f"{value / top * HEIGHT:.1f}",
                label,
                value,
            )
            for index, (label, value) in enumerate(bars)
        ),
    )
    return format_html(
        '<svg class="{}" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'height="{}" preserveAspectRatio="none" fill="{}" xmlns="http://www.w3.org/2000/svg">'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="{}"></line>{}</svg>',
        css_class,
        summary,
        WIDTH,
        HEIGHT,
        HEIGHT,
        BAR_COLOUR,
        HEIGHT,
        WIDTH,
        HEIGHT,
        AXIS_COLOUR,
        rects,
    )
