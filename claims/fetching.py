"""The one guarded HTTP client through which the server fetches a URL that a user gave us.

A URL from a user is an instruction to make a request from *inside* our network, so everything
here is about refusing the requests that would reach what the user cannot reach themselves
(server-side request forgery):

* only http and https, no credentials in the URL;
* the host is resolved once, every address it resolves to must be globally routable, and the
  connection is made to that checked address (the name is never looked up again, so a DNS answer
  that changes between the check and the connection — "DNS rebinding" — cannot slip through);
* redirects are followed by hand, each hop checked like the first;
* time, size and content type are bounded, and every failure becomes a `FetchError` whose message
  can be shown to the person as it is.

Callers that poll (feeds, outside search providers) may add request headers for a conditional GET
(`headers={"If-None-Match": etag}`), read the response headers back (`FetchResult.headers`), and take
a 304 Not Modified as an answer rather than an error (`allow_not_modified=True`).

`post` sends a body (webhook deliveries) under the same guards, and never follows a redirect.
"""

import ipaddress
import re
import socket
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from socket import getaddrinfo  # imported by name so tests can fake DNS for this module alone
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError, NewConnectionError, SSLError

from claims.errors import InputRejected

DEFAULT_ACCEPT = ("text/html", "application/xhtml+xml", "text/plain")
DEFAULT_ACCEPT_HEADER = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK_SIZE = 64 * 1024
# Request headers a caller may not set: they would undo a guard (Host names the checked server; the
# size cap is counted on what we know how to decompress) or are the connection's own business.
RESERVED_HEADERS = {"host", "accept-encoding", "content-length", "transfer-encoding", "connection"}
# Headers that carry a credential: dropped when a redirect leads to another origin, as browsers do.
# Names with "api-key" or "token" in them (X-Goog-Api-Key, X-Auth-Token) count too.
CREDENTIAL_HEADERS = {"authorization", "cookie", "proxy-authorization"}

# Host names made only of digits, hex letters, "x" and dots may be IPv4 addresses in one of the
# legacy spellings (2130706433, 0x7f000001, 0177.0.0.1, 127.1) that resolvers and browsers accept.
NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)

# IPv6 ranges that carry an IPv4 address in their last 32 bits: IPv4-compatible (::a.b.c.d) and
# NAT64 (64:ff9b::a.b.c.d). IPv4-mapped, 6to4 and Teredo have their own ipaddress accessors.
V4_IN_LAST_32_BITS = (ipaddress.IPv6Network("::/96"), ipaddress.IPv6Network("64:ff9b::/96"))

MIME_NAMES = {
    "application/pdf": "a PDF document",
    "application/json": "JSON data",
    "application/zip": "a ZIP archive",
    "application/octet-stream": "a binary file",
}


class FetchError(InputRejected):
    """A URL we would not or could not fetch; the message is meant for the person who gave it."""


class HostNotFound(FetchError):
    """The host name does not resolve (now): a passing DNS fault may yet clear, unlike a refusal."""


class HTTPStatusError(FetchError):
    """The server answered with an error status; `status` and `headers` let a caller tell a
    rate limit (429, with its Retry-After) or an outage (5xx) from a page that is gone (404)."""

    def __init__(self, message: str, *, status: int, headers: Mapping[str, str]):
        super().__init__(message)
        self.status = status
        self.headers = headers


