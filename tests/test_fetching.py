"""Specification of claims.fetching.fetch, the one guarded HTTP client for user-supplied URLs.

A local test server stands in for the web; only "127.0.0.1:<its port>" is on FETCH_ALLOWED_HOSTS,
so anything else on this machine must stay out of reach. Nothing here touches the internet: public
addresses appear only behind a faked DNS answer and a faked connection pool.
"""

import gzip
import io
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3

from claims import fetching
from claims.errors import InputRejected
from claims.fetching import FetchError, FetchResult, HTTPStatusError, fetch
from claims.text.extraction import extract_from_fetch

ARTICLE = (
    b"<html><head><title>Test article</title></head><body><article><h1>Test article</h1>"
    b"<p>The council voted on Tuesday to extend the tram line by twelve kilometres, officials said.</p>"
    b"</article></body></html>"
)
PUBLIC_IP = "93.184.215.14"  # documentation-like public address; never actually contacted


class Handler(BaseHTTPRequestHandler):
    """Each path is one situation a fetched page can put us in."""

    other_port = 0  # set per server: a second local server that must stay unreachable

    def do_GET(self):
        port = self.server.server_address[1]
        path = self.path
        if path == "/article":
            self.reply(200, "text/html; charset=utf-8", ARTICLE)
        elif path == "/headers":
            echoed = f"Host: {self.headers['Host']}\nUser-Agent: {self.headers['User-Agent']}\n"
            self.reply(200, "text/plain", echoed.encode())
        elif path == "/echo-headers":
            self.reply(200, "application/json", json.dumps(dict(self.headers.items())).encode())
        elif path == "/versioned":
            # A resource with validators: a matching If-None-Match or If-Modified-Since gets a 304.
            etag, modified = '"v2"', "Mon, 01 Jan 2024 10:00:00 GMT"
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(ARTICLE)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Cache-Control", "max-age=300")
            self.end_headers()
            self.wfile.write(ARTICLE)
        elif path == "/too-many-requests":
            self.send_response(429)
            self.send_header("Retry-After", "30")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/redirect-to-other-port-echo":
            self.redirect(f"http://127.0.0.1:{self.other_port}/echo-headers")
        elif path == "/relative-redirect":
            self.redirect("/article")
        elif path == "/redirect-to-other-port":
            self.redirect(f"http://127.0.0.1:{self.other_port}/article")
        elif path == "/redirect-to-localhost":
            self.redirect(f"http://localhost:{port}/article")
        elif path == "/redirect-to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/redirect-to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/redirect-without-location":
            self.send_response(302)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path.startswith("/chain/"):
            remaining = int(path.rsplit("/", 1)[1])
            self.redirect(f"/chain/{remaining - 1}" if remaining else "/article")
        elif path == "/huge":
            self.reply(200, "text/html", b"<p>" + b"x" * 50_000 + b"</p>")
        elif path == "/huge-unannounced":
            # No Content-Length: the size is only known while reading.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"x" * 1000)
        elif path == "/gzip-bomb":
            self.send_response(200)
            body = gzip.compress(b" " * 200_000)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/slow":
            time.sleep(1.5)
            self.reply(200, "text/html", ARTICLE)
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/announced-6-mb":
            # Says how big it is and sends nothing: the size alone must make us give up.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(6 * 1024 * 1024))
            self.end_headers()
        elif path == "/pdf":
            self.reply(200, "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        elif path == "/image":
            self.reply(200, "image/png", b"\x89PNG\r\n\x1a\n")
        elif path == "/no-type":
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"hello")
        elif path == "/mislabelled":
            page = ARTICLE.replace(b"The council", "Café owner Zoë said “the council”".encode("cp1252"))
            self.reply(200, "text/html; charset=UTF-8", page)
        else:
            self.reply(404, "text/html", b"<h1>Not here</h1>")

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client hanging up on a slow or huge answer is what the tests want


def start_server(other_port=0):
    handler = type("BoundHandler", (Handler,), {"other_port": other_port})
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def servers():
    """The allowed test server, and a second local server that no test may reach."""
    forbidden = start_server()
    allowed = start_server(other_port=forbidden.server_address[1])
    yield allowed, forbidden
    for server in (allowed, forbidden):
        server.shutdown()
        server.server_close()


