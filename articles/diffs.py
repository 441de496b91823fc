"""Pure helpers for revisions: a readable word-level diff and a three-way merge.

Nothing here touches the database. Texts are escaped before they are marked up, so
hostile text kept in an old revision shows as text, never as markup.
"""

import difflib
import html
import re
from html.parser import HTMLParser

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# Words and the whitespace between them, so a diff keeps the text's own spacing.
_TOKENS = re.compile(r"\s+|[^\s]+")
_BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "br", "ul", "ol"}


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(markup):
    """What a reader sees of some HTML: its text, one line per block."""
    parser = _TextOf()
    parser.feed(markup or "")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


class _Canonical(HTMLParser):
    """Markup in one spelling: attributes sorted, each run of whitespace one space."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        spelled = "".join(f' {k}="{html.escape(v or "")}"' for k, v in sorted(attrs))
        self.parts.append(f"<{tag}{spelled}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(_SPACES.sub(" ", html.escape(data)))


_SPACES = re.compile(r"\s+")
# Whitespace beside a block's own tags is no part of what readers see.
_BESIDE_BLOCKS = re.compile(
    r" ?(</?(?:p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|table|thead|tbody|tr|th|td"
    r"|aside|br|img)(?: [^>]*)?>) ?"
)


def canonical_html(markup):
    """Markup spelled one way, so that two editors' serializations of the same body
    compare equal while a change of formatting, a link or a figure does not."""
    parser = _Canonical()
    parser.feed(markup or "")
    parser.close()
    return _BESIDE_BLOCKS.sub(r"\1", "".join(parser.parts))


def word_diff(old, new):
    """`new` against `old`, word by word: removed words in <del>, added in <ins>."""
    old_words, new_words = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    pieces = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_words[i1:i2]), "".join(new_words[j1:j2])
        if op == "equal":
            pieces.append(html.escape(added))
            continue
        if removed:
            pieces.append(format_html("<del>{}</del>", removed))
        if added:
            pieces.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(str(piece) for piece in pieces))


def changed_lines(old, new):
    """A diff of two multi-line texts, as a <p> per line of the newer text's shape."""
    return format_html_join(
        "", "<p>{}</p>", ((word_diff(a, b),) for a, b in _paired_lines(old, new))
    )


def _paired_lines(old, new):
    old_lines, new_lines = (old or "").split("\n"), (new or "").split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield from ((line, line) for line in new_lines[j1:j2])
        elif op == "replace":
            yield "\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])
        else:
            yield from ((line, "") for line in old_lines[i1:i2])
            yield from (("", line) for line in new_lines[j1:j2])


def _equal(name, a, b):
    return a == b


def three_way(original, theirs, yours, same=_equal):
    """Merge two editors' changes to the same starting point, field by field.

    Returns (merged, conflicts): a field only one side changed takes that side's
    value; a field both changed to different values is listed in `conflicts` (and
    keeps yours in `merged`, so nothing typed is lost). `same(name, a, b)` says
    whether two values of a field are the same.
    """
    merged, conflicts = {}, []
    for name, mine in yours.items():
        before, other = original.get(name), theirs.get(name)
        if same(name, mine, other) or same(name, other, before):
            merged[name] = mine
        elif same(name, mine, before):
            merged[name] = other
        else:
            merged[name] = mine
            conflicts.append(name)
    return merged, conflicts
