"""`manage.py import_claimreviews PATH... [--json]`: files and folders in, one JSON summary on the last line."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.choices import CorpusKind
from claims.models import CorpusItem

pytestmark = pytest.mark.django_db(transaction=True)  # the command commits: its indexing job runs

DATA = Path(__file__).resolve().parent.parent / "outside" / "data"
SUMMARY_KEYS = ["files", "reviews_found", "imported", "updated", "skipped", "errors"]


def run(*args) -> tuple[dict, str]:
    out = StringIO()
    call_command("import_claimreviews", *args, "--json", stdout=out, stderr=StringIO())
    lines = out.getvalue().strip().splitlines()
    return json.loads(lines[-1]), out.getvalue()


def test_a_folder_is_read_recursively_and_the_summary_is_the_last_line(tmp_path):
    (tmp_path / "nested").mkdir()
    for name in ("datafeed.json", "export.jsonl"):
        (tmp_path / "nested" / name).write_bytes((DATA / name).read_bytes())
    (tmp_path / "notes.txt").write_text("not read: not a ClaimReview file type")

    summary, _ = run(str(tmp_path))

    assert list(summary) == SUMMARY_KEYS
    assert summary["files"] == 2
    assert summary["imported"] == CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW).count() > 0
    assert summary["reviews_found"] == summary["imported"] + summary["updated"] + summary["skipped"]
    assert all(set(error) == {"file", "reason"} for error in summary["errors"])
    assert any(error["file"].endswith("export.jsonl") for error in summary["errors"])  # its broken line


def test_a_rerun_adds_nothing(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes((DATA / "two_blocks_one_broken.html").read_bytes())
    first, _ = run(str(path))

    again, _ = run(str(path))

    assert first["imported"] > 0
    assert (again["imported"], again["updated"]) == (0, 0)
    assert again["skipped"] == first["reviews_found"]


def test_the_imported_reviews_are_searchable_when_the_command_returns(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes((DATA / "datafeed.json").read_bytes())
    run(str(path))

    items = CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW)
    assert items.exists() and not items.filter(embedding__isnull=True).exists()


def test_a_missing_path_is_an_error_in_the_summary_and_the_others_are_imported(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes((DATA / "datafeed.json").read_bytes())

    summary, _ = run(str(tmp_path / "nope.json"), str(path))

    assert summary["imported"] > 0
    assert {"file": str(tmp_path / "nope.json"), "reason": "No such file or folder."} in summary["errors"]


def test_nothing_readable_fails_after_printing_the_summary(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="No file could be read"):
        call_command("import_claimreviews", str(tmp_path / "nope"), "--json", stdout=out)

    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["files"] == 0 and summary["errors"][0]["reason"] == "No such file or folder."
    assert not CorpusItem.objects.exists()


def test_without_json_it_says_what_it_did_in_words(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes((DATA / "datafeed.json").read_bytes())
    out = StringIO()
    call_command("import_claimreviews", str(path), stdout=out, stderr=StringIO())

    assert "1 files, " in out.getvalue() and "imported" in out.getvalue()
    assert "{" not in out.getvalue()
