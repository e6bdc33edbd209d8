"""The article list, adding an article by paste, upload or URL, and the progress page of a URL job."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.choices import ClaimStatus, JobKind, JobStatus
from claims.models import Article, Claim, Job
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

CREATE = reverse("article_create")
LIST = reverse("article_list")
XSS_TITLE = "<script>alert(1)</script>"
XSS_TEXT = "<img src=x onerror=alert(1)> The mayor said 40 per cent of buses run late."
ARTICLE_HTML = """<!doctype html><html lang="en"><head><title>Trams return to the city</title>
<meta property="og:site_name" content="Local Gazette"></head><body><article><h1>Trams return to the city</h1>
<p>The city council voted on Tuesday to bring back trams, with 31 of 45 councillors in favour.</p>
<p>The first line will cost 240 million euros and open in 2027, the mayor said.</p>
<p>Bus ridership fell by 12 per cent last year, according to the transport authority.</p>
</article></body></html>"""


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def _claims_with_status(article, *statuses):
    """One claim per status, each over its own word of the article's text."""
    for index, status in enumerate(statuses):
        ClaimFactory(article=article, start=index * 4, end=index * 4 + 3, status=status)


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_each_article_with_its_claims_by_status(signed_in, alice):
    article = ArticleFactory(
        title="Budget vote",
        site_name="Daily Planet",
        published_at=datetime.date(2024, 3, 5),
        ingested_by=alice,
        text="One two three four five six seven eight nine ten eleven.",
    )
    _claims_with_status(
        article,
        ClaimStatus.NEW,
        ClaimStatus.NEW,
        ClaimStatus.IN_REVIEW,
        ClaimStatus.PUBLISHED,
        ClaimStatus.DISMISSED,
    )

    response = signed_in.get(LIST)

    assert response.status_code == 200
    row = response.context["articles"][0]
    assert (
        row.claim_count,
        row.new_count,
        row.in_review_count,
        row.published_count,
        row.dismissed_count,
    ) == (5, 2, 1, 1, 1)
    html = response.content.decode()
    assert reverse("article_detail", args=[article.pk]) in html
    for text in (
        "Budget vote",
        "Daily Planet",
        "5 Mar 2024",
        "2 new",
        "1 in review",
        "1 published",
        "1 dismissed",
        "by Alice",
    ):
        assert text in html


def test_the_list_costs_the_same_queries_for_5_and_30_articles(signed_in, alice):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(LIST).status_code == 200
        return len(queries)

    for _ in range(5):
        _claims_with_status(ArticleFactory(ingested_by=alice), ClaimStatus.NEW, ClaimStatus.PUBLISHED)
    few = count_queries()
    for _ in range(25):
        _claims_with_status(ArticleFactory(ingested_by=UserFactory()), ClaimStatus.NEW, ClaimStatus.IN_REVIEW)
    many = count_queries()

    assert few == many


def test_the_list_has_a_constant_small_number_of_queries(signed_in, django_assert_max_num_queries):
    for _ in range(30):
        _claims_with_status(ArticleFactory(ingested_by=UserFactory()), ClaimStatus.NEW, ClaimStatus.PUBLISHED)

    with django_assert_max_num_queries(9):
        signed_in.get(LIST, {"q": "council", "status": "needs_review"})


def test_search_finds_words_in_the_title_and_in_the_text(signed_in):
    by_title = ArticleFactory(title="Harbour bridge reopens", text="Traffic flows again over the water.")
    by_text = ArticleFactory(title="City news", text="The harbour authority raised its fees by 8 per cent.")
    ArticleFactory(title="Weather", text="Rain tomorrow.")

    found = list(signed_in.get(LIST, {"q": "harbour"}).context["articles"])

    assert {a.pk for a in found} == {by_title.pk, by_text.pk}


def test_search_handles_quotes_and_operators_without_error(signed_in):
    ArticleFactory(title="Harbour", text="Harbour fees rose.")

    response = signed_in.get(LIST, {"q": '"harbour fees" -rain OR & | ! :*'})

    assert response.status_code == 200


def test_filters_by_published_date_publisher_and_status(signed_in):
    old = ArticleFactory(site_name="Daily Planet", published_at=datetime.date(2023, 1, 10))
    new = ArticleFactory(site_name="Daily Planet", published_at=datetime.date(2024, 6, 1))
    other = ArticleFactory(site_name="Gotham Gazette", published_at=datetime.date(2024, 6, 2))
    _claims_with_status(old, ClaimStatus.PUBLISHED)
    _claims_with_status(new, ClaimStatus.IN_REVIEW)
    _claims_with_status(other, ClaimStatus.AWAITING_APPROVAL)

    def found(**params):
        return {a.pk for a in signed_in.get(LIST, params).context["articles"]}

    assert found(published_from="2024-01-01") == {new.pk, other.pk}
    assert found(published_to="2023-12-31") == {old.pk}
    assert found(publisher="planet") == {old.pk, new.pk}
    assert found(status="needs_review") == {new.pk}
    assert found(status="awaiting_approval") == {other.pk}
    assert found(status="published") == {old.pk}
    assert found(publisher="planet", published_from="2024-01-01") == {new.pk}


