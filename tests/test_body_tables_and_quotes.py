"""Tables and pull quotes inside stories, what the sanitizer keeps of hostile body HTML,
and passages (figures and tables too) that readers can comment on."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from articles import richtext

from .factories import ArticleFactory, started_token

pytestmark = pytest.mark.django_db

TABLE = (
    "<table><tbody>"
    '<tr><th colspan="1" rowspan="1"><p>City</p></th><th><p>Turnout</p></th></tr>'
    "<tr><th><p>Minsk</p></th><td><p>61 %</p></td></tr>"
    "<tr><th><p>Brest</p></th><td><p>58 %</p></td></tr>"
    "</tbody></table>"
)
PULL_QUOTE = '<blockquote class="pull-quote"><p>We will not be pressured.</p></blockquote>'
FIGURE = '<figure><img src="/media/articles/bridge.webp" alt="A bridge" width="800" height="450"><figcaption>The bridge at dawn.</figcaption></figure>'


def story(body):
    return ArticleFactory(body=f"<p>Leaders met in Minsk.</p>{body}<p>They will meet again.</p>")


def test_a_table_reaches_readers_with_header_cells_that_say_what_they_head(client):
    article = story(TABLE)
    page = client.get(article.get_absolute_url()).content.decode()
    table = re.search(r"<table id=\"b-[0-9a-f-]+\">.*?</table>", page, flags=re.S)
    assert table, "the table was stripped"
    table = table.group(0)
    assert (
        '<thead><tr><th scope="col"><p>City</p></th><th scope="col"><p>Turnout</p></th></tr></thead>'
        in table
    )
    assert '<th scope="row"><p>Minsk</p></th><td><p>61 %</p></td>' in table
    assert "colspan" not in table  # the editor's colspan="1" says nothing


def test_a_table_keeps_real_spans_and_drops_nonsense_ones():
    html = richtext.render_body(
        '<table><tbody><tr><td colspan="2">Both</td></tr>'
        '<tr><td rowspan="x" colspan="99999999">A</td><td>B</td></tr></tbody></table>'
    )
    assert '<td colspan="2">Both</td>' in html
    assert "<td>A</td>" in html


def test_a_pull_quote_is_set_apart_from_the_text():
    article = story(PULL_QUOTE)
    assert re.search(
        r'<aside id="b-[0-9a-f-]+"><blockquote><p>We will not be pressured.</p></blockquote></aside>',
        article.body_html,
    )
    # A plain quotation stays a quotation.
    article = story("<blockquote><p>As the saying goes.</p></blockquote>")
    assert re.search(r'<blockquote id="b-[0-9a-f-]+"><p>As the saying goes.</p>', article.body_html)


def test_a_figure_of_our_own_image_keeps_its_caption_size_and_loads_lazily():
    article = ArticleFactory(body="<p>One.</p><p>Two.</p><p>Three.</p>" + FIGURE)
    assert re.search(
        r'<figure id="b-[0-9a-f-]+"><img src="/media/articles/bridge.webp" alt="A bridge" '
        r'width="800" height="450" loading="lazy" decoding="async">'
        r"<figcaption>The bridge at dawn.</figcaption></figure>",
        article.body_html,
    )


def test_figures_tables_and_pull_quotes_are_passages_readers_can_comment_on(client):
    article = story(FIGURE + TABLE + PULL_QUOTE)
    blocks = {block.tag: block for block in article.blocks()}
    assert {"figure", "table", "aside"} <= blocks.keys()
    page = client.get(article.get_absolute_url()).content.decode()
    for block in blocks.values():
        assert f'data-passage="{block.id}"' in page
    response = client.post(
        reverse("articles:comment-post", args=[article.pk]),
        {
            "name": "Ann Reader",
            "email": "ann@example.com",
            "body": "Brest's figure looks low.",
            "form_started": started_token(),
            "block": blocks["table"].id,
            "quote": "58 %",
        },
    )
    assert response.status_code == 302
    assert article.comments.get().block_id == blocks["table"].id


def test_a_figure_keeps_its_passage_when_the_text_around_it_changes():
    article = story(FIGURE)
    figure_id = next(b.id for b in article.blocks() if b.tag == "figure")
    article.body = "<p>A new first paragraph.</p>" + FIGURE
    article.save()
    assert next(b.id for b in article.blocks() if b.tag == "figure") == figure_id


# --- Hostile markup ----------------------------------------------------------------------

# (what an attacker sends, what must not come out, what must still come out)
HOSTILE = [
    ('<figure><img src="/media/a.webp" onerror="alert(1)"></figure>', "onerror", '<img src="/media/a.webp"'),
    ('<figure><img src="https://evil.example/a.webp"><figcaption>Cap</figcaption></figure>', "evil.example", "<figcaption>Cap</figcaption>"),
    ('<figure><img src="//evil.example/media/a.webp"><figcaption>Cap</figcaption></figure>', "evil.example", "<figcaption>Cap</figcaption>"),
    ('<figure><img src="javascript:alert(1)"><figcaption>Cap</figcaption></figure>', "javascript", "<figcaption>Cap</figcaption>"),
    ('<figure><img src="data:image/png;base64,AAAA"><figcaption>Cap</figcaption></figure>', "data:", "<figcaption>Cap</figcaption>"),
    ('<figure><img src="/media/a.webp" srcset="https://evil.example/a.webp 2x"></figure>', "evil.example", '<img src="/media/a.webp"'),
    ('<figure><img src="/media/a.webp" style="position:fixed"></figure>', "style", '<img src="/media/a.webp"'),
    ('<figure onclick="x()"><img src="/media/a.webp"></figure>', "onclick", '<img src="/media/a.webp"'),
    ('<figure><iframe src="https://evil.example/"></iframe><img src="/media/a.webp"></figure>', "iframe", '<img src="/media/a.webp"'),
    ('<table style="background:url(https://evil.example/t)"><tbody><tr><td>Cell</td></tr></tbody></table>', "evil.example", "<td>Cell</td>"),
    ('<table><tbody><tr><td onmouseover="x()" background="https://evil.example/b">Cell</td></tr></tbody></table>', "evil.example", "<td>Cell</td>"),
    ('<table><tbody><tr><th scope="javascript:x">Head</th></tr></tbody></table>', "javascript", "<th scope=\"col\">Head</th>"),
    ('<table><tbody><tr><td>Cell<script>alert(1)</script></td></tr></tbody></table>', "script", "<td>Cell</td>"),
    ('<blockquote class="pull-quote evil" onclick="x()"><p>Said.</p></blockquote>', "onclick", "<blockquote><p>Said.</p></blockquote>"),
    ('<aside style="color:red"><blockquote><p>Said.</p></blockquote></aside>', "style", "<blockquote><p>Said.</p></blockquote>"),
    ('<p class="embed-link"><a href="javascript:alert(1)">Watch</a></p><table><tbody><tr><td>Cell</td></tr></tbody></table>', "javascript", "<td>Cell</td>"),
    ('<figure><object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x"><img src="/media/a.webp"></figure>', "evil.example", '<img src="/media/a.webp"'),
    ('<figure><svg onload="alert(1)"><image href="https://evil.example/x"/></svg><img src="/media/a.webp"></figure>', "svg", '<img src="/media/a.webp"'),
    ('<figure><img src="/media/a.webp" width="100%" height="-1" data-file="1 OR 1"></figure>', "100%", '<img src="/media/a.webp"'),
    ('<figure><img src="/media/a.webp" loading="eager" sizes="javascript:x"></figure>', "javascript", '<img src="/media/a.webp" loading="lazy"'),
]  # fmt: skip


@pytest.mark.parametrize(("hostile", "removed", "kept"), HOSTILE)
def test_hostile_body_markup_is_stripped_and_the_rest_kept(hostile, removed, kept):
    html = richtext.render_body("<p>One.</p><p>Two.</p>" + hostile)
    assert removed not in html
    assert kept in html


class _Markup(HTMLParser):
    """Every tag and attribute of a page fragment."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _markup(html):
    parser = _Markup()
    parser.feed(html)
    return parser.found


