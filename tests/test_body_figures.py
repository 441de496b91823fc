"""Figures of library images inside stories, and the editor's library picker."""

import re

import pytest
from django.urls import reverse

from articles import media, richtext
from articles.models import Article

from .factories import ArticleFactory, article_admin_data, image_upload, make_editor, make_writer

pytestmark = pytest.mark.django_db

PICKER = "admin:articles_article_library_images"


def library_image(**texts):
    texts = {
        "alt": "The bridge over the Svislach",
        "caption": "Minsk at dawn.",
        "credit": "Ada Lovelace/dpa",
    } | texts
    return media.add_image(image_upload(size=(1600, 900)), **texts)


def figure(image, caption="", alt=""):
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="/media/old.webp" alt="{alt}" data-file="{image.pk}">{cap}</figure>'


def story(*figures, before=3):
    intro = "".join(f"<p>Paragraph {n}.</p>" for n in range(before))
    return ArticleFactory(body=intro + "".join(figures) + "<p>The end.</p>")


def shown_figures(html):
    return re.findall(r'<figure id="b-[0-9a-f-]+">.*?</figure>', html, flags=re.S)


def test_a_library_figure_shows_every_rendition_its_size_caption_and_credit(client):
    image = library_image()
    article = story(figure(image))
    [shown] = shown_figures(client.get(article.get_absolute_url()).content.decode())
    srcset = re.search(r'srcset="([^"]+)"', shown).group(1)
    assert srcset == image.srcset()
    assert re.findall(r" (\d+)w", srcset) == [str(r.width) for r in image.renditions()]
    assert 'sizes="(min-width: 48rem) 46rem, calc(100vw - 2rem)"' in shown
    src = re.search(r' src="([^"]+)"', shown).group(1)
    fallback = next(r for r in image.renditions() if r.url == src)
    assert f'width="{fallback.width}" height="{fallback.height}"' in shown
    assert (
        abs(fallback.width * 900 - fallback.height * 1600) < 1600
    )  # no layout shift: its true ratio
    assert 'alt="The bridge over the Svislach"' in shown
    assert 'loading="lazy"' in shown
    assert (
        '<figcaption>Minsk at dawn. <span class="figure__credit">Ada Lovelace/dpa</span>'
        "</figcaption>" in shown
    )
    assert "/media/old.webp" not in shown


def test_only_a_figure_among_the_first_blocks_loads_at_once():
    image = library_image()
    article = story(figure(image), before=0)
    article.body += figure(image)
    article.save()
    first, second = shown_figures(article.body_html)
    assert 'loading="eager"' in first
    assert 'loading="lazy"' in second


def test_a_caption_or_alt_text_typed_in_the_story_wins_over_the_librarys():
    image = library_image()
    article = story(
        figure(image, caption="The <em>old</em> bridge, rebuilt in 1956.", alt="A bridge")
    )
    [shown] = shown_figures(article.body_html)
    assert "<figcaption>The <em>old</em> bridge, rebuilt in 1956. " in shown
    assert "Ada Lovelace/dpa" in shown  # the credit is the image's, always
    assert 'alt="A bridge"' in shown


def test_a_caption_or_credit_changed_in_the_library_shows_on_the_storys_next_save():
    image = library_image()
    article = story(figure(image))
    image.caption, image.credit = "Minsk at dusk.", "Belta"
    image.save()
    article.refresh_from_db()
    article.save()
    [shown] = shown_figures(article.body_html)
    assert '<figcaption>Minsk at dusk. <span class="figure__credit">Belta</span>' in shown


def test_a_story_with_many_figures_looks_up_the_library_once(django_assert_num_queries):
    images = [library_image(caption=f"Picture {n}.") for n in range(6)]
    body = "<p>Intro.</p>" + "".join(figure(image) for image in images)
    article = ArticleFactory.build(body=body)
    with django_assert_num_queries(1):
        html = richtext.render_body(article.body)
    assert len(shown_figures(html)) == 6


def test_a_figure_whose_library_image_is_gone_keeps_its_caption_only():
    image = library_image()
    article = story(figure(image, caption="Typed caption."))
    image.delete()
    article.save()
    [shown] = shown_figures(article.body_html)
    assert "<img" not in shown
    assert "Typed caption." in shown