@pytest.fixture
def base_url(servers, settings):
    port = servers[0].server_address[1]
    settings.FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{port}"]
    settings.FETCH_MAX_REDIRECTS = 3
    settings.FETCH_CONNECT_TIMEOUT = 2.0
    settings.FETCH_READ_TIMEOUT = 2.0
    return f"http://127.0.0.1:{port}"


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestAllowedTestServer:
    def test_it_fetches_an_article(self, base_url):
        result = fetch(f"{base_url}/article")
        assert result == FetchResult(
            url=f"{base_url}/article", status=200, content_type="text/html", charset="utf-8", body=ARTICLE
        )

    def test_it_sends_the_real_host_and_our_user_agent(self, base_url, settings):
        result = fetch(f"{base_url}/headers")
        port = base_url.rsplit(":", 1)[1]
        assert result.body.decode() == f"Host: 127.0.0.1:{port}\nUser-Agent: {settings.FETCH_USER_AGENT}\n"

    def test_it_follows_a_relative_redirect_and_reports_the_final_url(self, base_url):
        result = fetch(f"{base_url}/relative-redirect")
        assert result.url == f"{base_url}/article"
        assert result.body == ARTICLE

    def test_it_follows_redirects_up_to_the_limit(self, base_url):
        assert fetch(f"{base_url}/chain/2").url == f"{base_url}/article"  # 3 redirects, the maximum

    def test_it_gives_up_on_a_longer_redirect_chain(self, base_url):
        with pytest.raises(FetchError, match="redirected us more than 3 times"):
            fetch(f"{base_url}/chain/3")

    def test_a_redirect_without_location_is_refused(self, base_url):
        with pytest.raises(FetchError, match="did not say which"):
            fetch(f"{base_url}/redirect-without-location")

    def test_a_fetched_page_with_a_wrong_charset_extracts_correctly(self, base_url):
        article = extract_from_fetch(fetch(f"{base_url}/mislabelled"))
        assert "Café owner Zoë said “the council” voted" in article.text


class TestRedirectsOutOfTheAllowedServer:
    def test_a_redirect_to_another_local_port_is_refused(self, base_url):
        with pytest.raises(FetchError, match=r"points inside our own network \(127\.0\.0\.1\)"):
            fetch(f"{base_url}/redirect-to-other-port")

    def test_a_redirect_to_localhost_on_the_same_port_is_refused(self, base_url):
        with pytest.raises(FetchError, match=r"“localhost” points inside our own network, so"):
            fetch(f"{base_url}/redirect-to-localhost")

    def test_a_redirect_to_the_cloud_metadata_address_is_refused(self, base_url):
        with pytest.raises(FetchError, match=r"points inside our own network \(169\.254\.169\.254\)"):
            fetch(f"{base_url}/redirect-to-metadata")

    def test_a_redirect_to_a_file_url_is_refused(self, base_url):
        with pytest.raises(FetchError, match="We can only fetch web pages"):
            fetch(f"{base_url}/redirect-to-file")

    def test_the_allow_list_names_a_port_not_a_whole_host(self, base_url, servers):
        other_port = servers[1].server_address[1]
        with pytest.raises(FetchError, match="inside our own network"):
            fetch(f"http://127.0.0.1:{other_port}/article")


class TestLimits:
    def test_a_body_announced_bigger_than_the_cap_is_refused(self, base_url, settings):
        settings.FETCH_MAX_BYTES = 10_000
        with pytest.raises(FetchError, match=r"^The page is larger than the 9\.8 KB we accept\.$"):
            fetch(f"{base_url}/huge")

    def test_a_body_growing_past_the_cap_is_cut_off(self, base_url, settings):
        settings.FETCH_MAX_BYTES = 10_000
        with pytest.raises(FetchError, match="larger than"):
            fetch(f"{base_url}/huge-unannounced")

    def test_the_cap_applies_after_decompression(self, base_url, settings):
        settings.FETCH_MAX_BYTES = 10_000
        with pytest.raises(FetchError, match="larger than"):
            fetch(f"{base_url}/gzip-bomb")

    def test_the_default_cap_is_named_in_megabytes(self, base_url, settings):
        settings.FETCH_MAX_BYTES = 5 * 1024 * 1024
        with pytest.raises(FetchError, match=r"^The page is larger than the 5\.0 MB we accept\.$"):
            fetch(f"{base_url}/announced-6-mb")

    def test_max_bytes_argument_overrides_the_setting(self, base_url):
        with pytest.raises(FetchError, match="larger than the 100 bytes we accept"):
            fetch(f"{base_url}/article", max_bytes=100)

    def test_a_slow_answer_times_out(self, base_url, settings):
        settings.FETCH_READ_TIMEOUT = 0.3
        started = time.monotonic()
        with pytest.raises(FetchError, match="took too long to answer"):
            fetch(f"{base_url}/slow")
        assert time.monotonic() - started < 1.4

    def test_a_trickling_body_is_abandoned(self, base_url, settings):
        settings.FETCH_CONNECT_TIMEOUT = 0.1
        settings.FETCH_READ_TIMEOUT = 0.5  # each byte arrives in time, the whole body does not
        with pytest.raises(FetchError, match="too slowly"):
            fetch(f"{base_url}/trickle")

    @pytest.mark.parametrize(
        "path, message",
        [
            ("/pdf", r"gives us a PDF document \(application/pdf\), not a web page"),
            ("/image", r"gives us an image \(image/png\), not a web page"),
            ("/no-type", r"content of an unknown type \(no type\)"),
        ],
    )
    def test_unexpected_content_types_are_refused(self, base_url, path, message):
        with pytest.raises(FetchError, match=message):
            fetch(f"{base_url}{path}")

    def test_the_caller_chooses_the_accepted_types(self, base_url):
        assert fetch(f"{base_url}/pdf", accept=["application/pdf"]).content_type == "application/pdf"

    def test_an_error_status_is_refused(self, base_url):
        with pytest.raises(FetchError, match="The page answered 404 Not Found"):
            fetch(f"{base_url}/missing")


