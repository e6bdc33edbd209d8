"""Article ingestion: the one path by which pasted text, uploaded files and URLs become articles.

Used by the browser form, `manage.py ingest`, background jobs and (later) the partner API. Fetching and
extraction happen before the transaction; storing the article and its claims is one transaction, so a
refused or failed input stores nothing.
"""

import datetime
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from claims import fetching
from claims.choices import IngestMethod
from claims.errors import InputRejected
from claims.models import Article
from claims.services import coverage, webhooks
from claims.services.claims import article_split_claims
from claims.text import extraction
from claims.text.extraction import ExtractedArticle, content_hash, shorten_title
from claims.text.urls import canonicalise_url

__all__ = [
    "IngestOutcome",
    "article_ingest_text",
    "article_ingest_upload",
    "article_ingest_url",
    "article_store",
    "canonicalise_url",  # services/evidence.py and services/jobs.py import it from here
    "extract_from_fetch",
    "extract_from_text",
    "extract_from_upload",
]

TITLE_MAX = Article._meta.get_field("title").max_length
URL_MAX = Article._meta.get_field("url").max_length


@dataclass(frozen=True)
class IngestOutcome:
    article: Article
    created: bool


# The text core's extractors with this deployment's limits (settings) and the model's title length.


def extract_from_text(text: str) -> ExtractedArticle:
    return extraction.extract_from_text(text, max_chars=settings.INGEST_MAX_CHARS)


def extract_from_upload(filename: str, data: bytes) -> ExtractedArticle:
    return extraction.extract_from_upload(
        filename,
        data,
        max_bytes=settings.INGEST_MAX_BYTES,
        max_chars=settings.INGEST_MAX_CHARS,
        max_title_chars=TITLE_MAX,
    )


def extract_from_fetch(result: fetching.FetchResult) -> ExtractedArticle:
    return extraction.extract_from_fetch(
        result, max_chars=settings.INGEST_MAX_CHARS, max_title_chars=TITLE_MAX
    )


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
    title = title.strip()
    if len(title) > TITLE_MAX:
        # Typed by a person, who can shorten it better than a cut at a word boundary would.
        raise InputRejected(f"The title is {len(title):,} characters long; keep it to {TITLE_MAX} at most.")
    title = title or shorten_title(extracted.title, TITLE_MAX)
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
            coverage.coverage_article_changed(article=article)
            webhooks.webhooks_article_ingested(article=article)
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
