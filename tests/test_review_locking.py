"""Review steps taken at the same moment: the first wins, the others are refused."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, ArticleRevision

from .factories import ArticleFactory, make_editor, make_writer


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL naming one; CI has it): SQLite's in-memory test "
    "database, shared by threads, refuses a second writer instead of making it wait",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_editors_taking_steps_at_once_take_one(monkeypatch, mailoutbox):
    writer = make_writer()
    article = ArticleFactory(status=Article.Status.IN_REVIEW, publish_at=None, created_by=writer)
    checked = workflow._check_in

    def slow_check(*args):
        # Holding the check open long enough for the other steps to reach their own.
        checked(*args)
        time.sleep(0.3)

    monkeypatch.setattr(workflow, "_check_in", slow_check)
    codes = []

    def take(client, step, data):
        url = reverse(f"admin:articles_article_{step}", args=[article.pk])
        codes.append(client.post(url, data).status_code)
        connection.close()

    steps = [("publish_now", {})] * 3 + [("send_back", {"note": "Hold it."})]
    threads = [
        threading.Thread(target=take, args=(_editor_client(), step, data)) for step, data in steps
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302] * 4
    taken = ArticleRevision.objects.filter(article=article, kind__in=("publish", "send_back"))
    assert taken.count() == 1
    assert len([m for m in mailoutbox if writer.email in m.to]) == 1


def _editor_client():
    client = Client()
    client.force_login(make_editor())
    return client