class TestNetworkFailures:
    def test_a_refused_connection_has_a_clear_message(self, settings):
        port = closed_port()
        settings.FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{port}"]
        with pytest.raises(FetchError, match="could not connect to “127.0.0.1”"):
            fetch(f"http://127.0.0.1:{port}/")

    def test_a_tls_failure_has_a_clear_message(self, base_url):
        with pytest.raises(FetchError, match=r"could not make a secure \(HTTPS\) connection"):
            fetch(base_url.replace("http://", "https://") + "/article")

    def test_an_unknown_host_has_a_clear_message(self, monkeypatch):
        def no_such_host(*args, **kwargs):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        monkeypatch.setattr(fetching, "getaddrinfo", no_such_host)
        with pytest.raises(FetchError, match="could not find the server “no-such-host.example”"):
            fetch("https://no-such-host.example/")


class TestRefusedAddresses:
    @pytest.mark.parametrize(
        "url, message",
        [
            ("http://127.0.0.1/", r"That address points inside our own network \(127\.0\.0\.1\)"),
            ("http://[::1]/", r"points inside our own network \(::1\)"),
            ("http://169.254.169.254/latest/meta-data/", r"inside our own network \(169\.254\.169\.254\)"),
            ("http://2130706433/", r"inside our own network \(127\.0\.0\.1\)"),
            ("http://0x7f000001/", r"inside our own network \(127\.0\.0\.1\)"),
            ("http://0177.0.0.1/", r"inside our own network \(127\.0\.0\.1\)"),
            ("http://127.1/", r"inside our own network \(127\.0\.0\.1\)"),
            ("http://0/", r"inside our own network \(0\.0\.0\.0\)"),
            ("http://10.0.0.1/", r"inside our own network \(10\.0\.0\.1\)"),
            ("http://192.168.1.1:8080/", r"inside our own network \(192\.168\.1\.1\)"),
            ("http://100.64.0.1/", r"reserved or non-public range \(100\.64\.0\.1\)"),
            ("http://[::ffff:127.0.0.1]/", r"inside our own network \(::ffff:7f00:1\)"),
            ("http://[::127.0.0.1]/", r"inside our own network"),
            ("http://[2002:7f00:1::]/", r"inside our own network"),  # 6to4 around 127.0.0.1
            ("http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", r"inside our own network"),  # Teredo, 10.0.0.1
            ("http://[fe80::1%25eth0]/", r"inside our own network"),
            ("http://224.0.0.1/", r"points to a multicast group \(224\.0\.0\.1\)"),
        ],
    )
    def test_internal_addresses_are_refused(self, url, message):
        with pytest.raises(FetchError, match=message):
            fetch(url)

    @pytest.mark.parametrize(
        "url, message",
        [
            (
                "ftp://example.com/",
                "We can only fetch web pages (http:// or https://), not “ftp:” addresses.",
            ),
            (
                "file:///etc/passwd",
                "We can only fetch web pages (http:// or https://), not “file:” addresses.",
            ),
            (
                "javascript:alert(1)",
                "We can only fetch web pages (http:// or https://), not “javascript:” addresses.",
            ),
            ("example.com/news", "We can only fetch web pages (http:// or https://), not addresses without"),
            (
                "http://user:secret@example.com/",
                "Web addresses with a user name or password in them are not accepted.",
            ),
            ("http:///path-only", "That web address has no server name in it."),
            ("http://example.com:99999/", "That does not look like a valid web address."),
        ],
    )
    def test_other_kinds_of_address_are_refused(self, url, message):
        with pytest.raises(FetchError) as refused:
            fetch(url)
        assert refused.value.message.startswith(message)

    def test_fetch_errors_are_input_rejections(self):
        with pytest.raises(InputRejected):
            fetch("http://127.0.0.1/")


