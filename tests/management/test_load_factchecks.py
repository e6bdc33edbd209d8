"""`manage.py load_factchecks`: every corpus format, idempotent, with a summary."""

import json

import pytest
from django.core.management import CommandError, call_command

from claims.choices import CorpusKind
from claims.models import CorpusItem

pytestmark = pytest.mark.django_db

RECORDS = [
    {
        "vclaim_id": "vclaim-sno-1",
        "vclaim": "The Mill Street tunnel opened in 1984.",
        "title": "Mill Street tunnel",
        "date": "26 May 2015",
        "url": "https://factcheck.example.org/1",
        "speaker": "x",
    },
    {
        "vclaim_id": "vclaim-sno-2",
        "vclaim": "Vaccines change human DNA.",
        "title": "Vaccines and DNA",
        "date": "2020-12-01",
    },
]


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_factchecks", *args, stdout=out)
    return out.getvalue()


def test_a_directory_of_json_files_is_loaded_once(tmp_path):
    for record in RECORDS:
        (tmp_path / f"{record['vclaim_id']}.json").write_text(json.dumps(record))

    assert "2 fact-checks read: 2 new, 0 updated, 0 unchanged; 2 embedded" in run(str(tmp_path))
    assert "0 new, 0 updated, 2 unchanged; 0 embedded" in run(str(tmp_path))

    items = {i.external_id: i for i in CorpusItem.objects.filter(kind=CorpusKind.FACTCHECK)}
    assert set(items) == {"vclaim-sno-1", "vclaim-sno-2"}
    tunnel = items["vclaim-sno-1"]
    assert tunnel.title == "Mill Street tunnel" and str(tunnel.date) == "2015-05-26" and tunnel.embedding
    assert tunnel.url == "https://factcheck.example.org/1" and tunnel.embedding_model


def test_json_lines_and_tsv_with_a_prefix_and_a_changed_text_re_embedded(tmp_path):
    jsonl = tmp_path / "corpus.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in RECORDS))
    tsv = tmp_path / "corpus.tsv"
    tsv.write_text("vclaim_id\tvclaim\ttitle\n3\tThe bridge cost 84.5 million euros.\tBridge cost\n")

    assert "3 fact-checks read: 3 new" in run(str(jsonl), str(tsv), "--prefix", "a:")
    tsv.write_text("3\tThe bridge cost 90 million euros.\tBridge cost\n")
    assert "1 fact-checks read: 0 new, 1 updated, 0 unchanged; 1 embedded" in run(str(tsv), "--prefix", "a:")
    assert CorpusItem.objects.get(external_id="a:3").text == "The bridge cost 90 million euros."
    assert CorpusItem.objects.count() == 3


def test_a_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No corpus at"):
        run(str(tmp_path / "nothing.tsv"))
