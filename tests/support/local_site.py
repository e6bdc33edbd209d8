"""A local web site for tests: the stand-in for the internet, which tests never reach.

with LocalSite({"/page": Page(body=b"<html>...", content_type="text/html")}) as site:
    settings.FETCH_ALLOWED_HOSTS = [site.host]
    fetch(site.url("/page"))

A page is found by its path with the query string, else by its path alone. A page with an `etag` or
`last_modified` sends them and answers a matching If-None-Match / If-Modified-Since with 304; `delay`
holds the answer back that many seconds. `site.requests` records every request (method, path, headers and
the body of a POST).

A POST (a webhook receiver) is answered by the page at its path, with that page's status, headers, body
and delay; set `site.pages[path] = Page(status=500)` to change how a path answers between requests. A
path with no page answers a POST with 404.
"""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    path: str  # with the query string
    headers: dict  # names lower-cased
    method: str = "GET"
    body: bytes = b""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client giving up on a slow answer is what timeout tests want


class LocalSite:
    def __init__(self, pages: dict[str, Page]):
        self.pages = pages
        self.requests: list[Request] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(
                    Request(self.path, {name.lower(): value for name, value in self.headers.items()})
                )
                page = site.pages.get(self.path) or site.pages.get(urlsplit(self.path).path)
                if page is None:
                    page = Page(body=b"<html><body>Not found</body></html>", status=404)
                if page.delay:
                    time.sleep(page.delay)
                validators = {}
                if page.etag:
                    validators["ETag"] = page.etag
                if page.last_modified:
                    validators["Last-Modified"] = page.last_modified
                if self._not_modified(page):
                    self.send_response(304)
                    for name, value in validators.items():
                        self.send_header(name, value)
                    self.end_headers()
                    return
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for name, value in {**validators, **page.headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(page.body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                site.requests.append(
                    Request(
                        self.path,
                        {name.lower(): value for name, value in self.headers.items()},
                        method="POST",
                        body=body,
                    )
                )
                page = site.pages.get(self.path) or site.pages.get(urlsplit(self.path).path)
                if page is None:
                    page = Page(body=b"Not found", content_type="text/plain", status=404)
                if page.delay:
                    time.sleep(page.delay)
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(page.body)

            def _not_modified(self, page: Page) -> bool:
                if page.status != 200:
                    return False
                if page.etag and self.headers.get("If-None-Match"):
                    sent = [tag.strip() for tag in self.headers["If-None-Match"].split(",")]
                    return page.etag in sent or "*" in sent
                return (
                    bool(page.last_modified) and self.headers.get("If-Modified-Since") == page.last_modified
                )

            def log_message(self, *args):
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def __enter__(self) -> "LocalSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
