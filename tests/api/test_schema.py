"""The API keeps the promises of its own schema: generated requests against a live test server.

Schemathesis reads the schema the server publishes (/api/v1/schema/) and, for every operation in it, sends
requests it generates from the schema, valid ones and invalid ones, with a partner's read+write key; half of
the operations that take an id are also tried on objects that exist. Every answer must not be a server error
and must match what the schema says of it (status code, content type and body, problem+json for errors).

Nothing can reach the network: the guarded client (claims/fetching.py) is the only way the server fetches or
posts to an address, and here its DNS answers nothing and its connections are refused; background jobs run
in the test process (JOB_RUNNER=eager), so a URL pushed by a generated request is tried, and refused, at once.
"""

import socket

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims import fetching
from claims.choices import CorpusKind, VerdictStatus
from claims.coverage.readers import FactCheck
from claims.coverage.store import corpus_store_reset
from claims.models import CorpusItem, Suggestion, WebhookDelivery, WebhookEndpoint
from claims.services import coverage
from claims.services.ingest import article_ingest_text
from claims.services.verdicts import verdict_save
from tests.api.conftest import create_key, make_partner
from tests.factories import EvidenceFactory, JobFactory, SourceFactory, VerdictFactory, rating

pytestmark = pytest.mark.django_db(transaction=True)

MIN_CASES = 500
# Per operation and generation mode; operations whose inputs allow fewer distinct requests get fewer.
POSITIVE_EXAMPLES = 20
NEGATIVE_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ARTICLE = (
    "The council approved the budget on Tuesday. It cost 5 million euros. Critics said it was far too high. "
    "Ferry delays in Riverside rose by 38% between 2022 and 2025, the council said."
)


@pytest.fixture
def no_network(monkeypatch, settings):
    """The guarded client's only ways out, closed: no name resolves, no connection opens."""
    attempts = []

    def no_dns(host, *args, **kwargs):
        attempts.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "no network in the test suite")

    def no_connection(target, **kwargs):
        attempts.append(target.host)
        raise fetching.FetchError("The test suite has no network.")

    monkeypatch.setattr(fetching, "getaddrinfo", no_dns)
    monkeypatch.setattr(fetching, "_request", no_connection)
    settings.FETCH_ALLOWED_HOSTS = []
    assert settings.JOB_RUNNER == "eager"
    return attempts


@pytest.fixture
def unlimited(settings):
    """Hundreds of requests a minute with one key: the rate limit is tested elsewhere (test_auth)."""
    settings.API_RATE_LIMIT = "100000/minute"


@pytest.fixture
def world(alice, carol):
    """A partner with some of everything, and the ids of what it may see, by the collection they are in."""
    corpus_store_reset()
    partner = make_partner("Daily Planet")
    key = create_key(partner, ["read", "write"])
    article = article_ingest_text(text=ARTICLE, user=partner.account).article
    claims = list(article.claims.order_by("start"))
    published = VerdictFactory(claim=claims[0], status=VerdictStatus.PUBLISHED, author=alice, approver=carol)
    draft = verdict_save(
        claim=claims[1], rating=rating("false"), summary="No.", rationale="", user=partner.account
    )
    source = SourceFactory(created_by=partner.account)
    evidence = EvidenceFactory(claim=claims[0], source=source, author=partner.account)
    coverage.corpus_load_factchecks(
        checks=[FactCheck(id="1", vclaim="Ferry delays in Riverside rose by 38%.", title="Ferry delays")],
        prefix="s:",
    )
    item = CorpusItem.objects.get(kind=CorpusKind.FACTCHECK)
    suggestion = Suggestion.objects.create(claim=claims[2], item=item, score=0.8, semantic=0.7, reasons=["r"])
    job = JobFactory(created_by=partner.account)
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url="https://hooks.example/in", events=["verdict.published"], secret="whsec_test"
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="verdict.published", payload={"id": "x", "event": "verdict.published"}
    )
    yield {
        "key": key,
        "ids": {
            "/api/v1/articles/": article.pk,
            "/api/v1/claims/": claims[0].pk,
            "/api/v1/verdicts/": draft.pk,
            "/api/v1/evidence/": evidence.pk,
            "/api/v1/sources/": source.pk,
            "/api/v1/suggestions/": suggestion.pk,
            "/api/v1/jobs/": job.pk,
            "/api/v1/webhooks/": endpoint.pk,
            "/api/v1/webhook-deliveries/": delivery.pk,
        },
        "published": published,
    }
    corpus_store_reset()


def real_id(path: str, ids: dict) -> int | None:
    for prefix, pk in ids.items():
        if path.startswith(prefix + "{"):
            return pk
    return None


def strategy_for(operation, mode, ids):
    generated = operation.as_strategy(generation_mode=mode)
    pk = real_id(operation.path, ids)
    if pk is None or "{id}" not in operation.path:
        return generated
    return st.one_of(generated, operation.as_strategy(generation_mode=mode, path_parameters={"id": pk}))


def test_generated_requests_get_no_server_error_and_answers_the_schema_describes(
    live_server, world, no_network, unlimited
):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    headers = {"Authorization": f"Api-Key {world['key']}"}
    counted = {}
    failures = {}
    statuses = {}

    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/api/v1/schema/"):
            continue  # the schema document itself: served as it is, not an API resource
        for mode, examples in (
            (schemathesis.GenerationMode.POSITIVE, POSITIVE_EXAMPLES),
            (schemathesis.GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES),
        ):
            label = f"{operation.label} [{mode.value}]"
            sent = []

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,  # the same cases on every run: a failure is never a fluke of the seed
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
            @given(case=strategy_for(operation, mode, world["ids"]))
            def send(case):
                sent.append(case)
                response = case.call(base_url=live_server.url, headers=headers, timeout=30)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                send()
            except Unsatisfiable:
                pass  # nothing in this operation's request can be made invalid (no parameters, no body)
            except (Exception, BaseExceptionGroup) as failure:  # every operation runs; all failures are told
                last = sent[-1] if sent else None
                curl = last.as_curl_command(headers=headers) if last is not None else ""
                failures[label] = f"{type(failure).__name__}: {str(failure)[:1500]}\n{curl}"
            counted[label] = len(sent)

    total = sum(counted.values())
    print(f"{total} generated requests, answered {sorted(statuses.items())}:", counted)  # -s shows it
    assert failures == {}, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
    assert total >= MIN_CASES, counted
    # The key got in: requests were answered, not turned away at the door.
    assert sum(n for code, n in statuses.items() if code < 300) >= total // 5, statuses
    assert statuses.get(401, 0) < total // 20, statuses
    assert len({label.rsplit(" [", 1)[0] for label in counted}) >= 10, (
        "every operation of the schema was tried"
    )
