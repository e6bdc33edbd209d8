"""Specification of claims.outside.providers: asking outside services about a claim.

The services' answers are recorded in tests/outside/data and served by a local site; the providers'
base URLs point there. No test reaches the real network: every name lookup fails the test.
"""

import datetime
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from claims import fetching
from claims.outside import providers
from claims.outside.providers import (
    CONFIG_DEFAULTS,
    GDELTProvider,
    GoogleFactCheckProvider,
    ProviderError,
    ProviderResult,
    TokenBucket,
    TTLCache,
    config_from_settings,
    enabled_providers,
    search_all,
)
from tests.support.local_site import LocalSite, Page

DATA = Path(__file__).parent / "data"
UTC = datetime.UTC
NOW = datetime.datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
KEY = "test-key-123"
CLAIM = "The tram line will be extended by 12 kilometres next year"


def recorded(name: str, **page) -> Page:
    content_type = "application/json; charset=UTF-8" if name.endswith(".json") else "text/html; charset=utf-8"
    return Page(body=(DATA / name).read_bytes(), content_type=content_type, **page)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def no_real_network(monkeypatch):
    def refuse(host, *args, **kwargs):
        raise AssertionError(f"a test tried to look up {host}")

    monkeypatch.setattr(fetching, "getaddrinfo", refuse)
    providers._BUCKETS.clear()


@pytest.fixture
def site(settings):
    pages = {
        "/google/v1alpha1/claims:search": recorded("google_claims_search.json"),
        "/google-bad-key/v1alpha1/claims:search": recorded("google_error_400.json", status=400),
        "/gdelt/api/v2/doc/doc": recorded("gdelt_artlist.json"),
        "/gdelt-nothing/doc": recorded("gdelt_empty.json"),
        "/gdelt-blank/doc": Page(body=b"", content_type="application/json"),
        "/gdelt-refuses/doc": recorded("gdelt_refusal.txt"),
        "/gdelt-garbled/doc": Page(body=b'{"articles": [{"url": ', content_type="application/json"),
        "/down/doc": Page(body=b"oops", content_type="text/plain", status=500),
        "/busy/doc": Page(body=b"", content_type="text/plain", status=429, headers={"Retry-After": "30"}),
        "/slow/doc": recorded("gdelt_artlist.json", delay=1.0),
    }
    with LocalSite(pages) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.host]
        yield local


@pytest.fixture
def config(site):
    return {
        "GOOGLE_FACTCHECK_API_KEY": KEY,
        "GOOGLE_FACTCHECK_URL": site.url("/google/v1alpha1/claims:search"),
        "GDELT_ENABLED": True,
        "GDELT_URL": site.url("/gdelt/api/v2/doc/doc"),
        "OUTSIDE_TIMEOUT": 0.3,
    }


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make(config, clock):
    """Build a provider against the local site, with its own cache and the test's clock."""
    cache = TTLCache(clock=clock)

    def build(cls, **overrides):
        options = {"cache": cache, "clock": clock, "now": lambda: NOW}
        settings = {**config, **overrides.pop("config", {})}
        return cls(settings, **{**options, **overrides})

    return build


def sent_query(site, index=0) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(site.requests[index].path).query).items()}


