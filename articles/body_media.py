"""
Figures, tables, pull quotes and embeds in a story, rebuilt from the editor's markup
each time the article is saved (`articles.richtext.render_body`), so readers' pages
show them as stored and pay nothing for them.

- A figure of a library image (`<img data-file="<id>">`) is drawn from the library: its
  renditions as `srcset` with `sizes`, width and height (no layout shift), lazy below
  the first blocks, and a caption with the image's credit. A caption or alt text typed
  in the story wins; left empty, the library's is used, so a caption or credit changed
  in the library shows in the story on its next save. With no alt text anywhere, the
  caption is the alt text (the editor warns when such an image is picked).
- Anywhere in the body, an image whose address the sanitizer refused is dropped, and
  every image has an alt attribute.
- A table gets `scope` on its header cells, its header row in a `<thead>` and its
  `<caption>` first.
- A pull quote (`blockquote.pull-quote`) becomes an `<aside>` holding the quotation.
- An embed (`p.embed-link` holding one link) becomes a link card from the provider's
  oEmbed data (`articles.embeds`), its thumbnail copied into the library; a card made
  by an earlier save is kept as it is, so a save asks no provider again. Unreachable
  or not allowed: a plain link.
Blocks keep their tag at the top level, so inline feedback addresses them as any
paragraph (`articles.inline`).
"""

import logging
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from . import bodytree, embeds
from .bodytree import Element
from .models.media import MediaImage

logger = logging.getLogger(__name__)

# The story column is 46rem wide from 48rem screens on, the screen less its margins below.
FIGURE_SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"
# Figures among the first blocks may be on the first screen: they load at once.
EAGER_BLOCKS = 2
# The rendition put in `src`, for browsers that ignore `srcset`.
FALLBACK_WIDTH = 960


def rebuild(blocks, previous_blocks, clean):
    """The blocks with figures, tables, pull quotes and embeds rebuilt; `clean`
    sanitizes each rebuilt block's markup (`richtext.sanitize_output`)."""
    library = _library(blocks)
    cards = _previous_cards(previous_blocks)
    rebuilt = []
    for position, block in enumerate(blocks):
        tag, nodes = _rebuild(block, library, cards, eager=position < EAGER_BLOCKS)
        if tag is None:
            rebuilt.append(_with_real_images(block))
        elif nodes := _real_images(nodes):
            # Cleaned whole: table rows outside a <table> are not HTML, a parser drops them.
            cleaned = bodytree.parse(clean(bodytree.serialize([Element(tag, children=nodes)])))
            element = next((n for n in cleaned if isinstance(n, Element)), Element(tag))
            rebuilt.append(replace(block, tag=tag, inner_html=bodytree.serialize(element.children)))
    return rebuilt


def _with_real_images(block):
    """The block with no <img> that shows nothing (see `_real_images`)."""
    if "<img" not in block.inner_html:
        return block
    return replace(
        block, inner_html=bodytree.serialize(_real_images(bodytree.parse(block.inner_html)))
    )


def _real_images(nodes):
    """The nodes without images whose address the sanitizer took (another host, a
    script), and each image left with an alt attribute: a bare <img> is nothing to a
    reader and a puzzle to a screen reader."""
    kept = []
    for node in nodes:
        if isinstance(node, Element):
            if node.tag == "img" and not node.attrs.get("src"):
                continue
            if node.tag == "img":
                node.attrs.setdefault("alt", "")
            node.children = _real_images(node.children)
        kept.append(node)
    return kept


def _rebuild(block, library, cards, eager):
    """(tag, nodes) of a rebuilt block, or (None, None) to keep it as it is."""
    classes = set(block.attrs.get("class", "").split())
    if block.tag == "figure" or (block.tag == "p" and _only_image(block)):
        return "figure", _figure(bodytree.parse(block.inner_html), library, eager)
    if block.tag == "table":
        return "table", _table(bodytree.parse(block.inner_html))
    if block.tag == "blockquote" and "pull-quote" in classes:
        return "aside", [Element("blockquote", children=bodytree.parse(block.inner_html))]
    if block.tag == "aside":
        return "aside", _pull_quote(bodytree.parse(block.inner_html))
    if block.tag == "p" and "embed-link" in classes:
        return _embed(bodytree.parse(block.inner_html), cards)
    return None, None


