"""
A small tree of sanitized body HTML, for the blocks that are rebuilt on save (figures,
tables, embeds, pull quotes: see `articles.body_media`).

Rendered markup is never edited as text: a block is parsed into elements, changed as
elements, and written out again with every text and attribute value escaped.
"""

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_TAGS = {"br", "img", "hr", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # Elements and strings (plain text)

    def elements(self, tag=None):
        """Every element below this one, in document order, optionally of one tag."""
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.elements(tag)

    def first(self, tag):
        return next(self.elements(tag), None)

    def text(self):
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        # Close up to the matching open element; a stray end tag is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(fragment):
    """The nodes (Elements and strings) of an HTML fragment."""
    builder = _TreeBuilder()
    builder.feed(fragment or "")
    builder.close()
    return builder.root.children


def serialize(nodes):
    """HTML for nodes, every text and attribute value escaped."""
    return "".join(_serialize(node) for node in nodes)


def _serialize(node):
    if isinstance(node, str):
        return html.escape(node, quote=False)
    attrs = "".join(f' {name}="{html.escape(value)}"' for name, value in node.attrs.items())
    if node.tag in VOID_TAGS:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{serialize(node.children)}</{node.tag}>"
