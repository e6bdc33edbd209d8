import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from claims.models import Article

pytestmark = pytest.mark.django_db


def test_demo_accounts_and_article_are_created_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "reviewer-demo-2026" in out and "editor-demo-2026" in out
    assert (
        authenticate(username="reviewer", password="reviewer-demo-2026")
        .groups.filter(name="reviewer")
        .exists()
    )
    assert authenticate(username="editor", password="editor-demo-2026").groups.filter(name="editor").exists()
    article = Article.objects.get()
    assert article.title.startswith("Riverside council approves")
    assert article.claims.count() >= 10
