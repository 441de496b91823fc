import pytest
from playwright.sync_api import expect

from articles.models import Article, Comment

from ..factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_SLUG = "belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure"
SENTENCE = "The schedule included lunch and skiing together at the Black Sea resort."


def _select(page, block_id, words):
    """Select `words` in a paragraph, as a reader dragging the mouse over them would."""
    page.evaluate(
        """([blockId, words]) => {
            const text = document.getElementById(blockId).firstChild;
            const start = text.data.indexOf(words);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [block_id, words],
    )


def test_a_reader_selects_a_sentence_and_posts_feedback_on_it(live_server, page, console_errors):
    article = Article.objects.get(slug=SEED_SLUG)
    block_id = next(b.id for b in article.blocks() if b.text == SENTENCE)
    # An address with an approved comment posts directly (see articles/moderation.py).
    CommentFactory(article=ArticleFactory(), email="ann@example.com")

    page.goto(live_server.url + article.get_absolute_url())
    _select(page, block_id, SENTENCE)
    offer = page.get_by_role("button", name="Comment on this passage")
    expect(offer).to_be_visible()
    offer.click()

    panel = page.locator(f"#panel-{block_id}")
    expect(panel.get_by_label("The words you comment on")).to_have_value(SENTENCE)
    panel.get_by_label("Name").fill("Ann Reader")
    panel.get_by_label("Email").fill("ann@example.com")
    panel.get_by_label("Comment:", exact=True).fill("Skiing at a summit seems odd.")
    page.wait_for_timeout(3200)  # the spam guard refuses forms sent within 3 seconds
    panel.get_by_role("button", name="Post comment").click()

    expect(panel).to_contain_text("your comment is published")
    thread_item = page.locator("[data-comment-list] > li").first
    expect(thread_item.locator(".comment__quote")).to_contain_text(SENTENCE)
    expect(thread_item).to_contain_text("Skiing at a summit seems odd.")
    comment = Comment.objects.get(article=article)
    assert (comment.status, comment.block_id, comment.quote) == ("approved", block_id, SENTENCE)

    # Next visit: the passage has a marker button that opens its last comments.
    page.reload()
    marker = page.get_by_role("button", name="1 comment on this passage")
    expect(marker).to_have_attribute("aria-expanded", "false")
    marker.click()
    expect(marker).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#panel-{block_id}")).to_contain_text("Skiing at a summit seems odd.")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
