"""Canonical article addresses: one spelling per page, so the same article is recognised when given again.

courlan (trafilatura's URL library) does the normalising: lower-case scheme and host, no default port, no
tracking parameters (utm_*, fbclid, gclid, ...), query parameters in a fixed order, the path's escapes made
uniform. A fragment names a place in the page, not another page, so it is dropped too.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from courlan import normalize_url

from claims.errors import InputRejected

__all__ = ["canonicalise_url"]

_SCHEMES = {"http", "https"}
_MAX_LENGTH = 2048
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TOP_LEVEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")


def canonicalise_url(url: str) -> str:
    """A stable form of an article URL; InputRejected if it is not an http(s) address of a host."""
    url = url.strip()
    parts = _valid_parts(url)
    if parts is None:
        raise InputRejected(f"“{url[:200]}” is not a valid http or https address.")
    return normalize_url(parts._replace(path=parts.path or "/", fragment=""))


def _valid_parts(url: str):
    if not url or len(url) > _MAX_LENGTH or any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return None
    return parts if _is_host(parts.hostname) else None


def _is_host(host: str) -> bool:
    """An IP address, "localhost", or a domain name whose labels (after IDNA) a resolver would accept."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    if host == "localhost":
        return True
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    *labels, top = ascii_host.split(".")
    return (
        bool(labels) and all(_LABEL.fullmatch(label) for label in labels) and bool(_TOP_LEVEL.fullmatch(top))
    )