def _only_image(block):
    """A paragraph holding nothing but an image (an image outside a figure)."""
    nodes = [
        n for n in bodytree.parse(block.inner_html) if not (isinstance(n, str) and not n.strip())
    ]
    return len(nodes) == 1 and isinstance(nodes[0], Element) and nodes[0].tag == "img"


# --- Figures ----------------------------------------------------------------------------


def _file_id(img):
    value = img.attrs.get("data-file", "") if img is not None else ""
    return int(value) if value.isdigit() else None


def _library(blocks):
    """{id: MediaImage} of every library image the blocks show: one query."""
    ids = set()
    for block in blocks:
        if block.tag in {"figure", "p"} and "data-file" in block.inner_html:
            root = Element("", children=bodytree.parse(block.inner_html))
            ids.update(i for img in root.elements("img") if (i := _file_id(img)) is not None)
    return MediaImage.objects.in_bulk(ids) if ids else {}


def _figure(nodes, library, eager):
    root = Element("", children=nodes)
    img, caption = root.first("img"), root.first("figcaption")
    image = library.get(_file_id(img))
    typed_caption = caption.children if caption is not None and caption.text().strip() else []
    if image is not None:
        caption_nodes, credit = typed_caption or _plain(image.caption), image.credit
        # No alt text typed nor in the library: the caption says what the picture is.
        alt = (
            img.attrs.get("alt", "").strip()
            or image.alt
            or Element("", children=caption_nodes).text()
        )
        picture = library_img(image, alt, FIGURE_SIZES, eager)
    else:
        # An image taken out of the library is not shown (its files go with it).
        picture = _own_img(img, eager) if _file_id(img) is None else None
        caption_nodes, credit = typed_caption, ""
    if credit:
        credit_node = Element("span", {"class": "figure__credit"}, [credit])
        caption_nodes = [*caption_nodes, " ", credit_node] if caption_nodes else [credit_node]
    figure = [picture] if picture is not None else []
    if caption_nodes:
        figure.append(Element("figcaption", children=caption_nodes))
    return figure


def _plain(text):
    return [text] if text else []


def library_img(image, alt, sizes, eager=False):
    """An <img> of a library image with every rendition in `srcset`."""
    found = image.renditions()
    if found:
        fallback = next((r for r in found if r.width >= FALLBACK_WIDTH), found[-1])
        src, width, height = fallback
        responsive = {"srcset": image.srcset(), "sizes": sizes}
    else:
        src, width, height, responsive = image.url, image.width, image.height, {}
    return Element(
        "img",
        {"src": src, **responsive}
        | _size(width, height)
        | {"alt": alt.strip() or image.alt, "loading": "eager" if eager else "lazy"}
        | {"decoding": "async"},
    )


def _size(width, height):
    return {"width": str(width), "height": str(height)} if width and height else {}


def _own_img(img, eager):
    """An image of ours that is not (or no longer) in the library; None without one."""
    if img is None or not img.attrs.get("src"):
        return None
    attrs = {
        name: img.attrs[name] for name in ("src", "alt", "width", "height") if name in img.attrs
    }
    return Element("img", attrs | {"loading": "eager" if eager else "lazy", "decoding": "async"})


# --- Tables and pull quotes -------------------------------------------------------------


def _cells(row):
    return [c for c in row.children if isinstance(c, Element) and c.tag in {"th", "td"}]


