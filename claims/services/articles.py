"""Changing an article's text after ingestion: a correction typed by an editor, or the page fetched again.

Either way the claims are re-split and re-anchored by `article_replace_text`, which keeps everything a
reviewer did. The article's `text_revision` is the version an editor's correction started from.
"""

from django.db import transaction

from claims import fetching
from claims.errors import EditConflict, InputRejected
from claims.models import Article
from claims.services.claims import ResplitOutcome, article_replace_text
from claims.text.extraction import content_hash, extract_from_fetch, extract_from_text


def _replace(
    *, article: Article, text: str, html: str | None, user, expected_revision: int
) -> ResplitOutcome:
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if current.text_revision != expected_revision:
            last = current.history.first()
            who = (
                (last.history_user.get_full_name() or last.history_user.username)
                if last and last.history_user
                else "Someone"
            )
            raise EditConflict(
                f"Your change was not saved: {who} changed this article's text since you opened it.",
                current=current,
            )
        if Article.objects.filter(content_hash=content_hash(text)).exclude(pk=article.pk).exists():
            raise InputRejected("Another article in the workbench already has exactly this text.")
        outcome = article_replace_text(article=current, text=text, user=user)
        if html is not None:
            current.refresh_from_db()
            current.html = html
            current._history_user = user
            current.save(update_fields=["html", "updated_at"])
    return outcome


def article_correct_text(*, article: Article, text: str, user, expected_revision: int) -> ResplitOutcome:
    """An editor replaces the article's text with a corrected one (validated as pasted text is)."""
    corrected = extract_from_text(text).text
    return _replace(
        article=article, text=corrected, html=None, user=user, expected_revision=expected_revision
    )


def article_refetch(*, article: Article, user) -> ResplitOutcome:
    """Fetch the article's page again through the guarded client and take its current text."""
    if not article.url:
        raise InputRejected("This article has no original address to fetch again.")
    revision = article.text_revision
    extracted = extract_from_fetch(fetching.fetch(article.url))  # outside the transaction: network I/O
    return _replace(
        article=article, text=extracted.text, html=extracted.html, user=user, expected_revision=revision
    )
