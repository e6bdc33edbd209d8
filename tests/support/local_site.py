"""A local web site for tests: the stand-in for the internet, which tests never reach.

with LocalSite({"/page": Page(body=b"<html>...", content_type="text/html")}) as site:
    settings.FETCH_ALLOWED_HOSTS = [site.host]
    fetch(site.url("/page"))
"""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)


class LocalSite:
    def __init__(self, pages: dict[str, Page]):
        self.pages = pages
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                page = site.pages.get(self.path)
                if page is None:
                    page = Page(body=b"<html><body>Not found</body></html>", status=404)
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