TAGS = ["figure", "figcaption", "img", "table", "tbody", "thead", "tr", "th", "td", "p",
        "blockquote", "aside", "a", "script", "iframe", "style", "svg", "object", "video",
        "source", "link", "meta", "base", "form", "input", "math", "span", "div"]  # fmt: skip
ATTRIBUTES = ["src", "srcset", "href", "style", "onerror", "onload", "onclick", "class",
              "data-file", "width", "scope", "sizes", "loading", "id", "formaction", "poster",
              "background", "xlink:href"]  # fmt: skip
VALUES = st.sampled_from(
    ["/media/a.webp", "https://evil.example/x.png", "//evil.example/x", "javascript:alert(1)",
     "data:text/html,<script>alert(1)</script>", "/media/a.webp 2x, https://evil.example/b 3x",
     "pull-quote", "embed-link", "x\" onerror=\"alert(1)", "1", "b-12345678", "vbscript:x"]
)  # fmt: skip


@st.composite
def hostile_bodies(draw, depth=3):
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.dictionaries(st.sampled_from(ATTRIBUTES), VALUES, max_size=4))
    rendered = "".join(f' {name}="{value}"' for name, value in attrs.items())
    inner = draw(st.lists(hostile_bodies(depth=depth - 1), max_size=3)) if depth else []
    return f"<{tag}{rendered}>{draw(st.text(max_size=8))}{''.join(inner)}</{tag}>"


@given(body=st.lists(hostile_bodies(), min_size=1, max_size=4))
def test_no_generated_body_gets_script_styles_or_another_hosts_address_through(body):
    html = richtext.render_body("".join(body))
    for tag, attrs in _markup(html):
        assert tag in richtext.OUTPUT_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in {"src", "srcset"}:
                assert all(
                    url.strip().split(" ")[0].startswith(settings.MEDIA_URL)
                    for url in value.split(",")
                ), value
            if name == "href":
                assert not value.lower().startswith(("javascript:", "data:", "vbscript:"))
            if name == "id":
                assert re.fullmatch(r"b-[0-9a-f]{8}(-\d+)?", value), value


def test_a_table_caption_says_what_the_table_is():
    html = richtext.render_body(
        "<table><caption>Turnout by <em>city</em></caption><tbody>"
        "<tr><th>City</th><th>Turnout</th></tr><tr><td>Minsk</td><td>61 %</td></tr>"
        "</tbody></table>"
    )
    assert re.search(
        r'<table id="b-[0-9a-f-]+"><caption>Turnout by <em>city</em></caption><thead>', html
    )
    # A caption written after the rows still comes first, where HTML wants it.
    html = richtext.render_body(
        "<table><tbody><tr><td>Minsk</td></tr></tbody><caption>Cities</caption></table>"
    )
    assert re.search(r'<table id="b-[0-9a-f-]+"><caption>Cities</caption><tbody>', html)
