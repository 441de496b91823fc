"""The article page loads the styles of what its body may hold (figures, tables, embeds)."""

import pytest


@pytest.mark.django_db
def test_the_article_page_loads_the_body_media_styles_after_the_sites(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    site, body_media = page.find("/static/css/site"), page.find("/static/css/body-media")
    assert -1 < site < body_media
    assert page.count("/static/css/body-media") == 1
