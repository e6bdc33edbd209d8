"""Changing an article's text after ingestion: a correction typed by an editor, or the page fetched again.

Either way the claims are re-split and re-anchored by `article_replace_text`, which keeps everything a
reviewer did. The article's `text_revision` is the version an editor's correction started from.

A correction is saved in the request. Fetching the page again is a `refetch_article` job: the network is
never waited for in a request, and the progress page sends the editor back with the outcome.
"""

from dataclasses import asdict

from django.db import transaction

from claims import fetching
from claims.choices import JobKind
from claims.editing import conflict
from claims.errors import InputRejected
from claims.models import Article, Job
from claims.services.claims import ResplitOutcome, article_replace_text
from claims.services.ingest import extract_from_fetch, extract_from_text
from claims.services.job_queue import job_complete, job_submit
from claims.text.extraction import content_hash


def _replace(
    *, article: Article, text: str, html: str | None, user, expected_revision: int, job: Job | None = None
) -> ResplitOutcome:
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if current.text_revision != expected_revision:
            raise conflict(current)
        if Article.objects.filter(content_hash=content_hash(text)).exclude(pk=article.pk).exists():
            raise InputRejected("Another article in the workbench already has exactly this text.")
        outcome = article_replace_text(article=current, text=text, user=user)
        if html is not None:
            current.refresh_from_db()
            current.html = html
            current._history_user = user
            current.save(update_fields=["html", "updated_at"])
        if job is not None:
            # One transaction with the new text: a run that lost its lease changes nothing.
            job_complete(job=job, result=asdict(outcome))
    return outcome


def article_correct_text(*, article: Article, text: str, user, expected_revision: int) -> ResplitOutcome:
    """An editor replaces the article's text with a corrected one (validated as pasted text is)."""
    corrected = extract_from_text(text).text
    return _replace(
        article=article, text=corrected, html=None, user=user, expected_revision=expected_revision
    )


def article_refetch(
    *, article: Article, user, expected_revision: int | None = None, job: Job | None = None
) -> ResplitOutcome:
    """Fetch the article's page again through the guarded client and take its current text.

    `expected_revision` is the text revision the editor asked from (by default the current one): a text
    corrected since is not overwritten by the page.
    """
    if not article.url:
        raise InputRejected("This article has no original address to fetch again.")
    revision = article.text_revision if expected_revision is None else expected_revision
    extracted = extract_from_fetch(fetching.fetch(article.url))  # outside the transaction: network I/O
    return _replace(
        article=article,
        text=extracted.text,
        html=extracted.html,
        user=user,
        expected_revision=revision,
        job=job,
    )


def article_refetch_start(*, article: Article, user) -> Job:
    """Queue fetching the article again; if it is already queued or running, that job is returned."""
    if not article.url:
        raise InputRejected("This article has no original address to fetch again.")
    return job_submit(
        kind=JobKind.REFETCH_ARTICLE,
        article=article,
        url=article.url,
        user=user,
        params={"text_revision": article.text_revision},
        dedupe_key=f"article:{article.pk}",
    )


def article_refetch_job(job: Job) -> None:
    """The `refetch_article` job's handler: completes the job in the transaction that stores the text."""
    if job.article is None:
        raise InputRejected("The article was deleted before it could be fetched again.")
    article_refetch(
        article=job.article, user=job.created_by, expected_revision=job.params.get("text_revision"), job=job
    )
