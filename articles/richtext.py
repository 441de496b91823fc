"""
Article bodies: sanitized HTML split into top-level blocks, each with a stable id.

Inline feedback anchors to a block id, so ids must survive edits: a block keeps
its id when its text is unchanged (wherever it moves) or only lightly edited.
New blocks get an id derived from their text, so the same body always gets the
same ids (the seed story loads identically every time).
"""

import hashlib
import html
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.urls import reverse_lazy

from . import body_media, bodytree

# The body editor's extensions (django-prose-editor): what an editor can make. Our own
# (library image, pull quote, embed) are in static/js/body-media.js, registered by
# DJANGO_PROSE_EDITOR_EXTENSIONS in settings.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Figure": True,
    "Image": True,
    "Caption": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "LibraryImage": {"listUrl": reverse_lazy("admin:articles_article_library_images")},
    "PullQuote": True,
    "Embed": True,
}

# What editors may use in a body; everything else is stripped on save. Figures, tables,
# pull quotes (blockquote.pull-quote) and embeds (p.embed-link holding one link) are
# rebuilt from this by `articles.body_media`.
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "strong", "em", "b", "i",
    "u", "s", "a", "br", "sub", "sup", "code",
    "figure", "figcaption", "img", "aside",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "data-file"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_VALUES = {"th": {"scope": {"col", "row", "colgroup", "rowgroup"}}}
ALLOWED_CLASSES = {"p": {"embed-link"}, "blockquote": {"pull-quote"}}
# What the rebuilt blocks add: responsive images and the embed card (no iframe, no
# image from another host: the page never asks a third party for anything).
OUTPUT_ATTRIBUTES = ALLOWED_ATTRIBUTES | {
    "img": {"src", "alt", "width", "height", "srcset", "sizes"},
}
OUTPUT_VALUES = ALLOWED_VALUES | {
    "img": {"loading": {"lazy", "eager"}, "decoding": {"async"}},
}
OUTPUT_CLASSES = {
    "a": {"embed-card"},
    "img": {"embed-card__thumbnail"},
    "span": {"embed-card__text", "embed-card__title", "embed-card__meta", "figure__credit"},
}
OUTPUT_TAGS = ALLOWED_TAGS | {"span"}
BLOCK_TAGS = {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "figure", "table", "aside"}
VOID_TAGS = {"br", "img", "hr", "wbr"}
# A lightly edited block keeps its id when its text is at least this similar.
SIMILARITY_TO_KEEP_ID = 0.6
_NUMBER = re.compile(r"[1-9][0-9]{0,4}")
_URL_ATTRIBUTES = {("img", "src"), ("img", "srcset")}


def is_media_url(url):
    """Whether an image address is one of our own media files (never another host)."""
    url = url.strip()
    media = settings.MEDIA_URL
    return (
        url.startswith(media)
        and not url.startswith("//")
        and "\\" not in url
        and not any(ch.isspace() for ch in url)
        and len(url) > len(media)
    )


def _keep_attribute(element, attribute, value):
    """nh3's attribute filter: images only from our media, sizes only as numbers."""
    if (element, attribute) in _URL_ATTRIBUTES:
        urls = [part.strip().split(" ")[0] for part in value.split(",")]
        return value if all(is_media_url(url) for url in urls) else None
    if attribute in {"width", "height", "colspan", "rowspan"}:
        return value if _NUMBER.fullmatch(value.strip()) else None
    if attribute == "data-file":
        return value if value.strip().isdigit() else None
    return value


