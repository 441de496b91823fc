"""
Article bodies: sanitized HTML split into top-level blocks, each with a stable id.

Inline feedback anchors to a block id, so ids must survive edits: a block keeps
its id when its text is unchanged (wherever it moves) or only lightly edited.
New blocks get an id derived from their text, so the same body always gets the
same ids (the seed story loads identically every time).
"""

import hashlib
import html
from dataclasses import dataclass
from difflib import SequenceMatcher
from html.parser import HTMLParser

import nh3

# What editors may use in a body; everything else is stripped on save.
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "strong", "em", "b", "i",
    "u", "s", "a", "br", "sub", "sup", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
BLOCK_TAGS = {"p", "h2", "h3", "h4", "blockquote", "ul", "ol"}
VOID_TAGS = {"br", "img", "hr", "wbr"}
# A lightly edited block keeps its id when its text is at least this similar.
SIMILARITY_TO_KEEP_ID = 0.6


def sanitize(body):
    """Strip everything but the allowed markup; links get rel=noopener."""
    return nh3.clean(
        body or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@dataclass
class Block:
    tag: str
    inner_html: str
    text: str
    id: str = ""

    def render(self):
        return f'<{self.tag} id="{self.id}">{self.inner_html}</{self.tag}>'


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
            self.blocks.append(Block(tag, "", ""))
            self.existing_ids.append(dict(attrs).get("id") or "")
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
        if tag in {"li"}:
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


def _text_id(text, taken):
    base = "b-" + hashlib.sha1(text.encode()).hexdigest()[:8]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def assign_block_ids(blocks, previous_blocks=()):
    """Give each block the id of its previous version, or a new one from its text."""
    unmatched = {b.id: b.text for b in previous_blocks if b.id}
    taken = set()
    # Identical text keeps its id, wherever the block moved.
    for block in blocks:
        match = next((i for i, t in unmatched.items() if t == block.text), None)
        if match:
            block.id = match
            taken.add(match)
            del unmatched[match]
        else:
            block.id = ""
    # A lightly edited block keeps the id of the most similar old block.
    for block in blocks:
        if block.id or not unmatched:
            continue
        scored = [
            (SequenceMatcher(None, text, block.text).ratio(), old_id)
            for old_id, text in unmatched.items()
        ]
        score, old_id = max(scored)
        if score >= SIMILARITY_TO_KEEP_ID:
            block.id = old_id
            taken.add(old_id)
            del unmatched[old_id]
    for block in blocks:
        if not block.id:
            block.id = _text_id(block.text, taken | set(unmatched))
            taken.add(block.id)
    return blocks


def render_body(body, previous_html=""):
    """Sanitize an editor's body and return HTML whose blocks carry stable ids."""
    blocks = assign_block_ids(split_blocks(sanitize(body)), split_blocks(previous_html))
    return "\n".join(block.render() for block in blocks)


def paragraphs_to_html(text):
    """Turn plain text (blank-line separated paragraphs) into escaped <p> blocks."""
    paragraphs = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n")]
    return "\n".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)