class FakeDNS:
    """A getaddrinfo that answers from a fixed table and counts the questions."""

    def __init__(self, *addresses):
        self.addresses = addresses
        self.calls = []

    def __call__(self, host, port, *args, **kwargs):
        self.calls.append(host)
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in self.addresses
        ]


class RecordingPool:
    """Stands in for urllib3's pools: records where we would connect, answers with a small page."""

    created = []

    def __init__(self, host, **kwargs):
        RecordingPool.created.append((type(self).__name__, host, kwargs))

    def urlopen(self, method, url, **kwargs):
        self.request = (method, url, kwargs["headers"])
        return urllib3.HTTPResponse(
            body=io.BytesIO(ARTICLE),
            headers={"Content-Type": "text/html"},
            status=200,
            preload_content=False,
        )

    def close(self):
        pass


class RecordingHTTPPool(RecordingPool):
    pass


class RecordingHTTPSPool(RecordingPool):
    pass


@pytest.fixture
def recording_pools(monkeypatch):
    RecordingPool.created = []
    monkeypatch.setattr(fetching, "HTTPConnectionPool", RecordingHTTPPool)
    monkeypatch.setattr(fetching, "HTTPSConnectionPool", RecordingHTTPSPool)
    return RecordingPool.created


class TestDNS:
    def test_a_name_resolving_to_a_private_address_is_refused(self, monkeypatch, recording_pools):
        monkeypatch.setattr(fetching, "getaddrinfo", FakeDNS("10.1.2.3"))
        with pytest.raises(
            FetchError, match=r"The server “intranet.example” points inside our own network, so we"
        ):
            fetch("http://intranet.example/")
        assert recording_pools == []

    def test_a_name_with_any_private_address_among_public_ones_is_refused(self, monkeypatch, recording_pools):
        monkeypatch.setattr(fetching, "getaddrinfo", FakeDNS(PUBLIC_IP, "::1"))
        with pytest.raises(FetchError, match=r"points inside our own network, so") as refused:
            fetch("https://mixed.example/")
        assert "::1" not in refused.value.message  # the resolved address would map our internal DNS
        assert recording_pools == []

    def test_https_connects_to_the_checked_address_and_verifies_the_name(self, monkeypatch, recording_pools):
        dns = FakeDNS(PUBLIC_IP)
        monkeypatch.setattr(fetching, "getaddrinfo", dns)
        result = fetch("https://news.example/world/story?id=7#comments")
        assert result.body == ARTICLE
        assert result.url == "https://news.example/world/story?id=7#comments"
        [(kind, host, kwargs)] = recording_pools
        assert (kind, host) == ("RecordingHTTPSPool", PUBLIC_IP)
        assert kwargs["port"] == 443
        assert kwargs["server_hostname"] == "news.example"
        assert kwargs["assert_hostname"] == "news.example"
        assert kwargs["cert_reqs"] == "CERT_REQUIRED"
        assert dns.calls == ["news.example"]  # looked up once: no second lookup to rebind

    def test_http_connects_to_the_checked_address_with_the_host_header(self, monkeypatch, recording_pools):
        monkeypatch.setattr(fetching, "getaddrinfo", FakeDNS(PUBLIC_IP))
        calls = []
        original_urlopen = RecordingPool.urlopen

        def spy(self, method, url, **kwargs):
            calls.append((method, url, kwargs["headers"]["Host"]))
            return original_urlopen(self, method, url, **kwargs)

        monkeypatch.setattr(RecordingPool, "urlopen", spy)
        fetch("http://news.example:8080/a b")
        [(kind, host, kwargs)] = recording_pools
        assert (kind, host, kwargs["port"]) == ("RecordingHTTPPool", PUBLIC_IP, 8080)
        assert calls == [("GET", "/a%20b", "news.example:8080")]

    def test_a_rebinding_name_is_checked_on_every_hop(self, monkeypatch, recording_pools):
        """A redirect to the same name makes a new lookup, and that answer is checked again."""
        answers = iter([[PUBLIC_IP], ["127.0.0.1"]])

        def rebinding_dns(host, port, *args, **kwargs):
            return FakeDNS(*next(answers))(host, port)

        def redirecting_urlopen(self, method, url, **kwargs):
            return urllib3.HTTPResponse(
                body=io.BytesIO(b""), headers={"Location": "/next"}, status=302, preload_content=False
            )

        monkeypatch.setattr(fetching, "getaddrinfo", rebinding_dns)
        monkeypatch.setattr(RecordingPool, "urlopen", redirecting_urlopen)
        with pytest.raises(FetchError, match=r"“rebind.example” points inside our own network, so"):
            fetch("http://rebind.example/")
        assert [host for _, host, _ in recording_pools] == [PUBLIC_IP]