class TestGoogleFactCheck:
    def test_it_reads_the_fact_checks_of_each_claim(self, make, site):
        results = make(GoogleFactCheckProvider).search(CLAIM, language="en")
        assert results == [
            ProviderResult(
                provider="google_factcheck",
                kind="factcheck",
                title="Will the tram line really grow by 12 km? We checked & here is what we found",
                text="The tram line will be extended by 12 kilometres next year.",
                url="https://examplechecks.org/2024/03/tram-line",
                publisher="Example Checks",
                rating_label="Mostly false",
                date=datetime.datetime(2024, 3, 4, 9, 30, tzinfo=UTC),
                language="en",
                claimant="City council",
            ),
            ProviderResult(
                provider="google_factcheck",
                kind="factcheck",
                title="The tram line will be extended by 12 kilometres next year.",  # no title: the claim
                text="The tram line will be extended by 12 kilometres next year.",
                url="https://verifica.example/tram",
                publisher="verifica.example",  # no name: the site
                rating_label="Falso",
                date=datetime.datetime(2024, 3, 5, tzinfo=UTC),
                language="es",
                claimant="City council",
            ),
        ]  # the review whose url is no web address is left out

    def test_it_asks_with_the_key_the_language_and_the_age(self, make, site):
        since = NOW - datetime.timedelta(days=30, hours=1)
        make(GoogleFactCheckProvider).search(CLAIM, language="en-GB", since=since)
        assert sent_query(site) == {
            "query": CLAIM,
            "languageCode": "en-GB",
            "maxAgeDays": "31",
            "pageSize": "10",
        }
        assert site.requests[0].headers["x-goog-api-key"] == KEY  # in a header, never in the URL

    def test_a_date_works_as_since(self, make, site):
        make(GoogleFactCheckProvider).search(CLAIM, since=datetime.date(2024, 3, 9))
        assert sent_query(site)["maxAgeDays"] == "2"
        assert "languageCode" not in sent_query(site)

    def test_a_long_text_is_cut_at_a_word(self, make, site):
        make(GoogleFactCheckProvider).search("word " * 200)
        query = sent_query(site)["query"]
        assert len(query) <= 500 and query.endswith("word")

    def test_it_is_disabled_without_an_api_key(self):
        assert not GoogleFactCheckProvider.is_enabled({})
        assert not GoogleFactCheckProvider.is_enabled({"GOOGLE_FACTCHECK_API_KEY": "  "})
        assert GoogleFactCheckProvider.is_enabled({"GOOGLE_FACTCHECK_API_KEY": KEY})

    def test_a_refused_key_gets_a_message_that_says_what_to_check(self, make, site, caplog):
        google = make(
            GoogleFactCheckProvider,
            config={"GOOGLE_FACTCHECK_URL": site.url("/google-bad-key/v1alpha1/claims:search")},
        )
        with pytest.raises(ProviderError) as failed:
            google.search(CLAIM)
        assert failed.value.message == (
            "Could not search Google Fact Check Tools: it refused the request (400 Bad Request); "
            "check that GOOGLE_FACTCHECK_API_KEY is a valid key with the Fact Check Tools API enabled."
        )
        assert failed.value.provider == "google_factcheck"

    def test_the_key_never_shows_in_errors_or_the_log(self, make, site, caplog):
        google = make(GoogleFactCheckProvider, config={"GOOGLE_FACTCHECK_URL": site.url("/down/doc")})
        with caplog.at_level(logging.DEBUG):
            outcome = search_all([google], CLAIM)
        assert outcome.errors
        assert KEY not in outcome.errors[0].message
        assert KEY not in caplog.text


class TestGDELT:
    def test_it_reads_the_article_list(self, make, site):
        results = make(GDELTProvider).search(CLAIM)
        assert results == [
            ProviderResult(
                provider="gdelt",
                kind="coverage",
                title="Council approves tram extension",
                text="",
                url="https://news.example.com/2024/01/01/tram-extension.html",
                publisher="news.example.com",
                rating_label="",
                date=datetime.datetime(2024, 1, 1, 12, 0, tzinfo=UTC),
                language="en",
            ),
            ProviderResult(
                provider="gdelt",
                kind="coverage",
                title="Straßenbahn wird länger",
                text="",
                url="https://zeitung.example.de/tram",
                publisher="zeitung.example.de",
                rating_label="",
                date=datetime.datetime(2024, 1, 2, 8, 30, tzinfo=UTC),
                language="de",
            ),
        ]

    def test_it_asks_for_a_few_plain_words_in_the_language_and_time_span(self, make, site):
        since = NOW - datetime.timedelta(days=3)
        make(GDELTProvider).search(
            'The "tram" line (OR bus) will be extended by 12 km!', language="de", since=since
        )
        assert sent_query(site) == {
            "query": "the tram line bus will extended sourcelang:german",
            "mode": "artlist",
            "format": "json",
            "maxrecords": "10",
            "timespan": "3d",
        }

    def test_without_since_it_uses_the_configured_time_span_and_caps_long_ones(self, make, site, clock):
        make(GDELTProvider).search(CLAIM)
        assert sent_query(site)["timespan"] == "1w"
        clock.now += 5  # GDELT's rate limit
        make(GDELTProvider).search(CLAIM, since=NOW - datetime.timedelta(days=400))
        assert sent_query(site, 1)["timespan"] == "90d"

    def test_it_is_disabled_unless_turned_on(self):
        assert not GDELTProvider.is_enabled({})
        assert not GDELTProvider.is_enabled({"GDELT_ENABLED": "false"})
        assert GDELTProvider.is_enabled({"GDELT_ENABLED": "true"})
        assert GDELTProvider.is_enabled({"GDELT_ENABLED": True})

    @pytest.mark.parametrize("path", ["/gdelt-nothing/doc", "/gdelt-blank/doc"])
    def test_no_match_is_no_results(self, make, site, path):
        assert make(GDELTProvider, config={"GDELT_URL": site.url(path)}).search(CLAIM) == []

    def test_a_query_gdelt_will_not_run_gets_its_own_words(self, make, site):
        gdelt = make(GDELTProvider, config={"GDELT_URL": site.url("/gdelt-refuses/doc")})
        with pytest.raises(
            ProviderError, match=r"^GDELT refused the search: The specified phrase is too short\.$"
        ):
            gdelt.search(CLAIM)

    def test_a_garbled_answer_is_a_readable_error(self, make, site):
        gdelt = make(GDELTProvider, config={"GDELT_URL": site.url("/gdelt-garbled/doc")})
        with pytest.raises(ProviderError, match=r"^GDELT sent an answer we could not read\.$"):
            gdelt.search(CLAIM)


