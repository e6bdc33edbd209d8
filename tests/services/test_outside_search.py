"""Outside search providers' answers as related coverage: stored once per answer, suggested with their provider.

The providers' answers are the recordings in tests/outside/data, served by a local site that the provider
URLs point at; every name lookup fails the test, so no test reaches the internet.
"""

import datetime
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from claims import fetching
from claims.choices import CorpusKind, JobKind, JobStatus, SuggestionStatus
from claims.coverage import store as corpus
from claims.coverage.readers import FactCheck
from claims.coverage.store import corpus_store_reset
from claims.models import CorpusItem, Job, Suggestion, suggestion_job_key
from claims.outside import providers
from claims.services import coverage, suggestions
from claims.services.ingest import article_ingest_text
from claims.services.outside_search import OutsideAnswers, outside_search_claim
from tests.factories import ArticleFactory, ClaimFactory
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "outside" / "data"
KEY = "test-key-123"
TRAM = "The tram line will be extended by 12 kilometres next year."
GOOGLE = "Google Fact Check Tools"
GOOGLE_DOWN = (
    "Could not search Google Fact Check Tools: it answered 500 Internal Server Error; "
    "it may be having trouble, try again later."
)
GOOGLE_GARBLED = "Google Fact Check Tools sent an answer we could not read."
TRAM_SENTENCE = "The tram line will be extended by 12 kilometres next year, the mayor said."
# A fact-check of the tram claim in the claim's own words, dated the day before the article: the engine's
# best match for it, whatever the providers answer.
TRAM_CHECK = FactCheck(id="20", vclaim=TRAM_SENTENCE, date=datetime.date(2024, 3, 7))
TUNNEL_CHECK = FactCheck(
    id="7",
    vclaim="Riverside's Mill Street tunnel under the harbour opened in 1984.",
    title="When did the Mill Street tunnel open?",
    url="https://factcheck.example.org/mill-street",
)
ARTICLE_TEXT = (
    f"{TRAM_SENTENCE} Riverside's last new harbour crossing, the Mill Street tunnel, opened in 1974."
)


def recorded(name: str, **page) -> Page:
    return Page(body=(DATA / name).read_bytes(), content_type="application/json; charset=UTF-8", **page)


@pytest.fixture(autouse=True)
def no_real_network(monkeypatch, settings):
    def refuse(host, *args, **kwargs):
        raise AssertionError(f"a test tried to look up {host}")

    monkeypatch.setattr(fetching, "getaddrinfo", refuse)
    # Off whatever the environment (or a .env) says: the fixtures below turn on the ones a test wants.
    settings.GOOGLE_FACTCHECK_API_KEY = ""
    settings.GDELT_ENABLED = False
    providers._BUCKETS.clear()  # each test starts with the full rate limit
    cache.clear()  # and with nothing answered yet
    yield
    cache.clear()


@pytest.fixture
def site(settings):
    pages = {
        "/google/claims:search": recorded("google_claims_search.json"),
        "/google-down/claims:search": Page(body=b"oops", content_type="text/plain", status=500),
        "/google-garbled/claims:search": Page(body=b'{"claims": [{"text": ', content_type="application/json"),
        "/gdelt/doc": recorded("gdelt_artlist.json"),
    }
    with LocalSite(pages) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.host]
        yield local


def is_local(url: str, site) -> bool:
    return urlsplit(url).netloc == site.host


@pytest.fixture
def google(settings, site):
    """Google Fact Check Tools configured with a key, answering from the local site."""
    settings.GOOGLE_FACTCHECK_API_KEY = KEY
    settings.GOOGLE_FACTCHECK_URL = site.url("/google/claims:search")
    assert is_local(settings.GOOGLE_FACTCHECK_URL, site)
    return site


@pytest.fixture
def gdelt(settings, site):
    settings.GDELT_ENABLED = True
    settings.GDELT_URL = site.url("/gdelt/doc")
    assert is_local(settings.GDELT_URL, site)
    return site


@pytest.fixture
def tram_claim(db):
    article = ArticleFactory(
        text=TRAM_SENTENCE,
        language="en",
        published_at=datetime.date(2024, 3, 8),
    )
    return ClaimFactory(article=article)


def items_of(answers: OutsideAnswers) -> list[CorpusItem]:
    by_id = CorpusItem.objects.in_bulk(answers.item_ids)
    return [by_id[pk] for pk in answers.item_ids]


def sent_query(request) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(request.path).query).items()}


# --- asking ----------------------------------------------------------------------------------------------