class TestConditionalRequests:
    """For callers that poll: request headers in, response headers out, 304 as an answer."""

    def test_it_sends_the_callers_headers(self, base_url):
        result = fetch(
            f"{base_url}/echo-headers",
            accept=["application/json"],
            headers={"If-None-Match": '"abc"', "If-Modified-Since": "Mon, 01 Jan 2024 10:00:00 GMT"},
        )
        sent = json.loads(result.body)
        assert sent["If-None-Match"] == '"abc"'
        assert sent["If-Modified-Since"] == "Mon, 01 Jan 2024 10:00:00 GMT"

    def test_the_accept_header_names_the_types_the_caller_reads(self, base_url):
        result = fetch(f"{base_url}/echo-headers", accept=["application/json", "application/feed+json"])
        assert json.loads(result.body)["Accept"] == "application/json,application/feed+json,*/*;q=0.1"

    def test_the_caller_cannot_replace_the_host_or_the_encodings(self, base_url):
        for name in ("Host", "accept-encoding"):
            with pytest.raises(ValueError, match="sets the"):
                fetch(f"{base_url}/article", headers={name: "x"})

    def test_it_returns_the_response_headers_with_lower_case_names(self, base_url):
        result = fetch(f"{base_url}/versioned")
        assert result.headers["etag"] == '"v2"'
        assert result.headers["last-modified"] == "Mon, 01 Jan 2024 10:00:00 GMT"
        assert result.headers["cache-control"] == "max-age=300"
        assert result.body == ARTICLE

    def test_a_matching_etag_gives_a_304_result_when_the_caller_allows_it(self, base_url):
        result = fetch(f"{base_url}/versioned", headers={"If-None-Match": '"v2"'}, allow_not_modified=True)
        assert (result.status, result.body, result.headers["etag"]) == (304, b"", '"v2"')

    def test_a_matching_last_modified_gives_a_304_result(self, base_url):
        result = fetch(
            f"{base_url}/versioned",
            headers={"If-Modified-Since": "Mon, 01 Jan 2024 10:00:00 GMT"},
            allow_not_modified=True,
        )
        assert result.status == 304

    def test_a_304_is_still_an_error_for_callers_that_did_not_ask_for_it(self, base_url):
        with pytest.raises(FetchError, match="The page answered 304 Not Modified"):
            fetch(f"{base_url}/versioned", headers={"If-None-Match": '"v2"'})

    def test_an_error_status_carries_its_status_and_headers(self, base_url):
        with pytest.raises(HTTPStatusError) as refused:
            fetch(f"{base_url}/too-many-requests")
        assert refused.value.status == 429
        assert refused.value.headers["retry-after"] == "30"
        assert (
            refused.value.message == "The page answered 429 Too Many Requests, so there is nothing to read."
        )

    def test_the_timeout_argument_overrides_the_settings(self, base_url):
        started = time.monotonic()
        with pytest.raises(FetchError, match="took too long to answer"):
            fetch(f"{base_url}/slow", timeout=0.3)
        assert time.monotonic() - started < 1.4

    def test_credentials_are_not_sent_on_to_another_origin(self, base_url, servers, settings):
        other_port = servers[1].server_address[1]
        settings.FETCH_ALLOWED_HOSTS = [*settings.FETCH_ALLOWED_HOSTS, f"127.0.0.1:{other_port}"]
        result = fetch(
            f"{base_url}/redirect-to-other-port-echo",
            accept=["application/json"],
            headers={"Authorization": "Bearer secret", "X-Goog-Api-Key": "k", "If-None-Match": '"abc"'},
        )
        sent = json.loads(result.body)
        assert "Authorization" not in sent and "X-Goog-Api-Key" not in sent
        assert sent["If-None-Match"] == '"abc"'
