"""Shared fixtures of the API specifications: partners, their keys, and clients that send a key.

def test_it_lists_articles(partner, make_key, key_client):
    client = key_client(make_key(partner, ["read"]))
    assert client.get("/api/v1/articles/").status_code == 200
"""

import pytest
from django.utils.text import slugify
from rest_framework.test import APIClient

from claims.models import Partner, PartnerAPIKey


def make_partner(name: str) -> Partner:
    """A partner with its own account (a user without a usable password, "partner-<slug>"), made as the
    workbench makes them."""
    from claims.services.partners import partner_create

    return partner_create(name=name, contact_email=f"api@{slugify(name)}.example")


def create_key(partner: Partner, scopes, **fields) -> str:
    """A new key of `partner` with `scopes`; returns the key itself (shown once, as the API shows it)."""
    fields.setdefault("name", f"{'+'.join(scopes) or 'no scopes'} key")
    _, key = PartnerAPIKey.objects.create_key(partner=partner, scopes=list(scopes), **fields)
    return key


def client_with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every specification starts with no requests counted against any key."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partner(db) -> Partner:
    return make_partner("Daily Planet")


@pytest.fixture
def other_partner(db) -> Partner:
    return make_partner("Bugle Wire")


@pytest.fixture
def make_key(db):
    """make_key(partner, ["read", "write"], expiry_date=..., revoked=...) → the key string."""
    return create_key


@pytest.fixture
def key_client():
    """key_client(key) → an APIClient sending `Authorization: Api-Key <key>`."""
    return client_with_key


@pytest.fixture
def read_client(partner, make_key, key_client) -> APIClient:
    return key_client(make_key(partner, ["read"]))


@pytest.fixture
def write_client(partner, make_key, key_client) -> APIClient:
    return key_client(make_key(partner, ["read", "write"]))


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


# --- what keys see: an article the partner pushed, a published claim, and other partners' unpublished work ---


def publish(claim, **fields):
    """A published verdict for `claim` (written and approved by people of the workbench)."""
    from tests.factories import VerdictFactory

    type(claim).objects.filter(pk=claim.pk).update(status="published")
    return VerdictFactory(claim=claim, status="published", **fields)


@pytest.fixture
def own_article(partner):
    """An article `partner` pushed, with one unpublished claim."""
    from tests.factories import ArticleFactory, ClaimFactory

    article = ArticleFactory(ingested_by=partner.account, ingest_method="api", title="Our own story")
    ClaimFactory(article=article)
    return article


@pytest.fixture
def published_claim(db):
    """A claim of someone else's article with a published verdict: every key sees it."""
    from tests.factories import ArticleFactory, ClaimFactory

    claim = ClaimFactory(article=ArticleFactory(title="A checked story"))
    publish(claim)
    return claim


@pytest.fixture
def private_claim(other_partner):
    """A claim of an article `other_partner` pushed, unpublished, with a draft verdict: `partner` sees none of it."""
    from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

    claim = ClaimFactory(
        article=ArticleFactory(ingested_by=other_partner.account, ingest_method="api", title="Their story"),
        status="in_review",
    )
    VerdictFactory(claim=claim, author=other_partner.account)
    return claim