def test_an_invalid_filter_is_shown_and_ignored(signed_in):
    ArticleFactory()

    response = signed_in.get(LIST, {"published_from": "not-a-date"})

    assert response.status_code == 200
    assert len(response.context["articles"]) == 1
    assert "errorlist" in response.content.decode()


def test_the_list_is_paginated_25_a_page_and_page_links_keep_the_filters(signed_in):
    for _ in range(30):
        ArticleFactory(site_name="Daily Planet")

    first = signed_in.get(LIST, {"publisher": "planet"})
    second = signed_in.get(LIST, {"publisher": "planet", "page": 2})

    assert len(first.context["articles"]) == 25
    assert len(second.context["articles"]) == 5
    assert "?publisher=planet&amp;page=2" in first.content.decode()
    assert signed_in.get(LIST, {"page": 99}).status_code == 200  # out of range: the last page


def test_titles_and_text_with_markup_are_shown_inert_in_the_list(signed_in):
    ArticleFactory(title=XSS_TITLE, site_name="<img src=x onerror=alert(1)>", text=XSS_TEXT)

    html = signed_in.get(LIST).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- adding by paste -----------------------------------------------------------------------------


def test_the_add_page_offers_paste_upload_and_url_with_labelled_fields(signed_in):
    html = signed_in.get(CREATE).content.decode()

    for section in ('id="paste"', 'id="upload"', 'id="url"', 'enctype="multipart/form-data"'):
        assert section in html
    for field in (
        "paste_text",
        "paste_title",
        "paste_url",
        "paste_published_at",
        "upload_file",
        "upload_title",
        "url_url",
    ):
        assert f'<label for="{field}">' in html
        assert html.count(f'id="{field}"') == 1
    assert html.count("csrfmiddlewaretoken") >= 3


def test_pasting_the_seed_article_adds_it_with_its_claims_and_date(signed_in, alice, seed_text):
    response = signed_in.post(
        CREATE, {"method": "paste", "text": seed_text, "title": "Hamas delegation in Moscow"}
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("article_detail", args=[article.pk])
    assert article.published_at == datetime.date(2023, 11, 6)
    assert not article.text.startswith("date")
    assert article.title == "Hamas delegation in Moscow"
    assert article.ingested_by == alice and article.ingest_method == "paste"
    count = article.claims.count()
    assert count > 3
    page = signed_in.get(response.url)
    assert f"Added: {count} claims" in page.content.decode()


def test_pasting_the_same_article_again_finds_the_one_stored(signed_in, seed_text):
    signed_in.post(CREATE, {"method": "paste", "text": seed_text})

    response = signed_in.post(CREATE, {"method": "paste", "text": seed_text}, follow=True)

    assert Article.objects.count() == 1
    assert "This article was already in the workbench" in response.content.decode()


def test_a_typed_publication_date_url_and_title_are_kept(signed_in):
    signed_in.post(
        CREATE,
        {
            "method": "paste",
            "text": "The bridge cost 12 million euros to build in 1998.",
            "title": "Bridge",
            "url": "https://example.org/bridge?utm_source=x",
            "published_at": "2024-02-29",
        },
    )

    article = Article.objects.get()
    assert (article.title, article.url, article.published_at) == (
        "Bridge",
        "https://example.org/bridge",
        datetime.date(2024, 2, 29),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "There is no text to check."),
        ({"text": "   \n\t  \n"}, "There is no text to check."),
        ({"text": "Real text here.", "url": "not a url"}, "is not a valid http or https address"),
        ({"text": "Real text here.", "published_at": "2024-13-45"}, "Enter a valid date"),
        ({"text": "date 2023-02-30\nReal text here."}, "which does not exist"),
    ],
)
def test_refused_paste_shows_the_reason_and_stores_nothing(signed_in, data, message):
    response = signed_in.post(CREATE, {"method": "paste", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0 and Claim.objects.count() == 0


def test_a_refused_paste_keeps_what_was_typed(signed_in):
    response = signed_in.post(CREATE, {"method": "paste", "text": "Kept text", "url": "nonsense"})

    assert ">\nKept text</textarea>" in response.content.decode()


# --- adding by upload ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("article.txt", b"The council approved a budget of 5 million euros on Tuesday."),
        ("article.md", b"# Trams\n\nThe tram line will cost 240 million euros, the mayor said."),
        ("article.html", ARTICLE_HTML.encode()),
    ],
)
def test_uploading_a_text_markdown_or_html_file_adds_the_article(signed_in, name, body, tmp_path):
    path = tmp_path / name
    path.write_bytes(body)

    with path.open("rb") as upload:
        response = signed_in.post(CREATE, {"method": "upload", "file": upload})

    article = Article.objects.get()
    assert response.url == reverse("article_detail", args=[article.pk])
    assert article.ingest_method == "upload"
    assert article.claims.exists()


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
            "binary file",
        ),
        ("report.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "Only .txt, .md and .html files"),
        ("blank.txt", b"   \n\n  ", "The file is empty."),
    ],
)
def test_refused_upload_shows_the_reason_and_stores_nothing(signed_in, name, body, message, tmp_path):
    path = tmp_path / name
    path.write_bytes(body)

    with path.open("rb") as upload:
        response = signed_in.post(CREATE, {"method": "upload", "file": upload})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_an_oversized_upload_is_refused(signed_in, settings, tmp_path):
    settings.INGEST_MAX_BYTES = 1024
    path = tmp_path / "long.txt"
    path.write_bytes(b"The budget grew by 5 per cent. " * 100)

    with path.open("rb") as upload:
        response = signed_in.post(CREATE, {"method": "upload", "file": upload})

    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert Article.objects.count() == 0


