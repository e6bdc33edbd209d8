"""`GET /api/v1/exports/<format>/`: reports as files, published work only for keys, drafts for editors."""

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from claims.api.exports import MEDIA_TYPES
from claims.exports import FORMATS
from tests.exports.report_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # background exports write their files here


@pytest.fixture
def world(alice, bob, carol):
    return make_world(alice, bob, carol)


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"), newline="")))


def test_a_read_key_gets_the_published_verdicts_as_a_csv_attachment(world, read_client):
    response = read_client.get("/api/v1/exports/csv/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="verdict-report.csv"'
    assert [row["claim_id"] for row in csv_rows(response)] == [str(world.published.pk)]


def test_a_read_key_gets_published_work_only_even_when_it_asks_for_drafts(world, read_client):
    response = read_client.get("/api/v1/exports/json/", {"with_drafts": "true"})
    assert response.status_code == 200
    data = json.loads(body(response))
    assert data["report"]["with_drafts"] is False
    assert [c["id"] for c in data["claims"]] == [world.published.pk]


def test_without_a_key_it_is_401(world, anon_client):
    response = anon_client.get("/api/v1/exports/csv/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_an_editor_signed_in_may_ask_for_drafts_marked_on_every_row(world, carol):
    response = signed_in(carol).get("/api/v1/exports/csv/", {"with_drafts": "true"})
    assert response.status_code == 200
    statuses = {row["claim_id"]: row["report_status"] for row in csv_rows(response)}
    assert statuses == {
        str(world.published.pk): "published",
        str(world.drafted.pk): "draft",
        str(world.unchecked.pk): "no verdict",
    }


def test_a_reviewer_without_the_export_permission_may_not_export_here_either(world, alice):
    client = signed_in(alice)  # the browser's Reports page refuses a reviewer too

    for params in ({}, {"with_drafts": "true"}):
        response = client.get("/api/v1/exports/csv/", params)
        assert response.status_code == 403
        assert "does not allow exporting" in response.json()["detail"]


def test_a_key_reports_people_by_first_name_and_may_not_look_up_user_names(world, read_client):
    rows = csv_rows(read_client.get("/api/v1/exports/csv/"))
    assert rows and all(" " not in row["reviewer"] for row in rows if row["reviewer"])

    response = read_client.get("/api/v1/exports/csv/", {"reviewer": "alice"})
    assert response.status_code == 400
    assert "workbench's own people" in response.json()["errors"]["reviewer"][0]


def test_the_query_parameters_narrow_the_report(world, carol):
    client = signed_in(carol)

    def ids(**params) -> list[str]:
        return [row["claim_id"] for row in csv_rows(client.get("/api/v1/exports/csv/", params))]

    assert ids(with_drafts="true", status=["in_review", "new"]) == [
        str(world.drafted.pk),
        str(world.unchecked.pk),
    ]
    assert ids(**{"from": "2026-03-03", "to": "2026-03-03"}) == [str(world.published.pk)]
    assert ids(**{"from": "2026-03-04"}) == []
    assert ids(article=world.article.pk, rating="false", reviewer="alice", publisher="Example News") == [
        str(world.published.pk)
    ]


def test_markdown_and_json_come_as_their_types(world, read_client):
    md = read_client.get("/api/v1/exports/md/")
    assert md["Content-Type"] == "text/markdown; charset=utf-8"
    assert md["Content-Disposition"].endswith('.md"')
    assert body(md).startswith(b"# Verdict report")
    assert read_client.get("/api/v1/exports/json/")["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "3 March"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-03-04", "to": "2026-03-01"}, "from"),
        ({"article": "abc"}, "article"),
        ({"status": "pending"}, "status"),
        ({"with_drafts": "perhaps"}, "with_drafts"),
    ],
)
def test_bad_input_is_a_400_problem_naming_the_parameter(world, read_client, params, field):
    response = read_client.get("/api/v1/exports/csv/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_an_unknown_format_or_an_article_the_key_may_not_see_is_404(world, read_client, private_claim):
    assert read_client.get("/api/v1/exports/docx/").status_code == 404
    response = read_client.get("/api/v1/exports/csv/", {"article": private_claim.article_id})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_long_html_or_pdf_report_is_written_in_the_background_for_its_requester_only(
    world, partner, other_partner, make_key, key_client, carol, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_BACKGROUND_THRESHOLD = 0
    client = key_client(make_key(partner, ["read"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/v1/exports/pdf/")

    assert response.status_code == 202
    location = response.json()["location"]
    assert response["Location"] == location and location == f"/api/v1/jobs/{response.json()['job']['id']}/"
    job = client.get(location).json()
    assert (job["kind"], job["status"]) == ("export_report", "done")
    assert "file" not in job["result"]  # where it is stored is the server's business
    download = job["result"]["download"]
    assert download == f"/api/v1/exports/jobs/{job['id']}/file/"
    answer = client.get(download)
    assert answer.status_code == 200 and b"".join(answer.streaming_content).startswith(b"%PDF-")
    assert answer["Content-Disposition"].startswith('attachment; filename="factcheck-report-all-')
    # Someone else's export is not found: another partner, or a person of the workbench who did not ask.
    assert key_client(make_key(other_partner, ["read"])).get(download).status_code == 404
    assert signed_in(carol).get(download).status_code == 404
    # Flat formats still stream at once, at any size.
    assert client.get("/api/v1/exports/csv/").status_code == 200


def test_a_background_export_is_not_handed_out_once_the_partners_keys_are_revoked(
    world, partner, make_key, key_client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_BACKGROUND_THRESHOLD = 0
    client = key_client(make_key(partner, ["read"]))
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.get("/api/v1/exports/html/").json()["job"]["id"]
    partner.api_keys.update(revoked=True)

    other = key_client(make_key(partner, ["write"]))  # a live key, but without the read scope
    assert other.get(f"/api/v1/exports/jobs/{job_id}/file/").status_code in (403, 404)


def test_the_accept_header_does_not_change_the_file(world, read_client):
    response = read_client.get("/api/v1/exports/csv/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("name", list(FORMATS))
def test_the_schema_names_each_formats_own_media_type(name):
    module = pytest.importorskip(FORMATS[name], reason=f"the {name} format's module is not there (yet)")
    assert module.CONTENT_TYPE.split(";")[0] == MEDIA_TYPES[name]