def _table(nodes):
    """Header cells say what they head (scope); a first row of headers is the <thead>."""
    table = Element("table", children=nodes)
    for row in table.elements("tr"):
        cells = _cells(row)
        for position, cell in enumerate(cells):
            for span in ("colspan", "rowspan"):
                if cell.attrs.get(span) == "1":
                    del cell.attrs[span]
            if cell.tag == "th" and "scope" not in cell.attrs:
                headers_only = all(c.tag == "th" for c in cells)
                if headers_only or position == 0:
                    cell.attrs["scope"] = "col" if headers_only else "row"
    if table.first("thead") is None:
        _move_header_row(table)
    # The caption (what the table is, read first by screen readers) leads, as HTML wants.
    captions = [c for c in table.children if isinstance(c, Element) and c.tag == "caption"]
    rest = [c for c in table.children if c not in captions]
    return captions[:1] + rest


def _move_header_row(table):
    body = next((c for c in table.children if isinstance(c, Element) and c.tag == "tbody"), None)
    rows = [c for c in body.children if isinstance(c, Element) and c.tag == "tr"] if body else []
    if len(rows) > 1 and all(cell.tag == "th" for cell in _cells(rows[0])):
        body.children.remove(rows[0])
        table.children.insert(table.children.index(body), Element("thead", children=[rows[0]]))


def _pull_quote(nodes):
    quote = next((n for n in nodes if isinstance(n, Element) and n.tag == "blockquote"), None)
    return [quote] if quote is not None else [Element("blockquote", children=nodes)]


# --- Embeds -----------------------------------------------------------------------------


def _previous_cards(previous_blocks):
    """{link: card markup} of the cards an earlier save made."""
    cards = {}
    for block in previous_blocks:
        if block.tag == "figure" and "embed-card" in block.inner_html:
            root = Element("", children=bodytree.parse(block.inner_html))
            for link in root.elements("a"):
                if "embed-card" in link.attrs.get("class", "").split():
                    cards[link.attrs.get("href", "")] = bodytree.parse(block.inner_html)
    return cards


def _embed(nodes, cards):
    link = Element("", children=nodes).first("a")
    url = link.attrs.get("href", "") if link is not None else ""
    if not url:
        return "p", nodes
    if url in cards:
        return "figure", cards[url]
    card = embeds.card_for(url)
    if card is None:
        return "p", [Element("a", {"href": url}, link.children or [url])]
    return "figure", [card_link(card, store_thumbnail(card))]


def store_thumbnail(card):
    """The card's thumbnail, checked and re-encoded as every upload, as a library image;
    None without one. (Saved as the featured image is: `articles.media.add_image` cannot
    be called from here, as `articles.media` imports the models, whose save renders the
    body. So no background renditions: the card shows the stored copy.)"""
    if not card.thumbnail:
        return None
    image = MediaImage(
        file=ContentFile(card.thumbnail, name="embed"),
        caption=card.title[: MediaImage._meta.get_field("caption").max_length],
        credit=card.provider[: MediaImage._meta.get_field("credit").max_length],
    )
    try:
        image.save()
    except ValidationError as error:
        logger.info("embed thumbnail refused (%s): %s", card.url, error)
        return None
    return image


def card_link(card, thumbnail=None):
    """The card: one link holding the thumbnail, the title and who made it."""
    meta = " · ".join(part for part in (card.provider, card.author) if part)
    text = Element(
        "span",
        {"class": "embed-card__text"},
        [
            Element("span", {"class": "embed-card__title"}, [card.title]),
            " ",
            Element("span", {"class": "embed-card__meta"}, [meta]),
        ],
    )
    children = [text]
    if thumbnail is not None:
        # The stored copy itself: a provider's thumbnail is small, and it was stored
        # without the background renditions (see `store_thumbnail`).
        attrs = {"class": "embed-card__thumbnail", "src": thumbnail.url, "alt": ""}
        attrs |= _size(thumbnail.width, thumbnail.height) | {"loading": "lazy"}
        children.insert(0, Element("img", attrs | {"decoding": "async"}))
    return Element("a", {"class": "embed-card", "href": card.url}, children)
