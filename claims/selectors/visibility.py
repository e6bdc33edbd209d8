"""What each caller of the API may see: one rule, used by every endpoint.

- A person signed in to the workbench sees everything their role lets them view (the browser's own rules).
- A partner's key (acting as the partner's account, claims.models.Partner) sees:
  - articles it pushed, and articles with at least one published verdict;
  - claims of those articles that are its own articles' or have a published verdict;
  - published verdicts; with the `write` scope, the drafts its own account wrote; with `publish`, the
    revisions submitted on its own articles' claims;
  - evidence and suggestions of the claims it sees, evidence only where the claim is its own or published,
    and no suggestion pointing at a claim it may not see;
  - the sources it added and those cited by evidence it sees;
  - never internal comments, never other partners' drafts or articles.
  An object it may not see is "not found" (404), never "forbidden": its existence is not told.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from claims.choices import VerdictStatus
from claims.models import Article, Claim, Evidence, Partner, Source, Suggestion, Verdict


def partner_of(user) -> Partner | None:
    """The partner whose account this is, or None for a person."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.partner
    except Partner.DoesNotExist:
        return None


def _published_verdict_of_claim() -> Exists:
    return Exists(Verdict.objects.filter(claim_id=OuterRef("pk"), status=VerdictStatus.PUBLISHED))


def visible_articles(*, user) -> QuerySet[Article]:
    articles = Article.objects.all()
    if partner_of(user) is None:
        return articles
    published = Exists(
        Verdict.objects.filter(claim__article_id=OuterRef("pk"), status=VerdictStatus.PUBLISHED)
    )
    return articles.filter(Q(ingested_by=user) | Q(published))


def visible_claims(*, user) -> QuerySet[Claim]:
    claims = Claim.objects.all()
    if partner_of(user) is None:
        return claims
    return claims.filter(Q(article__ingested_by=user) | Q(_published_verdict_of_claim()))


def visible_verdicts(*, user, can_write: bool = False, can_publish: bool = False) -> QuerySet[Verdict]:
    """Published verdicts; with `can_write` the partner's own drafts too, and with `can_publish` the revisions
    submitted on its own articles' claims (the ones it is there to approve). A person sees their role's."""
    verdicts = Verdict.objects.all()
    if partner_of(user) is None:
        return verdicts
    seen = Q(status=VerdictStatus.PUBLISHED)
    if can_write:
        seen |= Q(author=user)
    if can_publish:
        seen |= Q(status=VerdictStatus.SUBMITTED, claim__article__ingested_by=user)
    return verdicts.filter(seen)


def visible_evidence(*, user) -> QuerySet[Evidence]:
    evidence = Evidence.objects.all()
    if partner_of(user) is None:
        return evidence
    published = Exists(Verdict.objects.filter(claim_id=OuterRef("claim_id"), status=VerdictStatus.PUBLISHED))
    return evidence.filter(Q(claim__article__ingested_by=user) | Q(published))


def visible_sources(*, user) -> QuerySet[Source]:
    """A person, all; a partner, those it added and those cited by evidence it sees.

    A partner never sees a source only another partner's unpublished work cites.
    """
    sources = Source.objects.all()
    if partner_of(user) is None:
        return sources
    cited = visible_evidence(user=user).values("source_id")
    return sources.filter(Q(created_by=user) | Q(pk__in=cited))


def visible_suggestions(*, user) -> QuerySet[Suggestion]:
    """Suggestions of the claims the caller sees. For a partner, not those pointing at a passage of a claim it
    may not see: the item would show that article's words and address."""
    suggestions = Suggestion.objects.filter(claim__in=visible_claims(user=user))
    if partner_of(user) is None:
        return suggestions
    return suggestions.filter(Q(item__claim__isnull=True) | Q(item__claim__in=visible_claims(user=user)))
