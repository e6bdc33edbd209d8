"""`/api/v1/verdicts/`: what each key sees, writing with a precondition, submitting, approving and returning."""

import pytest
from rest_framework.test import APIClient

from claims.choices import ClaimStatus, VerdictStatus
from claims.models import Verdict
from claims.services import verdicts as services
from claims.services.verdicts import verdict_return, verdict_save, verdict_submit
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory, fresh, rating

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def own_claim(partner):
    """A claim of an article the partner pushed."""
    return ClaimFactory(article=ArticleFactory(ingested_by=partner.account))


@pytest.fixture
def published(alice, carol):
    """A verdict the newsroom published: every key may read it."""
    return VerdictFactory(status=VerdictStatus.PUBLISHED, author=alice, approver=carol)


@pytest.fixture
def publish_client(partner, make_key, key_client) -> APIClient:
    return key_client(make_key(partner, ["read", "publish"]))


def draft_by(user, claim, summary="It cost 5 million, not 50.") -> Verdict:
    return verdict_save(claim=claim, rating=rating("false"), summary=summary, rationale="", user=user)


def etag(verdict: Verdict) -> str:
    verdict = fresh(verdict)
    return f'"{verdict.pk}-{verdict.version}"'


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [v["id"] for v in response.json()["results"]]


# --- what each key sees -------------------------------------------------------------------------------


def test_a_read_key_sees_published_verdicts_only_never_drafts_not_even_its_own(
    read_client, partner, own_claim, published, alice
):
    own_draft = draft_by(partner.account, own_claim)
    newsroom_draft = draft_by(alice, ClaimFactory())

    assert ids(read_client.get("/api/v1/verdicts/")) == [published.pk]
    for hidden in (own_draft, newsroom_draft):
        response = read_client.get(f"/api/v1/verdicts/{hidden.pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM


def test_a_write_key_also_sees_its_own_drafts_but_never_another_partners_or_the_newsrooms(
    write_client, partner, other_partner, own_claim, published, alice
):
    own_draft = draft_by(partner.account, own_claim)
    theirs = draft_by(
        other_partner.account, ClaimFactory(article=ArticleFactory(ingested_by=other_partner.account))
    )
    newsroom_draft = draft_by(alice, ClaimFactory())

    assert sorted(ids(write_client.get("/api/v1/verdicts/"))) == sorted([published.pk, own_draft.pk])
    assert write_client.get(f"/api/v1/verdicts/{theirs.pk}/").status_code == 404
    assert write_client.get(f"/api/v1/verdicts/{newsroom_draft.pk}/").status_code == 404


def test_a_verdict_is_read_with_its_rating_and_an_etag_naming_its_version(read_client, published):
    response = read_client.get(f"/api/v1/verdicts/{published.pk}/")

    assert response.status_code == 200
    assert response["ETag"] == f'"{published.pk}-{published.version}"'
    body = response.json()
    assert body["rating"] == {"slug": "false", "label": "False", "value": published.rating.value}
    assert body["status"] == "published"
    assert body["claim"] == published.claim_id
    assert body["mine"] is False
    assert body["review_comment"] is None


def test_the_list_filters_by_claim_rating_and_publication_time(read_client, alice, carol):
    false = VerdictFactory(status=VerdictStatus.PUBLISHED, author=alice, approver=carol)
    true = VerdictFactory(status=VerdictStatus.PUBLISHED, author=alice, approver=carol, rating=rating("true"))

    assert ids(read_client.get(f"/api/v1/verdicts/?claim={true.claim_id}")) == [true.pk]
    assert ids(read_client.get("/api/v1/verdicts/?rating=false")) == [false.pk]
    since = fresh(true).published_at.isoformat()
    assert ids(read_client.get("/api/v1/verdicts/", {"published_since": since})) == [true.pk]
    response = read_client.get("/api/v1/verdicts/?published_since=yesterday")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("since", "status"), [("2026-04-19T20:26:11-18:10", 200), ("0001-01-01T00:00:00+05:00", 400)]
)
def test_a_time_with_any_offset_is_read_as_utc_and_one_out_of_range_is_refused(read_client, since, status):
    # PostgreSQL itself refuses offsets past ±15:59; the filter hands it UTC.
    response = read_client.get("/api/v1/verdicts/", {"published_since": since})

    assert response.status_code == status
    assert response["Content-Type"] == ("application/json" if status == 200 else PROBLEM)