@dataclass(frozen=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int
    content_type: str  # e.g. "text/html"
    charset: str | None  # declared in Content-Type, if any
    body: bytes
    # Response headers of the final hop, names lower-cased, repeated headers joined with ", ".
    # Left out of ==, so results compare by what was fetched, not by the server's Date header.
    headers: Mapping[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class _Target:
    """One checked request: where to connect (ip) and what to ask for (host, path)."""

    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, for the Host header, SNI and certificate
    port: int
    ip: str  # the checked address we connect to
    path: str  # path and query, ready for the request line


def fetch(
    url: str,
    *,
    accept: Collection[str] = DEFAULT_ACCEPT,
    max_bytes: int | None = None,
    headers: Mapping[str, str] | None = None,
    allow_not_modified: bool = False,
    timeout: float | None = None,
) -> FetchResult:
    """GET a user-supplied URL under every guard above; raise FetchError with a readable message.

    `headers` are sent with every hop (but Host and the transfer headers stay ours, and credentials
    are dropped once a redirect leaves the origin). With `allow_not_modified`, a 304 answer comes
    back as a result with status 304 and an empty body. `timeout` (seconds) replaces both the
    connect and the read timeout of the settings.
    """
    max_bytes = settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes
    extra = _caller_headers(headers)
    if "accept" not in {name.lower() for name in extra} and tuple(accept) != DEFAULT_ACCEPT:
        extra["Accept"] = _accept_header(accept)
    connect_timeout = settings.FETCH_CONNECT_TIMEOUT if timeout is None else timeout
    read_timeout = settings.FETCH_READ_TIMEOUT if timeout is None else timeout
    for _hop in range(settings.FETCH_MAX_REDIRECTS + 1):
        target = _check_url(url)
        pool, response = _request(
            target, headers=extra, connect_timeout=connect_timeout, read_timeout=read_timeout
        )
        try:
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError("The page sent us to another address but did not say which.")
                next_url = urljoin(url, location.strip())
                if _origin(next_url) != _origin(url):
                    extra = {name: value for name, value in extra.items() if not _is_credential(name)}
                url = next_url
                continue
            return _read_result(
                url,
                response,
                accept=accept,
                max_bytes=max_bytes,
                allow_not_modified=allow_not_modified,
                deadline=time.monotonic() + connect_timeout + read_timeout,
            )
        finally:
            # Never drain an unread body (it may be huge): just drop the connection.
            response.release_conn()
            pool.close()
    raise FetchError(f"The page redirected us more than {settings.FETCH_MAX_REDIRECTS} times, so we gave up.")


def post(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> FetchResult:
    """POST `body` to a user-supplied URL (a webhook endpoint) under the same guards as `fetch`.

    The scheme, credentials and every address of the host are checked, the connection goes to the
    checked address, and `timeout` (seconds; else the settings' connect and read timeouts) bounds the
    connection, each read and the whole answer. A redirect is never followed: the body would go to an
    address nobody checked, so a 3xx is refused like any other non-2xx answer (HTTPStatusError, with the
    status). The answer of a 2xx is read up to `max_bytes` (FETCH_MAX_BYTES when None) and no further: the
    request has been received, so what a server sends beyond that is dropped, not an error.
    """
    max_bytes = settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes
    extra = _caller_headers(headers)
    connect_timeout = settings.FETCH_CONNECT_TIMEOUT if timeout is None else timeout
    read_timeout = settings.FETCH_READ_TIMEOUT if timeout is None else timeout
    target = _check_url(url)
    if "accept" not in {name.lower() for name in extra}:
        extra["Accept"] = "*/*"
    pool, response = _request(
        target,
        headers=extra,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        method="POST",
        body=body,
    )
    try:
        received = {name.lower(): response.headers[name] for name in response.headers}
        if not 200 <= response.status < 300:
            try:
                phrase = HTTPStatus(response.status).phrase
            except ValueError:
                phrase = response.reason or "an error"
            message = f"The server answered {response.status} {phrase}."
            if 300 <= response.status < 400:
                message = f"The server answered {response.status} {phrase}: redirects are not followed."
            raise HTTPStatusError(message, status=response.status, headers=received)
        header = Message()
        header["Content-Type"] = response.headers.get("Content-Type", "")
        deadline = time.monotonic() + connect_timeout + read_timeout
        chunks, size = [], 0
        try:
            while size < max_bytes and time.monotonic() <= deadline:
                chunk = response.read1(min(CHUNK_SIZE, max_bytes - size), decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                chunks.append(chunk)
        except (HTTPError, OSError):
            pass  # the status arrived: an answer cut short afterwards does not undo the delivery
        return FetchResult(
            url=url,
            status=response.status,
            content_type=header["Content-Type"].split(";", 1)[0].strip().lower(),
            charset=header.get_content_charset(),
            body=b"".join(chunks)[:max_bytes],
            headers=received,
        )
    finally:
        # Never drain an unread body: just drop the connection.
        response.release_conn()
        pool.close()


def refuse_unless_public(url: str) -> None:
    """Refuse, now, a URL that `fetch` would refuse before connecting (scheme, credentials, address).

    For forms that queue a fetch for later: the person hears at once that an internal address is
    refused, and nothing is stored. `fetch` checks again when it runs, and on every redirect. A name
    that does not resolve now is let through: the fetch says so if it still does not.
    """
    try:
        _check_url(url)
    except HostNotFound:
        pass


def _caller_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    extra = dict(headers or {})
    for name, value in extra.items():
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"fetch() sets the {name} header itself.")
        if any(ch in f"{name}{value}" for ch in "\r\n\0"):
            raise ValueError(f"The {name} header has a line break in it.")
    return extra


def _is_credential(name: str) -> bool:
    name = name.lower()
    return name in CREDENTIAL_HEADERS or "api-key" in name or "token" in name


def _accept_header(accept: Collection[str]) -> str:
    # The types the caller reads, then anything at a low weight: a server that would answer 406
    # sends what it has, and the content-type check names what that was.
    return ",".join([*accept, "*/*;q=0.1"])


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme)


def _check_url(url: str) -> _Target:
    """Parse the URL and resolve its host; refuse anything that is not a public web address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError("That does not look like a valid web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"“{scheme}:” addresses" if scheme else "addresses without http:// or https://"
        raise FetchError(f"We can only fetch web pages (http:// or https://), not {shown}.")
    if parts.username is not None or parts.password is not None:
        raise FetchError("Web addresses with a user name or password in them are not accepted.")
    if not parts.hostname:
        raise FetchError("That web address has no server name in it.")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError("That web address has an invalid server name in it.") from None
    port = port or DEFAULT_PORTS[scheme]

    # The allow-list names "host:port" as written in the URL; it exists for tests and local
    # development and lets through exactly that host and port, nothing that merely resolves alike.
    written = parts.netloc.rpartition("@")[2].lower()
    if parts.port is None:
        written = f"{written}:{port}"
    allowed = written in {entry.strip().lower() for entry in settings.FETCH_ALLOWED_HOSTS}

    ip = _resolve(host, port, allowed=allowed)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    # Quote what is not already safe, leaving existing %-escapes alone.
    path = quote(path, safe="/?&=%:@!$'()*+,;~-._[]")
    return _Target(scheme=scheme, host=host, port=port, ip=ip, path=path)


def _resolve(host: str, port: int, *, allowed: bool) -> str:
    """Return the one address to connect to, after checking every address the host has."""
    literal = _parse_ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError):
            raise HostNotFound(
                f"We could not find the server “{host}”. Is the address spelt right?"
            ) from None
        addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
        if not addresses:
            raise HostNotFound(f"We could not find the server “{host}”. Is the address spelt right?")
    if not allowed:
        # Every address, not just the first: a name with one public and one private address
        # must not be usable to reach the private one.
        for address in addresses:
            reason = _refusal_reason(address)
            if reason:
                if literal is not None:
                    raise FetchError(f"That address points {reason} ({address}), so we will not fetch it.")
                # For a name, the address it resolves to stays unsaid: it would map our internal DNS.
                raise FetchError(f"The server “{host}” points {reason}, so we will not fetch it.")
    return str(addresses[0])


def _parse_ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Read the host as an IP address in any spelling a resolver would accept, or return None."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if NUMERIC_HOST.match(host):
        try:
            # inet_aton accepts the legacy decimal, hex, octal and shortened forms.
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            pass
    return None


def _refusal_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why this address must not be fetched from our server, or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo and address.teredo[1])
        if embedded is None and any(address in net for net in V4_IN_LAST_32_BITS):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and (reason := _refusal_reason(embedded)):
            return reason
    if address.is_multicast:
        return "to a multicast group"
    if address.is_unspecified or address.is_loopback or address.is_private or address.is_link_local:
        return "inside our own network"
    if address.is_reserved or not address.is_global:  # not global covers CGNAT 100.64/10
        return "to a reserved or non-public range"
    return None


def _request(
    target: _Target,
    *,
    headers: Mapping[str, str],
    connect_timeout: float,
    read_timeout: float,
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    """Send the request to the checked IP, naming the real host in Host, SNI and certificate check."""
    timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
    common = {"port": target.port, "timeout": timeout, "retries": False, "maxsize": 1}
    if target.scheme == "https":
        pool = HTTPSConnectionPool(
            target.ip,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **common,
        )
    else:
        pool = HTTPConnectionPool(target.ip, **common)
    host_header = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != DEFAULT_PORTS[target.scheme]:
        host_header = f"{host_header}:{target.port}"
    sent = {"User-Agent": settings.FETCH_USER_AGENT, "Accept": DEFAULT_ACCEPT_HEADER}
    # The caller's spelling of a name replaces ours (header names are case-insensitive).
    for name, value in headers.items():
        sent = {key: v for key, v in sent.items() if key.lower() != name.lower()}
        sent[name] = value
    sent = {"Host": host_header, **sent, "Accept-Encoding": "gzip, deflate"}
    try:
        response = pool.urlopen(
            method,
            target.path,
            body=body,
            headers=sent,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
        )
    except (HTTPError, OSError) as exc:
        pool.close()
        raise _translate(exc, target.host) from None
    return pool, response


def _read_result(
    url: str,
    response: urllib3.BaseHTTPResponse,
    *,
    accept: Collection[str],
    max_bytes: int,
    allow_not_modified: bool,
    deadline: float,
) -> FetchResult:
    """Check status and content type from the headers, then read the body under the size cap."""
    host = urlsplit(url).hostname or url
    received = {name.lower(): response.headers[name] for name in response.headers}  # joins repeats
    header = Message()
    header["Content-Type"] = response.headers.get("Content-Type", "")
    content_type = header["Content-Type"].split(";", 1)[0].strip().lower()
    if response.status == HTTPStatus.NOT_MODIFIED and allow_not_modified:
        # A 304 has no body by definition; whatever follows the headers is not read.
        return FetchResult(
            url=url,
            status=response.status,
            content_type=content_type,
            charset=header.get_content_charset(),
            body=b"",
            headers=received,
        )
    if not 200 <= response.status < 300:
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = response.reason or "an error"
        raise HTTPStatusError(
            f"The page answered {response.status} {phrase}, so there is nothing to read.",
            status=response.status,
            headers=received,
        )

    if content_type not in accept:
        what = MIME_NAMES.get(content_type) or (
            "an image" if content_type.startswith("image/") else content_type or "content of an unknown type"
        )
        raise FetchError(
            f"That address gives us {what} ({content_type or 'no type'}), not a web page we can read."
        )

    limit = _human_size(max_bytes)
    try:
        declared_length = int(response.headers.get("Content-Length", ""))
    except ValueError:
        declared_length = None
    if declared_length is not None and declared_length > max_bytes:
        raise FetchError(f"The page is larger than the {limit} we accept.")

    # The read timeout bounds each socket read; the deadline bounds the whole body too, so a server
    # that trickles a byte at a time cannot hold a worker for long.
    chunks, size = [], 0
    try:
        # read1 returns whatever has arrived, so the deadline is checked as the bytes come in.
        # Counted after decompression, so a small gzip bomb hits the same cap.
        while chunk := response.read1(CHUNK_SIZE, decode_content=True):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"The page is larger than the {limit} we accept.")
            if time.monotonic() > deadline:
                raise FetchError(f"“{host}” is sending the page too slowly, so we gave up.")
            chunks.append(chunk)
    except (HTTPError, OSError) as exc:
        raise _translate(exc, host) from None
    return FetchResult(
        url=url,
        status=response.status,
        content_type=content_type,
        charset=header.get_content_charset(),
        body=b"".join(chunks),
        headers=received,
    )


def _translate(exc: Exception, host: str) -> FetchError:
    """Turn a network error into a FetchError a person can act on."""
    if isinstance(exc, NewConnectionError):  # before timeouts: it subclasses ConnectTimeoutError
        return FetchError(f"We could not connect to “{host}”: the server refused or did not answer.")
    if isinstance(exc, urllib3.exceptions.TimeoutError | TimeoutError):  # urllib3's, then socket's
        return FetchError(f"“{host}” took too long to answer, so we gave up.")
    if isinstance(exc, SSLError):
        return FetchError(
            f"We could not make a secure (HTTPS) connection to “{host}”; "
            "its certificate may be invalid or expired."
        )
    return FetchError(f"The connection to “{host}” broke off before the page arrived.")


def _human_size(n: int) -> str:
    # Django's no-break space keeps "5.0 MB" on one line in a page; these messages also go to the
    # command line and the API, where a plain space is what people expect.
    return filesizeformat(n).replace("\xa0", " ")