class TestFailures:
    def test_a_server_error_is_a_readable_error(self, make, site):
        gdelt = make(GDELTProvider, config={"GDELT_URL": site.url("/down/doc")})
        with pytest.raises(ProviderError) as failed:
            gdelt.search(CLAIM)
        assert failed.value.message == (
            "Could not search GDELT: it answered 500 Internal Server Error; it may be having trouble, try again later."
        )

    def test_a_timeout_is_a_readable_error(self, make, site):
        gdelt = make(GDELTProvider, config={"GDELT_URL": site.url("/slow/doc")})
        with pytest.raises(
            ProviderError, match=r"^Could not search GDELT: “127.0.0.1” took too long to answer"
        ):
            gdelt.search(CLAIM)

    def test_the_providers_own_rate_limit_is_passed_on_with_its_retry_after(self, make, site):
        gdelt = make(GDELTProvider, config={"GDELT_URL": site.url("/busy/doc")})
        with pytest.raises(ProviderError, match="it says we asked too often") as failed:
            gdelt.search(CLAIM)
        assert failed.value.retry_after == 30

    def test_an_internal_address_is_refused_by_the_guarded_client(self, make, site, settings):
        settings.FETCH_ALLOWED_HOSTS = []
        with pytest.raises(ProviderError, match=r"points inside our own network"):
            make(GDELTProvider).search(CLAIM)
        assert site.requests == []

    def test_failures_are_not_cached(self, make, site):
        google = make(GoogleFactCheckProvider, config={"GOOGLE_FACTCHECK_URL": site.url("/down/doc")})
        for _ in range(2):
            with pytest.raises(ProviderError):
                google.search(CLAIM)
        assert len(site.requests) == 2


class TestRateLimit:
    def test_a_search_past_the_limit_is_refused_without_a_request(self, make, site, clock):
        gdelt = make(GDELTProvider, limiter=TokenBucket(1, clock=clock))
        gdelt.search(CLAIM)
        with pytest.raises(ProviderError) as refused:
            gdelt.search("Another claim about buses")
        assert refused.value.message == (
            "Could not search GDELT: we have asked it as often as we may for now; try again in 60 seconds."
        )
        assert refused.value.retry_after == 60
        assert len(site.requests) == 1
        clock.now += 60
        gdelt.search("Another claim about buses")
        assert len(site.requests) == 2

    def test_the_limit_comes_from_the_settings_and_is_shared_by_instances(self, make, site):
        config = {"OUTSIDE_RATE_LIMIT_PER_MINUTE": 2}
        make(GoogleFactCheckProvider, config=config).search("one claim")
        make(GoogleFactCheckProvider, config=config).search("two claims")
        with pytest.raises(ProviderError, match="as often as we may"):
            make(GoogleFactCheckProvider, config=config).search("three claims")

    def test_gdelt_is_asked_at_most_once_in_five_seconds(self, make, site, clock):
        gdelt = make(GDELTProvider)
        gdelt.search("one claim")
        with pytest.raises(ProviderError, match="try again in 5 seconds"):
            gdelt.search("two claims")
        clock.now += 5
        gdelt.search("two claims")

    def test_a_token_bucket_refills_over_time_up_to_its_burst(self, clock):
        bucket = TokenBucket(60, burst=2, clock=clock)
        assert [bucket.try_acquire() for _ in range(3)] == [True, True, False]
        assert bucket.wait_time() == pytest.approx(1.0)
        clock.now += 10
        assert [bucket.try_acquire() for _ in range(3)] == [True, True, False]

    def test_a_rate_of_zero_means_no_limit(self, clock):
        bucket = TokenBucket(0, clock=clock)
        assert all(bucket.try_acquire() for _ in range(100))


