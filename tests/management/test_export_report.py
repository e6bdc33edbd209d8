"""`manage.py export_report`: the contract other tools call, and its refusals (exit 1, nothing written)."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.exports import csv_export
from tests.api.conftest import make_partner
from tests.exports.report_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(alice, bob, carol):
    return make_world(alice, bob, carol)


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def csv_rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_it_writes_the_report_to_the_file_and_says_so(world, tmp_path):
    target = tmp_path / "report.csv"
    said = export("--format", "csv", "--output", str(target))
    assert [row["claim_id"] for row in csv_rows(target)] == [str(world.published.pk)]
    assert said.strip() == f"csv: 1 claims written to {target} ({target.stat().st_size:,} bytes)."
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]  # no temporary file left beside it


@pytest.mark.parametrize("name", ["json", "md"])
def test_it_writes_json_and_markdown(world, tmp_path, name):
    target = tmp_path / f"report.{name}"
    export("--format", name, "--output", str(target))
    text = target.read_text(encoding="utf-8")
    if name == "json":
        assert [c["id"] for c in json.loads(text)["claims"]] == [world.published.pk]
    else:
        assert text.startswith("# Verdict report") and "The council approved the budget" in text


@pytest.mark.parametrize("name", ["html", "pdf", "claimreview"])
def test_the_other_formats_come_through_the_same_registry(world, tmp_path, name):
    pytest.importorskip(f"claims.exports.{name}", reason=f"the {name} format's module is not there (yet)")
    target = tmp_path / f"report.{name}"
    export("--format", name, "--output", str(target))
    assert target.stat().st_size > 0


def test_the_selection_options_narrow_the_report(world, tmp_path):
    target = tmp_path / "r.csv"
    export("--format", "csv", "--output", str(target), "--with-drafts", "--status", "in_review,new")
    assert {row["claim_id"] for row in csv_rows(target)} == {str(world.drafted.pk), str(world.unchecked.pk)}
    export("--format", "csv", "--output", str(target), "--from", "2026-03-03", "--to", "2026-03-03")
    assert len(csv_rows(target)) == 1
    export("--format", "csv", "--output", str(target), "--from", "2026-03-04")
    assert csv_rows(target) == []
    export("--format", "csv", "--output", str(target), "--rating", "true", "--with-drafts")
    assert [row["claim_id"] for row in csv_rows(target)] == [str(world.drafted.pk)]
    export("--format", "csv", "--output", str(target), "--reviewer", "alice", "--publisher", "example news")
    assert [row["claim_id"] for row in csv_rows(target)] == [str(world.published.pk)]
    export("--format", "csv", "--output", str(target), "--article", str(world.article.pk))
    assert len(csv_rows(target)) == 1


def test_with_drafts_every_row_that_is_not_published_is_marked(world, tmp_path):
    target = tmp_path / "r.csv"
    export("--format", "csv", "--output", str(target), "--with-drafts")
    statuses = {row["claim_id"]: row["report_status"] for row in csv_rows(target)}
    assert statuses == {
        str(world.published.pk): "published",
        str(world.drafted.pk): "draft",
        str(world.unchecked.pk): "no verdict",
    }


def test_as_a_partners_account_it_reports_published_work_only(world, tmp_path):
    partner = make_partner("Daily Planet")
    target = tmp_path / "r.csv"
    export("--format", "csv", "--output", str(target), "--with-drafts", "--user", partner.account.username)
    assert [row["report_status"] for row in csv_rows(target)] == ["published"]


def test_dash_writes_the_file_to_standard_output(world):
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")
    err = io.StringIO()
    call_command("export_report", "--format", "csv", "--output", "-", stdout=out, stderr=err)
    out.flush()
    assert raw.getvalue().startswith(b"\xef\xbb\xbf" + ",".join(csv_export.COLUMNS).encode())
    assert "written to standard output" in err.getvalue()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "docx"], "Unknown format 'docx'"),
        (["--format", "csv", "--from", "3 March"], "--from '3 March' is not a date"),
        (["--format", "csv", "--to", "2026-02-30"], "--to '2026-02-30' is not a date"),
        (["--format", "csv", "--from", "2026-03-04", "--to", "2026-03-01"], "is after --to"),
        (["--format", "csv", "--article", "999999"], "There is no article 999999"),
        (["--format", "csv", "--status", "pending"], "Unknown status pending"),
        (["--format", "csv", "--rating", "pants-on-fire"], "Unknown rating 'pants-on-fire'"),
        (["--format", "csv", "--user", "nobody"], "There is no user 'nobody'"),
    ],
)
def test_a_bad_option_exits_1_with_a_message_and_writes_nothing(world, tmp_path, args, message):
    target = tmp_path / "r.csv"
    with pytest.raises(CommandError, match=message):
        export(*args, "--output", str(target))
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_path_exits_1(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot write to"):
        export("--format", "csv", "--output", str(tmp_path / "missing" / "r.csv"))
    with pytest.raises(CommandError, match="is a folder"):
        export("--format", "csv", "--output", str(tmp_path))


def test_a_failed_export_leaves_the_previous_file_as_it_was_and_no_half_file(world, tmp_path, monkeypatch):
    target = tmp_path / "r.csv"
    target.write_text("the previous report")

    def broken(report):
        yield b"report_status,claim_id\r\n"
        raise RuntimeError("the database went away")

    monkeypatch.setattr(csv_export, "render", broken)
    with pytest.raises(RuntimeError):
        export("--format", "csv", "--output", str(target))
    assert target.read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]