def sanitize(body):
    """Strip everything but the allowed markup; links get rel=noopener."""
    return nh3.clean(
        body or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        tag_attribute_values=ALLOWED_VALUES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def sanitize_output(fragment):
    """The same for the markup of a rebuilt block, with what those blocks add."""
    return nh3.clean(
        fragment or "",
        tags=OUTPUT_TAGS,
        attributes=OUTPUT_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        tag_attribute_values=OUTPUT_VALUES,
        allowed_classes=OUTPUT_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@dataclass
class Block:
    tag: str
    inner_html: str
    text: str
    id: str = ""
    # The block's own attributes as sanitized (a class marking a pull quote or an
    # embed); `render` writes only the id, which inline feedback finds blocks by.
    attrs: dict = field(default_factory=dict)

    def render(self):
        return f'<{self.tag} id="{self.id}">{self.inner_html}</{self.tag}>'

    @property
    def subject(self):
        """What a figure shows: its image's address, or its card's link ("" for other
        blocks). Two figures without a caption have the same (empty) text; this keeps
        each one's id, and the comments on it, with its own picture."""
        if self.tag != "figure":
            return ""
        root = bodytree.Element("", children=bodytree.parse(self.inner_html))
        img, link = root.first("img"), root.first("a")
        if img is not None and img.attrs.get("src"):
            return img.attrs["src"]
        return link.attrs.get("href", "") if link is not None else ""


class _BlockSplitter(HTMLParser):
    """Split well-formed (sanitized) HTML into its top-level elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.depth = 0
        self.stray = False
        self.existing_ids = []

    def _current(self):
        if self.depth == 0 or not self.blocks:
            # Stray inline content at the top level becomes its own paragraph.
            self.blocks.append(Block("p", "", ""))
            self.existing_ids.append("")
            self.depth = 1
            self.stray = True
        return self.blocks[-1]

    def handle_starttag(self, tag, attrs):
        if self.stray and self.depth == 1 and tag in BLOCK_TAGS:
            self.depth, self.stray = 0, False
        if self.depth == 0 and tag in BLOCK_TAGS:
            attrs = {name: value or "" for name, value in attrs}
            self.blocks.append(Block(tag, "", "", attrs=attrs))
            self.existing_ids.append(attrs.pop("id", ""))
            self.depth = 1
            return
        block = self._current()
        block.inner_html += self.get_starttag_text()
        if tag not in VOID_TAGS:
            self.depth += 1
        elif tag == "br":
            block.text += "\n"

    def handle_endtag(self, tag):
        if self.depth == 0:
            return
        if self.depth == 1:
            # The block's own end tag; in a stray paragraph, an unmatched one.
            self.depth, self.stray = (0, False) if not self.stray else (1, True)
            return
        self.blocks[-1].inner_html += f"</{tag}>"
        self.depth -= 1
        if tag in {"li", "th", "td"}:
            self.blocks[-1].text += "\n"

    def handle_data(self, data):
        if self.depth == 0 and not data.strip():
            return
        block = self._current()
        block.inner_html += html.escape(data, quote=False)
        block.text += data


def split_blocks(body_html):
    """Return the top-level blocks of sanitized HTML, with any ids it carries."""
    splitter = _BlockSplitter()
    splitter.feed(body_html or "")
    splitter.close()
    blocks = []
    for block, existing_id in zip(splitter.blocks, splitter.existing_ids, strict=True):
        block.text = block.text.strip()
        if block.text or "<" in block.inner_html:
            block.id = existing_id
            blocks.append(block)
    return blocks


def _text_id(text, taken, subject=""):
    seed = f"{text}\n{subject}" if subject else text
    base = "b-" + hashlib.sha1(seed.encode()).hexdigest()[:8]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def assign_block_ids(blocks, previous_blocks=()):
    """Give each block the id of its previous version, or a new one from its text.

    A figure is only ever the previous version of a figure of the same picture."""
    unmatched = {b.id: (b.text, b.subject) for b in previous_blocks if b.id}
    subjects = {id(block): block.subject for block in blocks}
    taken = set()
    # Identical text keeps its id, wherever the block moved.
    for block in blocks:
        key = (block.text, subjects[id(block)])
        match = next((i for i, old in unmatched.items() if old == key), None)
        if match:
            block.id = match
            taken.add(match)
            del unmatched[match]
        else:
            block.id = ""
    # A lightly edited block keeps the id of the most similar old block.
    for block in blocks:
        subject = subjects[id(block)]
        scored = [
            (SequenceMatcher(None, text, block.text).ratio(), old_id)
            for old_id, (text, old_subject) in unmatched.items()
            if old_subject == subject
        ]
        if block.id or not scored:
            continue
        score, old_id = max(scored)
        if score >= SIMILARITY_TO_KEEP_ID:
            block.id = old_id
            taken.add(old_id)
            del unmatched[old_id]
    for block in blocks:
        if not block.id:
            block.id = _text_id(block.text, taken | set(unmatched), subjects[id(block)])
            taken.add(block.id)
    return blocks


def render_body(body, previous_html=""):
    """Sanitize an editor's body and return HTML whose blocks carry stable ids."""
    previous = split_blocks(previous_html)
    rebuilt = body_media.rebuild(split_blocks(sanitize(body)), previous, sanitize_output)
    # Read again, so that each block's text is the one readers' pages will find.
    blocks = split_blocks("".join(block.render() for block in rebuilt))
    blocks = assign_block_ids(blocks, previous)
    return "\n".join(block.render() for block in blocks)


def paragraphs_to_html(text):
    """Turn plain text (blank-line separated paragraphs) into escaped <p> blocks."""
    paragraphs = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n")]
    return "\n".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)