def test_an_upload_without_a_file_is_refused(signed_in):
    response = signed_in.post(CREATE, {"method": "upload"})

    assert response.status_code == 400
    assert Article.objects.count() == 0


# --- where a refusal is shown --------------------------------------------------------------------


def _section(html: str, method: str) -> str:
    """The opening tag of one way's section on the add page."""
    start = html.index(f'id="{method}" aria-labelledby=')
    return html[html.rindex("<section", 0, start) : html.index(">", start) + 1]


def test_the_add_page_shows_paste_first_and_hides_the_other_ways(signed_in):
    for params in ({}, {"method": "nonsense"}):
        html = signed_in.get(CREATE, params).content.decode()

        assert 'href="?method=paste" aria-current="true"' in html
        assert "hidden" not in _section(html, "paste")
        assert "hidden" in _section(html, "upload") and "hidden" in _section(html, "url")
        assert 'role="alert"' not in html


def test_the_tab_asked_for_is_the_one_shown(signed_in):
    html = signed_in.get(CREATE, {"method": "url"}).content.decode()

    assert 'href="?method=url" aria-current="true"' in html
    assert "hidden" not in _section(html, "url")
    assert "hidden" in _section(html, "paste")


def test_a_refused_upload_is_told_at_the_top_focused_with_its_tab_still_selected(signed_in, tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    with path.open("rb") as upload:
        response = signed_in.post(CREATE, {"method": "upload", "file": upload, "title": "Kept title"})

    html = response.content.decode()
    assert response.status_code == 400
    box = html[html.index('<div class="error-summary"') :]
    box = box[: box.index("</div>")]
    assert 'role="alert"' in box and 'tabindex="-1"' in box and "autofocus" in box
    assert "binary file" in box and "choose it again" in box
    # Under the page heading, above the tabs and every form.
    assert html.index("<h1>") < html.index('class="error-summary"') < html.index('class="method-tabs"')
    assert html.count('role="alert"') == 1
    assert 'href="?method=upload" aria-current="true"' in html
    assert "hidden" not in _section(html, "upload") and "hidden" in _section(html, "paste")
    assert 'value="Kept title"' in html
    assert "<title>Error: Add an article" in html


def test_a_refused_paste_is_told_at_the_top_with_what_was_typed_kept(signed_in):
    response = signed_in.post(CREATE, {"method": "paste", "text": "   ", "title": "Kept title"})

    html = response.content.decode()
    assert html.index('class="error-summary"') < html.index('class="method-tabs"')
    assert "There is no text to check." in html
    assert 'href="?method=paste" aria-current="true"' in html
    assert 'value="Kept title"' in html


def test_field_errors_are_listed_at_the_top_with_links_to_their_fields(signed_in):
    data = {"method": "paste", "text": "Kept", "published_at": "2024-13-45"}
    html = signed_in.post(CREATE, data).content.decode()

    summary = html[html.index('class="error-summary"') : html.index('class="method-tabs"')]
    assert '<a href="#paste_published_at">Publication date (optional): Enter a valid date.</a>' in summary


def test_an_upload_without_a_file_says_so_at_the_top(signed_in):
    html = signed_in.post(CREATE, {"method": "upload"}).content.decode()

    summary = html[html.index('class="error-summary"') : html.index('class="method-tabs"')]
    assert '<a href="#upload_file">File (.txt, .md or .html): This field is required.</a>' in summary


@pytest.mark.parametrize("url", ["ftp://example.org/file", "not a url"])
def test_a_refused_url_is_told_at_the_top_with_the_address_kept(signed_in, url):
    response = signed_in.post(CREATE, {"method": "url", "url": url})

    html = response.content.decode()
    assert response.status_code == 400
    assert html.index('class="error-summary"') < html.index('class="method-tabs"')
    assert 'href="?method=url" aria-current="true"' in html
    assert "hidden" not in _section(html, "url")
    assert f'value="{url}"' in html


# --- adding by URL -------------------------------------------------------------------------------


def test_a_url_is_fetched_in_a_job_whose_page_leads_to_the_article(
    signed_in, alice, settings, django_capture_on_commit_callbacks
):
    with LocalSite({"/trams": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(CREATE, {"method": "url", "url": site.url("/trams")})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("job_status", args=[job.pk])
    assert job.status == JobStatus.DONE and job.created_by == alice

    status = signed_in.get(response.url + "?format=json").json()
    article_url = reverse("article_detail", args=[job.article_id])
    assert status.items() >= {"status": "done", "error": "", "article_url": article_url}.items()
    page = signed_in.get(response.url)
    assert page.status_code == 302 and page.url == article_url
    assert "Added:" in signed_in.get(article_url).content.decode()


def test_a_job_in_progress_shows_its_step_and_refreshes_itself(signed_in, alice):
    job = Job.objects.create(kind=JobKind.INGEST_URL, url="https://example.org/a", created_by=alice)

    queued = signed_in.get(reverse("job_status", args=[job.pk]))
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    running = signed_in.get(reverse("job_status", args=[job.pk]))

    for response in (queued, running):
        html = response.content.decode()
        assert response.status_code == 200
        assert '<meta http-equiv="refresh" content="2">' in html
        assert response["Refresh"] == "2"
        assert "ingest.js" in html
    assert 'class="step-current" aria-current="step">Queued' in queued.content.decode()
    assert 'class="step-current" aria-current="step">Fetching and splitting' in running.content.decode()
    polled = signed_in.get(reverse("job_status", args=[job.pk]), {"format": "json"}).json()
    assert polled.items() >= {"status": "running", "error": "", "article_url": None}.items()


def test_a_local_address_is_refused_on_the_add_page_and_nothing_is_stored(signed_in):
    response = signed_in.post(CREATE, {"method": "url", "url": "http://127.0.0.1/"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "inside our own network" in html and "127.0.0.1" in html
    assert 'value="http://127.0.0.1/"' in html  # what was typed is kept
    assert Job.objects.count() == 0 and Article.objects.count() == 0


def test_a_page_that_redirects_inside_fails_in_the_job_with_the_reason_and_the_form_again(
    signed_in, settings, django_capture_on_commit_callbacks
):
    with LocalSite({"/moved": Page(status=302, headers={"Location": "http://127.0.0.1:1/"})}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(CREATE, {"method": "url", "url": site.url("/moved")})

    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert Article.objects.count() == 0
    page = signed_in.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "inside our own network" in html and "127.0.0.1" in html
    assert "http-equiv" not in html and not page.has_header("Refresh")
    assert 'name="method" value="url"' in html
    assert signed_in.get(response.url, {"format": "json"}).json()["status"] == "failed"


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/file", "javascript:alert(1)", ""])
def test_a_malformed_url_is_refused_before_any_job(signed_in, url):
    response = signed_in.post(CREATE, {"method": "url", "url": url})

    assert response.status_code == 400
    assert Job.objects.count() == 0 and Article.objects.count() == 0


def test_only_the_creator_or_staff_may_see_a_job(client, alice, bob):
    job = Job.objects.create(kind=JobKind.INGEST_URL, url="https://example.org/a", created_by=alice)
    url = reverse("job_status", args=[job.pk])

    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "json"}).status_code == 404

    client.force_login(UserFactory(username="root", is_staff=True))
    assert client.get(url).status_code == 200


def test_a_job_that_does_not_exist_is_not_found(signed_in):
    assert signed_in.get(reverse("job_status", args=[999999])).status_code == 404


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["paste", "upload", "url"])
def test_adding_without_a_csrf_token_is_forbidden(alice, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(
        CREATE, {"method": method, "text": "The sky is green.", "url": "https://example.org/"}
    )

    assert response.status_code == 403
    assert Article.objects.count() == 0 and Job.objects.count() == 0


def test_adding_with_the_csrf_token_works(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    token = client.get(CREATE).cookies["csrftoken"].value

    response = client.post(
        CREATE, {"method": "paste", "text": "The bridge cost 9 million euros.", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert Article.objects.count() == 1