def test_the_list_costs_the_same_queries_whatever_the_page_size(
    read_client, alice, carol, django_assert_max_num_queries, django_assert_num_queries
):
    for _ in range(6):
        VerdictFactory(status=VerdictStatus.PUBLISHED, author=alice, approver=carol)
    read_client.get("/api/v1/verdicts/?page_size=1")  # the key's last use is written once; not counted

    with django_assert_max_num_queries(10) as small:
        assert len(ids(read_client.get("/api/v1/verdicts/?page_size=1"))) == 1
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(ids(read_client.get("/api/v1/verdicts/?page_size=6"))) == 6


# --- writing -------------------------------------------------------------------------------------------


def test_a_write_key_drafts_a_verdict_on_its_own_articles_claim(write_client, partner, own_claim):
    response = write_client.post(
        "/api/v1/verdicts/",
        {
            "claim": own_claim.pk,
            "rating": "false",
            "summary": "It cost 5 million.",
            "rationale": "See **p. 4**.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    verdict = Verdict.objects.get(pk=response.json()["id"])
    assert (verdict.author, verdict.status, verdict.revision) == (partner.account, VerdictStatus.DRAFT, 1)
    assert response["ETag"] == etag(verdict)
    assert response["Location"].endswith(f"/api/v1/verdicts/{verdict.pk}/")
    assert response.json()["mine"] is True
    assert fresh(own_claim).status == ClaimStatus.IN_REVIEW  # through the service, as in the workbench


def test_a_verdict_on_a_claim_the_key_cannot_see_is_refused_as_unknown_and_nothing_is_stored(
    write_client, other_partner
):
    hidden = ClaimFactory(article=ArticleFactory(ingested_by=other_partner.account))
    response = write_client.post(
        "/api/v1/verdicts/", {"claim": hidden.pk, "rating": "false", "summary": "No."}, format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "claim" in response.json()["errors"]
    assert not Verdict.objects.exists()


def test_a_claim_whose_verdict_someone_else_is_writing_is_a_conflict_that_does_not_show_their_draft(
    write_client, partner, alice
):
    claim = ClaimFactory(article=ArticleFactory(ingested_by=partner.account))
    theirs = draft_by(alice, claim, summary="Alice's private draft")

    response = write_client.post(
        "/api/v1/verdicts/", {"claim": claim.pk, "rating": "true", "summary": "Mine."}, format="json"
    )

    assert response.status_code == 409
    assert "current" not in response.json()
    assert "Alice" not in response.content.decode()
    assert list(Verdict.objects.values_list("pk", flat=True)) == [theirs.pk]


@pytest.mark.parametrize(
    "body", [{}, {"claim": "x", "rating": "nope", "summary": ""}, {"summary": "a" * 301}]
)
def test_invalid_verdicts_are_refused_field_by_field(write_client, own_claim, body):
    response = write_client.post("/api/v1/verdicts/", body, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"]
    assert not Verdict.objects.exists()


def test_a_read_key_cannot_write_and_no_key_is_not_let_in(read_client, own_claim):
    body = {"claim": own_claim.pk, "rating": "false", "summary": "No."}

    refused = read_client.post("/api/v1/verdicts/", body, format="json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    assert "write" in refused.json()["detail"]

    anonymous = APIClient().post("/api/v1/verdicts/", body, format="json")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == PROBLEM
    assert not Verdict.objects.exists()


# --- changing it: If-Match or version --------------------------------------------------------------------


def test_an_update_with_the_current_etag_is_saved_and_answers_the_new_etag(write_client, partner, own_claim):
    verdict = draft_by(partner.account, own_claim)

    response = write_client.patch(
        f"/api/v1/verdicts/{verdict.pk}/",
        {"summary": "It cost 5.2 million."},
        format="json",
        HTTP_IF_MATCH=etag(verdict),
    )

    assert response.status_code == 200, response.content
    saved = fresh(verdict)
    assert (saved.summary, saved.version) == ("It cost 5.2 million.", verdict.version + 1)
    assert response["ETag"] == etag(saved)
    assert saved.history.first().history_user == partner.account


def test_a_stale_if_match_is_412_with_the_current_state_and_nothing_changes(write_client, partner, own_claim):
    verdict = draft_by(partner.account, own_claim)
    read_at = etag(verdict)
    write_client.patch(
        f"/api/v1/verdicts/{verdict.pk}/", {"summary": "First change."}, format="json", HTTP_IF_MATCH=read_at
    )
    before = fresh(verdict)

    response = write_client.put(
        f"/api/v1/verdicts/{verdict.pk}/",
        {"rating": "true", "summary": "Second change, from the old copy."},
        format="json",
        HTTP_IF_MATCH=read_at,
    )

    assert response.status_code == 412
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["current"]["summary"] == "First change."
    assert body["current"]["version"] == before.version
    after = fresh(verdict)
    assert (after.summary, after.rating_id, after.version) == (
        before.summary,
        before.rating_id,
        before.version,
    )


def test_a_stale_version_in_the_body_is_409_with_the_current_state_and_nothing_changes(
    write_client, partner, own_claim, alice
):
    verdict = draft_by(partner.account, own_claim)
    read_version = verdict.version
    # Someone in the newsroom edits the partner's draft meanwhile.
    verdict_save(
        claim=own_claim,
        rating=rating("mostly-false"),
        summary="Edited in the workbench.",
        rationale="",
        user=alice,
        expected_version=read_version,
    )

    response = write_client.patch(
        f"/api/v1/verdicts/{verdict.pk}/", {"summary": "Mine.", "version": read_version}, format="json"
    )

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json()["current"]["summary"] == "Edited in the workbench."
    assert fresh(verdict).summary == "Edited in the workbench."


def test_a_change_landing_between_the_read_and_the_write_is_caught_by_the_service_and_is_412(
    write_client, partner, own_claim, alice, monkeypatch
):
    verdict = draft_by(partner.account, own_claim)
    real_save = services.verdict_save

    def someone_saves_first(**kwargs):
        # Alice's save commits after the API read the verdict and before its own save locks it.
        real_save(
            claim=own_claim,
            rating=rating("true"),
            summary="Alice got there first.",
            rationale="",
            user=alice,
            expected_version=verdict.version,
        )
        return real_save(**kwargs)

    monkeypatch.setattr(services, "verdict_save", someone_saves_first)
    response = write_client.patch(
        f"/api/v1/verdicts/{verdict.pk}/", {"summary": "Mine."}, format="json", HTTP_IF_MATCH=etag(verdict)
    )

    assert response.status_code == 412
    assert response.json()["current"]["summary"] == "Alice got there first."
    assert fresh(verdict).summary == "Alice got there first."


def test_an_update_that_names_no_version_is_refused_with_428(write_client, partner, own_claim):
    verdict = draft_by(partner.account, own_claim)

    response = write_client.patch(f"/api/v1/verdicts/{verdict.pk}/", {"summary": "Blind."}, format="json")

    assert response.status_code == 428
    assert response["Content-Type"] == PROBLEM
    assert fresh(verdict).summary == verdict.summary


def test_a_weak_form_of_the_etag_and_a_list_of_tags_are_understood(write_client, partner, own_claim):
    verdict = draft_by(partner.account, own_claim)

    response = write_client.patch(
        f"/api/v1/verdicts/{verdict.pk}/",
        {"summary": "Through a proxy."},
        format="json",
        HTTP_IF_MATCH=f'"{verdict.pk}-999", W/{etag(verdict)}',
    )

    assert response.status_code == 200
    assert fresh(verdict).summary == "Through a proxy."


def test_a_published_verdict_is_not_changed_through_the_api(write_client, published):
    response = write_client.patch(
        f"/api/v1/verdicts/{published.pk}/",
        {"summary": "Rewritten."},
        format="json",
        HTTP_IF_MATCH=etag(published),
    )

    assert response.status_code == 409
    assert response.json()["current"]["status"] == "published"
    assert fresh(published).summary == published.summary


def test_another_partners_draft_cannot_be_changed_it_is_not_found(write_client, other_partner):
    theirs = draft_by(
        other_partner.account, ClaimFactory(article=ArticleFactory(ingested_by=other_partner.account))
    )

    response = write_client.patch(
        f"/api/v1/verdicts/{theirs.pk}/", {"summary": "Hijacked."}, format="json", HTTP_IF_MATCH=etag(theirs)
    )

    assert response.status_code == 404
    assert fresh(theirs).summary == theirs.summary


# --- submitting, approving, returning ----------------------------------------------------------------------


def test_a_write_key_submits_its_draft(write_client, partner, own_claim):
    verdict = draft_by(partner.account, own_claim)

    response = write_client.post(
        f"/api/v1/verdicts/{verdict.pk}/submit/", {}, format="json", HTTP_IF_MATCH=etag(verdict)
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert fresh(verdict).status == VerdictStatus.SUBMITTED
    assert fresh(own_claim).status == ClaimStatus.AWAITING_APPROVAL
    assert response["ETag"] == etag(verdict)


def test_submitting_twice_is_a_conflict_saying_why(write_client, partner, own_claim):
    verdict = draft_by(partner.account, own_claim)
    verdict = verdict_submit(verdict=verdict, user=partner.account, expected_version=verdict.version)

    response = write_client.post(
        f"/api/v1/verdicts/{verdict.pk}/submit/", {"version": verdict.version}, format="json"
    )

    assert response.status_code == 409
    assert "awaiting approval" in response.json()["detail"]


def test_a_publish_key_approves_a_verdict_the_newsroom_wrote_on_its_articles_claim(
    publish_client, partner, own_claim, alice
):
    verdict = draft_by(alice, own_claim)
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)

    response = publish_client.post(
        f"/api/v1/verdicts/{verdict.pk}/approve/", {}, format="json", HTTP_IF_MATCH=etag(verdict)
    )

    assert response.status_code == 200, response.content
    approved = fresh(verdict)
    assert (approved.status, approved.approver) == (VerdictStatus.PUBLISHED, partner.account)
    assert fresh(own_claim).status == ClaimStatus.PUBLISHED
    # The key's scope stood in for an editor's permission for that request only: nothing was granted.
    assert not type(partner.account).objects.get(pk=partner.account.pk).has_perm("claims.approve_verdict")


def test_a_partner_never_approves_its_own_verdict_even_with_the_publish_scope(
    partner, make_key, key_client, own_claim
):
    client = key_client(make_key(partner, ["read", "write", "publish"]))
    verdict = draft_by(partner.account, own_claim)
    verdict = verdict_submit(verdict=verdict, user=partner.account, expected_version=verdict.version)

    response = client.post(
        f"/api/v1/verdicts/{verdict.pk}/approve/", {"version": verdict.version}, format="json"
    )

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert "your own verdict" in response.json()["detail"]
    assert fresh(verdict).status == VerdictStatus.SUBMITTED


def test_approving_needs_the_publish_scope(partner, make_key, key_client, own_claim, alice):
    client = key_client(make_key(partner, ["read", "write"]))
    verdict = draft_by(alice, own_claim)
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)

    response = client.post(
        f"/api/v1/verdicts/{verdict.pk}/approve/", {"version": verdict.version}, format="json"
    )

    assert response.status_code == 403
    assert "publish" in response.json()["detail"]
    assert fresh(verdict).status == VerdictStatus.SUBMITTED


def test_a_publish_key_does_not_see_what_awaits_approval_on_other_articles(publish_client, alice):
    verdict = draft_by(alice, ClaimFactory())
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)

    response = publish_client.post(
        f"/api/v1/verdicts/{verdict.pk}/approve/", {"version": verdict.version}, format="json"
    )

    assert response.status_code == 404
    assert fresh(verdict).status == VerdictStatus.SUBMITTED


def test_a_stale_approval_is_412_and_publishes_nothing(publish_client, own_claim, alice):
    verdict = draft_by(alice, own_claim)
    read_at = etag(verdict)
    verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)

    response = publish_client.post(
        f"/api/v1/verdicts/{verdict.pk}/approve/", {}, format="json", HTTP_IF_MATCH=read_at
    )

    assert response.status_code == 412
    assert response.json()["current"]["status"] == "submitted"
    assert fresh(verdict).status == VerdictStatus.SUBMITTED


def test_a_publish_key_returns_a_verdict_with_a_comment_its_author_then_reads(
    publish_client, partner, own_claim, alice
):
    verdict = draft_by(alice, own_claim)
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)

    response = publish_client.post(
        f"/api/v1/verdicts/{verdict.pk}/return/",
        {"comment": "Cite the council's accounts.", "version": verdict.version},
        format="json",
    )

    assert response.status_code == 200, response.content
    returned = fresh(verdict)
    assert (returned.status, returned.review_comment) == (
        VerdictStatus.RETURNED,
        "Cite the council's accounts.",
    )
    assert response.json()["review_comment"] is None  # the author's to read, not the reviewer's


def test_returning_needs_a_comment(publish_client, own_claim, alice):
    verdict = draft_by(alice, own_claim)
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)

    response = publish_client.post(
        f"/api/v1/verdicts/{verdict.pk}/return/", {"version": verdict.version}, format="json"
    )

    assert response.status_code == 400
    assert "comment" in response.json()["errors"]
    assert fresh(verdict).status == VerdictStatus.SUBMITTED


