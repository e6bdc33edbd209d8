import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims.choices import CorpusKind
from claims.models import Article, CorpusItem

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_demo_accounts_and_article_are_created_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "reviewer-demo-2026" in out and "editor-demo-2026" in out
    for username, password in [("reviewer", "reviewer-demo-2026"), ("editor", "editor-demo-2026")]:
        user = User.objects.get(username=username)
        assert user.check_password(password) and user.groups.filter(name=username).exists()
    article = Article.objects.get()
    assert article.title.startswith("Riverside council approves")
    assert article.claims.count() >= 10
    # The demo's outside fact-checks, imported once, with their publisher and rating.
    imported = CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW)
    assert imported.count() == 3
    assert set(imported.values_list("publisher", flat=True)) == {"Harbour Facts"}
    assert imported.get(url__endswith="riverside-population").rating == "mostly-false"


def test_the_demo_has_one_published_verdict_with_evidence_for_every_export(capsys):
    from claims.selectors.reports import ReportSelection, report_entries

    call_command("seed_demo")
    call_command("seed_demo")

    editor = User.objects.get(username="editor")
    (entry,) = report_entries(user=editor, selection=ReportSelection())
    assert entry.verdict.status == "published" and entry.verdict.rating.slug == "true"
    assert entry.verdict.approver == editor and entry.verdict.author.username == "reviewer"
    (evidence,) = entry.evidence
    assert evidence.stance == "supports" and evidence.excerpt in evidence.source.archived_text
    assert "Demo published verdict" in capsys.readouterr().out