def test_with_no_provider_configured_nothing_is_asked_and_nothing_stored(
    site, settings, tram_claim, monkeypatch, django_assert_num_queries
):
    # Pointed at the local site, but without a key and not switched on: neither is used.
    settings.GOOGLE_FACTCHECK_URL = site.url("/google/claims:search")
    settings.GDELT_URL = site.url("/gdelt/doc")

    def no_model(documents):
        raise AssertionError("the embedding model was used")

    monkeypatch.setattr(corpus, "embed_documents", no_model)
    with django_assert_num_queries(0):
        answers = outside_search_claim(claim=tram_claim)

    assert answers == OutsideAnswers()
    assert site.requests == []
    assert not CorpusItem.objects.filter(kind=CorpusKind.PROVIDER).exists()


def test_google_answers_become_items_with_their_publisher_and_rating_on_our_scale(google, tram_claim):
    answers = outside_search_claim(claim=tram_claim)

    assert answers.asked == ("google_factcheck",) and answers.errors == ()
    first, second = items_of(answers)
    assert first.kind == second.kind == CorpusKind.PROVIDER
    assert first.provider == second.provider == "google_factcheck"
    assert first.external_id.startswith("google_factcheck:") and first.external_id != second.external_id
    assert first.title == "Will the tram line really grow by 12 km? We checked & here is what we found"
    assert first.text == f"{TRAM} {first.title}"  # the fact-checker's wording, then its title
    assert first.url == "https://examplechecks.org/2024/03/tram-line"
    assert (first.publisher, first.rating_label, first.rating) == (
        "Example Checks",
        "Mostly false",
        "mostly-false",
    )
    assert (first.date, first.language) == (datetime.date(2024, 3, 4), "en")
    assert first.details == {"result_kind": "factcheck", "claimant": "City council"}
    # No title of its own, no publisher name, a label our map does not know.
    assert second.text == second.title == TRAM
    assert (second.publisher, second.rating_label, second.rating) == ("verifica.example", "Falso", "unmapped")
    assert all(item.embedding and item.terms for item in (first, second))

    [request] = google.requests
    query = sent_query(request)
    assert (query["query"], query["languageCode"]) == (tram_claim.text, "en")
    assert int(query["maxAgeDays"]) > 365  # from a year before the article


def test_the_api_key_is_sent_as_a_header_never_in_the_url(google, tram_claim):
    outside_search_claim(claim=tram_claim)

    [request] = google.requests
    assert request.headers["x-goog-api-key"] == KEY
    assert KEY not in request.path


def test_asking_again_is_answered_from_the_cache_and_adds_no_items(google, tram_claim):
    first = outside_search_claim(claim=tram_claim)
    again = outside_search_claim(claim=tram_claim)

    assert again.item_ids == first.item_ids
    assert CorpusItem.objects.filter(kind=CorpusKind.PROVIDER).count() == 2
    assert len(google.requests) == 1


def test_a_changed_answer_updates_its_item_and_only_a_new_wording_is_embedded_again(
    google, tram_claim, settings
):
    first, second = items_of(outside_search_claim(claim=tram_claim))
    answer = json.loads((DATA / "google_claims_search.json").read_bytes())
    answer["claims"][0]["claimReview"][0]["title"] = "Tram line: 12 km more? Not next year"
    google.pages["/google/claims:search"] = Page(
        body=json.dumps(answer).encode(), content_type="application/json"
    )
    settings.CLAIMREVIEW_RATING_LABELS = {"Falso": "false"}
    cache.clear()  # as when the cached answer expires

    again = outside_search_claim(claim=tram_claim)

    assert again.item_ids == (first.pk, second.pk)
    assert CorpusItem.objects.filter(kind=CorpusKind.PROVIDER).count() == 2
    retitled, relabelled = items_of(again)
    assert retitled.text == f"{TRAM} Tram line: 12 km more? Not next year"
    assert retitled.indexed_at > first.indexed_at and retitled.embedding != first.embedding
    assert relabelled.rating == "false"
    assert relabelled.indexed_at == second.indexed_at  # same wording: the stored vector still holds


def test_gdelt_articles_become_coverage_items_without_a_rating(gdelt, tram_claim):
    answers = outside_search_claim(claim=tram_claim)

    english, german = items_of(answers)
    assert english.provider == german.provider == "gdelt"
    assert english.text == english.title == "Council approves tram extension"
    assert english.url == "https://news.example.com/2024/01/01/tram-extension.html"
    assert (english.publisher, english.language, english.date) == (
        "news.example.com",
        "en",
        datetime.date(2024, 1, 1),
    )
    assert english.rating == english.rating_label == ""
    assert english.details == {"result_kind": "coverage", "claimant": ""}
    assert german.language == "de"
    assert "sourcelang:english" in sent_query(gdelt.requests[0])["query"]


def test_one_provider_failing_leaves_a_readable_error_and_keeps_the_others_answers(
    google, gdelt, settings, tram_claim
):
    settings.GOOGLE_FACTCHECK_URL = google.url("/google-down/claims:search")

    answers = outside_search_claim(claim=tram_claim)

    assert answers.asked == ("google_factcheck", "gdelt")
    assert answers.errors == (GOOGLE_DOWN,)
    assert [item.provider for item in items_of(answers)] == ["gdelt", "gdelt"]