class TestCache:
    def test_the_same_question_is_answered_from_the_cache(self, make, site):
        google = make(GoogleFactCheckProvider)
        first = google.search(CLAIM, language="en")
        assert google.search(CLAIM, language="en") == first
        assert len(site.requests) == 1

    def test_a_cache_hit_does_not_use_up_the_rate_limit(self, make, site, clock):
        gdelt = make(GDELTProvider, limiter=TokenBucket(1, clock=clock))
        gdelt.search(CLAIM)
        gdelt.search(CLAIM)
        assert len(site.requests) == 1

    def test_another_question_is_asked_again(self, make, site):
        google = make(GoogleFactCheckProvider)
        google.search(CLAIM, language="en")
        google.search(CLAIM, language="fr")
        assert len(site.requests) == 2

    def test_an_answer_is_reused_only_for_the_ttl(self, make, site, clock):
        google = make(GoogleFactCheckProvider, config={"OUTSIDE_CACHE_TTL": 60})
        google.search(CLAIM)
        clock.now += 59
        google.search(CLAIM)
        clock.now += 1
        google.search(CLAIM)
        assert len(site.requests) == 2

    def test_any_cache_with_djangos_get_and_set_will_do(self, make, site):
        class DictCache(dict):
            def get(self, key, default=None):
                return super().get(key, default)

            def set(self, key, value, timeout=None):
                self[key] = value

        cache = DictCache()
        make(GoogleFactCheckProvider, cache=cache).search(CLAIM)
        [(key, body)] = cache.items()
        assert key.startswith("outside:google_factcheck:") and KEY not in key
        assert json.loads(body)["nextPageToken"] == "CAE"

    def test_ttl_cache_forgets_the_oldest_entries_past_its_size(self, clock):
        cache = TTLCache(clock=clock, max_entries=2)
        for key in "abc":
            cache.set(key, key.upper(), 100)
        assert [cache.get(key) for key in "abc"] == [None, "B", "C"]


class TestSearchAll:
    def test_a_failing_provider_does_not_spoil_the_others(self, make, site, caplog):
        down = make(GoogleFactCheckProvider, config={"GOOGLE_FACTCHECK_URL": site.url("/down/doc")})
        with caplog.at_level(logging.WARNING, logger="claims.outside.providers"):
            outcome = search_all([down, make(GDELTProvider)], CLAIM)
        assert [r.provider for r in outcome.results] == ["gdelt", "gdelt"]
        [error] = outcome.errors
        assert error.provider == "google_factcheck"
        assert "500 Internal Server Error" in error.message
        assert "google_factcheck" in caplog.text

    def test_a_bug_in_one_provider_is_caught_and_logged(self, make, site, caplog):
        class Broken(GDELTProvider):
            name = "broken"

            def parse(self, body):
                raise KeyError("oops")

        with caplog.at_level(logging.ERROR):
            outcome = search_all([make(Broken), make(GoogleFactCheckProvider)], CLAIM)
        assert len(outcome.results) == 2
        assert outcome.errors[0].message == "Could not search GDELT: something went wrong on our side."

    def test_results_of_every_provider_are_gathered(self, make, site):
        outcome = search_all([make(GoogleFactCheckProvider), make(GDELTProvider)], CLAIM, language="en")
        assert [r.kind for r in outcome.results] == ["factcheck", "factcheck", "coverage", "coverage"]
        assert outcome.errors == []

    def test_an_empty_text_asks_nobody(self, make, site):
        assert search_all([make(GoogleFactCheckProvider), make(GDELTProvider)], "   ").results == []
        assert site.requests == []


class TestConfiguration:
    def test_only_configured_providers_are_used(self, clock):
        assert enabled_providers({}) == []
        only_google = enabled_providers({"GOOGLE_FACTCHECK_API_KEY": KEY}, clock=clock)
        assert [type(p) for p in only_google] == [GoogleFactCheckProvider]
        both = enabled_providers({"GOOGLE_FACTCHECK_API_KEY": KEY, "GDELT_ENABLED": True}, clock=clock)
        assert [p.name for p in both] == ["google_factcheck", "gdelt"]

    def test_the_base_urls_default_to_the_real_services(self):
        google = GoogleFactCheckProvider({"GOOGLE_FACTCHECK_API_KEY": KEY})
        gdelt = GDELTProvider({"GDELT_ENABLED": True})
        assert google.base_url == "https://factchecktools.googleapis.com/v1alpha1/claims:search"
        assert gdelt.base_url == "https://api.gdeltproject.org/api/v2/doc/doc"
        assert google.request_url("x", language=None, since=None).startswith(google.base_url + "?query=x")

    def test_settings_are_read_from_a_settings_object(self, settings):
        settings.GOOGLE_FACTCHECK_API_KEY = KEY
        settings.GDELT_ENABLED = True
        config = config_from_settings(settings)
        assert config["GOOGLE_FACTCHECK_API_KEY"] == KEY
        assert set(config) <= set(CONFIG_DEFAULTS)
        assert [p.name for p in enabled_providers(config)] == ["google_factcheck", "gdelt"]

    def test_the_timeout_reaches_the_guarded_client(self, config, clock):
        calls = []

        class Result:
            body = b'{"claims": []}'

        def fake_fetch(url, **kwargs):
            calls.append(kwargs)
            return Result()

        GoogleFactCheckProvider(config, fetcher=fake_fetch, cache=TTLCache(clock=clock), clock=clock).search(
            "x"
        )
        [kwargs] = calls
        assert kwargs["timeout"] == 0.3
        assert kwargs["accept"] == ("application/json",)