# --- The editor's picker ------------------------------------------------------------------


def test_the_picker_lists_library_images_found_by_caption_credit_or_alt(client):
    bridge = library_image()
    tram = library_image(alt="A tram", caption="Trams return.", credit="TASS")
    client.force_login(make_writer())
    listed = client.get(reverse(PICKER)).json()["images"]
    assert len(listed) == 2
    found = client.get(reverse(PICKER), {"q": "svislach dawn"}).json()["images"]
    assert [i["id"] for i in found] == [bridge.pk]
    assert found[0]["caption"] == "Minsk at dawn." and found[0]["credit"] == "Ada Lovelace/dpa"
    assert found[0]["thumbnail"].startswith("/media/") and found[0]["src"].startswith("/media/")
    found = client.get(reverse(PICKER), {"q": "tass"}).json()["images"]
    assert [i["id"] for i in found] == [tram.pk]


def test_the_picker_is_for_staff_who_write_only(client, django_user_model):
    library_image()
    assert client.get(reverse(PICKER)).status_code == 302  # to the sign-in
    reader = django_user_model.objects.create_user("reader", password="x" * 12)
    client.force_login(reader)
    assert client.get(reverse(PICKER)).status_code == 302
    client.force_login(make_editor())
    assert client.post(reverse(PICKER)).status_code == 405


def test_an_editor_saves_a_figure_through_the_admin_form(client):
    image = library_image()
    editor = make_editor()
    client.force_login(editor)
    article = ArticleFactory()
    data = article_admin_data(article, body="<p>Intro.</p>" + figure(image))
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(pk=article.pk)
    assert f'data-file="{image.pk}"' in article.body  # what the editor keeps
    [shown] = shown_figures(article.body_html)
    assert image.srcset() in shown


def test_comments_on_an_uncaptioned_figure_stay_with_it_when_one_is_put_above():
    first = library_image(alt="A tram", caption="", credit="")
    second = library_image(alt="A bridge", caption="", credit="")
    article = story(figure(first))
    [before] = [b for b in article.blocks() if b.tag == "figure"]
    article.body = article.body.replace(figure(first), figure(second) + figure(first))
    article.save()
    shown = {b.id: b for b in article.blocks() if b.tag == "figure"}
    assert len(shown) == 2
    # The comment's passage still shows the first picture, not the one put above it.
    assert 'alt="A tram"' in shown[before.id].inner_html


def test_a_figure_of_another_image_does_not_take_the_place_of_one_taken_out():
    first = library_image(alt="A tram", caption="", credit="")
    second = library_image(alt="A bridge", caption="", credit="")
    article = story(figure(first))
    [before] = [b for b in article.blocks() if b.tag == "figure"]
    article.body = article.body.replace(figure(first), figure(second))
    article.save()
    [after] = [b for b in article.blocks() if b.tag == "figure"]
    assert after.id != before.id


def test_a_library_image_without_alt_text_is_described_by_its_caption():
    image = library_image(alt="", caption="Minsk at dawn.", credit="dpa")
    [shown] = shown_figures(story(figure(image)).body_html)
    assert 'alt="Minsk at dawn."' in shown
    image = library_image(alt="", caption="", credit="")
    [shown] = shown_figures(story(figure(image)).body_html)
    assert 'alt=""' in shown  # an <img> always says whether it has a text


@pytest.mark.parametrize(
    "body",
    [
        "<p>Click <img> me</p>",
        '<p>Look <img src="https://evil.example/x.png" alt="x"> here</p>',
        '<table><tbody><tr><td>A <img src="javascript:x"> cell</td></tr></tbody></table>',
        "<ul><li>One <img> item</li></ul>",
        "<figure><img><figcaption>Only words.</figcaption></figure>",
    ],
)
def test_no_image_without_an_address_reaches_the_page(body):
    html = richtext.render_body(body)
    assert "<img" not in html
    assert re.sub(r"<[^>]+>", "", html).strip()  # the words stay


def test_an_image_of_ours_inside_a_paragraph_always_has_an_alt_attribute():
    html = richtext.render_body('<p>See <img src="/media/articles/a.webp"> here</p>')
    assert re.search(r'<img src="/media/articles/a.webp"[^>]* alt=""', html)