# --- suggesting ------------------------------------------------------------------------------------------


@pytest.fixture
def coverage_on(settings):
    settings.COVERAGE_AUTO_JOBS = True
    corpus_store_reset()
    yield
    corpus_store_reset()


def ingest(user, capture) -> tuple:
    """The article of ARTICLE_TEXT, its jobs run: its tram claim and its tunnel claim."""
    with capture(execute=True):
        article = article_ingest_text(
            text=ARTICLE_TEXT, user=user, published_at=datetime.date(2024, 3, 8)
        ).article
    return article.claims.get(text__contains="tram"), article.claims.get(text__contains="Mill Street")


def suggested(claim) -> list[Suggestion]:
    return list(
        Suggestion.objects.filter(claim=claim, status=SuggestionStatus.SUGGESTED)
        .select_related("item")
        .order_by("rank")
    )


def suggestion_job(claim) -> Job:
    return Job.objects.filter(kind=JobKind.SUGGEST_COVERAGE, dedupe_key=suggestion_job_key(claim.pk)).latest(
        "id"
    )


def test_provider_answers_are_suggested_after_the_engines_top_k_with_the_provider_named(
    coverage_on, google, settings, alice, django_capture_on_commit_callbacks
):
    settings.COVERAGE_SUGGESTIONS = 1
    coverage.corpus_load_factchecks(checks=[TRAM_CHECK, TUNNEL_CHECK], prefix="t:")

    tram, tunnel = ingest(alice, django_capture_on_commit_callbacks)

    best, *found = suggested(tram)
    assert best.item.external_id == "t:20"  # the engine's one suggestion
    answers = CorpusItem.objects.filter(kind=CorpusKind.PROVIDER)
    assert {s.item for s in found} == set(answers)  # both answers, though the engine kept only one
    assert [s.rank for s in found] == sorted(s.rank for s in found) and found[0].rank > best.rank
    assert [s.semantic for s in found] == sorted((s.semantic for s in found), reverse=True)
    for suggestion in found:
        assert suggestion.reasons[0] == f"Found by {GOOGLE}"
        assert suggestion.semantic >= coverage.MIN_SIMILARITY and suggestion.passage
    assert not best.reasons or not best.reasons[0].startswith("Found by")
    # The same answers came for the tunnel claim: far from it in meaning, they are not suggested there.
    assert not Suggestion.objects.filter(claim=tunnel, item__in=answers).exists()
    assert answers.count() == 2
    job = suggestion_job(tram)
    assert job.status == JobStatus.DONE and "outside_errors" not in job.result
    assert job.result["suggestions"] == 3


def test_a_dismissed_provider_answer_is_not_suggested_for_the_claim_again(
    coverage_on, google, alice, django_capture_on_commit_callbacks
):
    coverage.corpus_load_factchecks(checks=[TUNNEL_CHECK], prefix="t:")
    tram, _ = ingest(alice, django_capture_on_commit_callbacks)
    answer = next(s for s in suggested(tram) if s.item.kind == CorpusKind.PROVIDER)
    # Ranked by the engine itself (its fused score has a lexical part), and still named.
    assert answer.lexical > 0 and answer.reasons[0] == f"Found by {GOOGLE}"
    suggestions.suggestion_dismiss(suggestion=answer, user=alice)

    with django_capture_on_commit_callbacks(execute=True):
        coverage.coverage_suggest_submit(claim_ids=[tram.pk])

    assert suggestion_job(tram).status == JobStatus.DONE
    assert answer.item not in {s.item for s in suggested(tram)}
    assert Suggestion.objects.get(pk=answer.pk).status == SuggestionStatus.DISMISSED


@pytest.mark.parametrize(
    ("path", "message"),
    [("/google-down/claims:search", GOOGLE_DOWN), ("/google-garbled/claims:search", GOOGLE_GARBLED)],
    ids=["server-error", "garbled-answer"],
)
def test_a_provider_failing_is_said_in_the_job_result_and_the_engines_suggestions_are_kept(
    coverage_on, google, settings, alice, django_capture_on_commit_callbacks, path, message
):
    settings.GOOGLE_FACTCHECK_URL = google.url(path)
    coverage.corpus_load_factchecks(checks=[TUNNEL_CHECK], prefix="t:")

    _, tunnel = ingest(alice, django_capture_on_commit_callbacks)

    job = suggestion_job(tunnel)
    assert job.status == JobStatus.DONE
    assert job.result["outside_errors"] == [message]
    assert suggested(tunnel)[0].item.external_id == "t:7"
    assert not CorpusItem.objects.filter(kind=CorpusKind.PROVIDER).exists()
    assert len(google.requests) == 2  # asked for each claim: a failed answer is not cached