def test_a_returned_verdicts_comment_is_shown_to_the_partner_that_wrote_it(
    write_client, partner, own_claim, carol
):
    verdict = draft_by(partner.account, own_claim)
    verdict = verdict_submit(verdict=verdict, user=partner.account, expected_version=verdict.version)
    verdict_return(verdict=verdict, user=carol, comment="Add a source.", expected_version=verdict.version)

    body = write_client.get(f"/api/v1/verdicts/{verdict.pk}/").json()
    assert (body["status"], body["review_comment"], body["mine"]) == ("returned", "Add a source.", True)


# --- the workbench's own calls: the session with CSRF ---------------------------------------------------


def test_an_editor_signed_in_to_the_workbench_approves_with_the_session_and_csrf(
    client, alice, carol, own_claim
):
    verdict = draft_by(alice, own_claim)
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)
    csrf_client = APIClient(enforce_csrf_checks=True)
    csrf_client.force_login(carol)
    url = f"/api/v1/verdicts/{verdict.pk}/approve/"

    without_token = csrf_client.post(url, {"version": verdict.version}, format="json")
    assert without_token.status_code == 403
    assert fresh(verdict).status == VerdictStatus.SUBMITTED

    csrf_client.get("/")  # a workbench page: it sets the CSRF cookie the workbench's scripts send back
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(url, {"version": verdict.version}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    assert fresh(verdict).approver == carol


def test_a_reviewer_signed_in_cannot_approve_their_role_does_not_allow_it(alice, bob, own_claim):
    verdict = draft_by(alice, own_claim)
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)
    session = APIClient()
    session.force_login(bob)

    response = session.post(
        f"/api/v1/verdicts/{verdict.pk}/approve/", {"version": verdict.version}, format="json"
    )

    assert response.status_code == 403
    assert fresh(verdict).status == VerdictStatus.SUBMITTED


def test_an_editor_signed_in_cannot_approve_their_own_verdict_either(carol, own_claim):
    verdict = draft_by(carol, own_claim)
    verdict = verdict_submit(verdict=verdict, user=carol, expected_version=verdict.version)
    session = APIClient()
    session.force_login(carol)

    response = session.post(
        f"/api/v1/verdicts/{verdict.pk}/approve/", {"version": verdict.version}, format="json"
    )

    assert response.status_code == 403
    assert "your own verdict" in response.json()["detail"]
    assert fresh(verdict).status == VerdictStatus.SUBMITTED
