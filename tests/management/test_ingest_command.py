"""Specification of `manage.py ingest PATH_OR_URL...`."""

import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_files_of_each_kind_are_ingested_with_progress_and_a_summary(tmp_path, seed_article_path):
    (tmp_path / "a.md").write_text("# Title\n\nThe port handled 2 million containers in 2023.")
    (tmp_path / "b.html").write_text(ARTICLE_HTML)

    out, _ = run(str(seed_article_path), str(tmp_path / "a.md"), str(tmp_path / "b.html"))

    assert "[1/3]" in out and "[3/3]" in out
    assert "Summary: 3 ingested, 0 duplicates, 0 failed" in out
    assert Article.objects.count() == 3


def test_json_lines_are_read_record_by_record_with_reasons_for_failures(tmp_path):
    records = [
        {
            "title": "One",
            "url": "https://example.org/one",
            "text": "The dam is 120 metres high.",
            "published_at": "2024-01-02",
        },
        {"title": "Dup", "url": "https://example.org/one", "text": "Other words about the same dam."},
        {"title": "Empty", "text": "   "},
        {"title": "Bad date", "text": "Some text.", "published_at": "yesterday"},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n{not json\n")

    out, _ = run(str(path))

    assert "Summary: 1 ingested, 1 duplicates, 3 failed" in out
    assert "no text" in out and "yesterday" in out and "not valid JSON" in out
    article = Article.objects.get()
    assert article.title == "One" and str(article.published_at) == "2024-01-02"


def test_a_url_is_fetched_through_the_guarded_client(settings):
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        out, _ = run(site.url("/tram"), "http://169.254.169.254/latest/meta-data/")
    assert "Summary: 1 ingested, 0 duplicates, 1 failed" in out
    assert "169.254.169.254" in out


def test_nothing_ingested_is_an_error(tmp_path):
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing.txt"))
    assert Article.objects.count() == 0


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, settings, seed_article_path):
    settings.INGEST_MAX_BYTES = 1024 * 1024
    big = tmp_path / "big.txt"
    big.write_bytes(b"The council met on Tuesday. " * 40_000)

    out, err = run(str(big), str(seed_article_path))

    assert "big.txt: failed: the file is larger than the 1.0 MB we accept" in err
    assert "Summary: 1 ingested, 0 duplicates, 1 failed" in out


def test_a_latin_1_file_is_ingested_with_its_accents(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(
        "It was déjà vu for the council, which met on Tuesday to discuss the new café.".encode("latin-1")
    )

    run(str(path))

    assert Article.objects.get().text.endswith("the new café.")
