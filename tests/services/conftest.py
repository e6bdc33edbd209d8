import pytest

from tests.support.local_site import LocalSite, Page

REPORT_HTML = """<!doctype html><html lang="en"><head>
<title>Harbour bridge traffic report 2023</title>
<meta name="author" content="Jane Roe">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="2024-03-05">
</head><body><article><h1>Harbour bridge traffic report 2023</h1>
<p>The harbour authority said on Monday that “the bridge carried 160,000 vehicles a day” in 2023,
up from 151,000 the year before.</p>
<p>Officials added that the toll would rise in July — pending a review by the transport minister —
and that the authority’s own figures would be published in full.</p>
<p>Cyclists were not counted in the survey, the report notes, because the sensors cannot see them.</p>
</article></body></html>""".encode()


@pytest.fixture
def site(settings):
    """A local site serving a source page, on the fetch allow-list."""
    with LocalSite(
        {
            "/report": Page(body=REPORT_HTML),
            "/loopback": Page(status=302, headers={"Location": "http://localhost:1/admin"}),
        }
    ) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.host]
        yield local
