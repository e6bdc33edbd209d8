"""Article ingestion: the one path by which pasted text, uploaded files and URLs become articles.

Used by the browser form, `manage.py ingest`, background jobs and (later) the partner API. Fetching and
extraction happen before the transaction; storing the article and its claims is one transaction, so a
refused or failed input stores nothing.
"""

import datetime
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q

from claims import fetching
from claims.choices import IngestMethod
from claims.errors import InputRejected
from claims.models import Article
from claims.services.claims import article_split_claims
from claims.text.extraction import (
    ExtractedArticle,
    content_hash,
    extract_from_fetch,
    extract_from_text,
    extract_from_upload,
)

TITLE_MAX = Article._meta.get_field("title").max_length
URL_MAX = Article._meta.get_field("url").max_length
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid")


@dataclass(frozen=True)
class IngestOutcome:
    article: Article
    created: bool


def canonicalise_url(url: str) -> str:
    """A stable form of an article URL: lower-case scheme and host, no fragment, no tracking parameters."""
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise InputRejected(f"“{url[:200]}” is not a valid http or https address.") from None
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PARAMS)
    ]
    netloc = parts.netloc.lower()
    for scheme, port in (("http", ":80"), ("https", ":443")):
        if parts.scheme.lower() == scheme and netloc.endswith(port):
            netloc = netloc[: -len(port)]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def _find_existing(*, url: str | None, text_hash: str) -> Article | None:
    match = Q(content_hash=text_hash) | (Q(url=url) if url else Q(pk__in=[]))
    return Article.objects.filter(match).order_by("id").first()


def article_store(
    *,
    extracted: ExtractedArticle,
    method: str,
    user=None,
    url: str = "",
    title: str = "",
    published_at: datetime.date | None = None,
) -> IngestOutcome:
    """Store an extracted article and split it into claims, or find the one already stored.

    An article with the same canonical URL or the same normalised text is the same article.
    Explicit `url`, `title` and `published_at` (typed by a person) win over extracted metadata.
    """
    if not extracted.text.strip():
        raise InputRejected("There is no text to check.")
    title = (title or extracted.title).strip()
    if len(title) > TITLE_MAX:
        raise InputRejected(f"The title is longer than {TITLE_MAX} characters.")
    canonical = canonicalise_url(extracted.canonical_url or url) if (extracted.canonical_url or url) else None
    if canonical and len(canonical) > URL_MAX:
        raise InputRejected(f"The web address is longer than {URL_MAX:,} characters.")
    text_hash = content_hash(extracted.text)

    existing = _find_existing(url=canonical, text_hash=text_hash)
    if existing:
        return IngestOutcome(article=existing, created=False)
    try:
        with transaction.atomic():
            article = Article(
                title=title,
                url=canonical,
                site_name=extracted.site_name[:200],
                authors=list(extracted.authors),
                published_at=published_at or extracted.published_at,
                language=extracted.language[:16],
                text=extracted.text,
                html=extracted.html,
                content_hash=text_hash,
                ingest_method=method,
                ingested_by=user,
            )
            article._history_user = user
            article.save()
            article_split_claims(article=article)
    except IntegrityError:
        # Another request stored the same article between our look-up and our insert.
        existing = _find_existing(url=canonical, text_hash=text_hash)
        if existing is None:
            raise
        return IngestOutcome(article=existing, created=False)
    return IngestOutcome(article=article, created=True)


def article_ingest_text(
    *,
    text: str,
    user=None,
    title: str = "",
    url: str = "",
    published_at: datetime.date | None = None,
    method: str = IngestMethod.PASTE,
) -> IngestOutcome:
    extracted = extract_from_text(text)
    return article_store(
        extracted=extracted, method=method, user=user, url=url, title=title, published_at=published_at
    )


def article_ingest_upload(
    *, filename: str, data: bytes, user=None, title: str = "", method: str = IngestMethod.UPLOAD
) -> IngestOutcome:
    extracted = extract_from_upload(filename, data)
    return article_store(extracted=extracted, method=method, user=user, title=title)


def article_ingest_url(*, url: str, user=None, method: str = IngestMethod.URL) -> IngestOutcome:
    canonical = canonicalise_url(url)
    existing = Article.objects.filter(url=canonical).first()
    if existing:
        return IngestOutcome(article=existing, created=False)
    result = fetching.fetch(url)
    extracted = extract_from_fetch(result)
    # The page's own canonical link wins; otherwise the address we were given, not a redirect target.
    if not extracted.canonical_url:
        extracted = replace(extracted, canonical_url=canonical)
    return article_store(extracted=extracted, method=method, user=user)
