import os
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
# The shared data lies beside the clone (../shared); SHARED_DIR overrides for unusual layouts.
SHARED_DIR = Path(os.environ.get("SHARED_DIR", REPO_DIR.parent / "shared"))
SEED_ARTICLE = SHARED_DIR / "seed" / "000_9fe0ddd6bad35aa8.txt"


@pytest.fixture(autouse=True)
def _default_data_after_flush(request):
    """Transactional tests empty the database after each test; put back what the migrations install.

    (Serialized rollback cannot do it here: Playwright's event loop gives the browser tests other
    connection objects than the ones Django serialized the data on.)
    """
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from claims.defaults import install_defaults

        install_defaults()


@pytest.fixture
def shared_dir() -> Path:
    return SHARED_DIR


@pytest.fixture
def seed_article_path() -> Path:
    return SEED_ARTICLE


def _person(username: str, role: str | None = None):
    from tests.factories import UserFactory

    return UserFactory(username=username, first_name=username.title(), role=role)


# Named people with different rights, as in healthchecks' tests: alice and bob review, carol and dan edit,
# mallory has an account but no role.
@pytest.fixture
def alice(db):
    return _person("alice", "reviewer")


@pytest.fixture
def bob(db):
    return _person("bob", "reviewer")


@pytest.fixture
def carol(db):
    return _person("carol", "editor")


@pytest.fixture
def dan(db):
    return _person("dan", "editor")


@pytest.fixture
def mallory(db):
    return _person("mallory")


@pytest.fixture
def seed_text(seed_article_path) -> str:
    return seed_article_path.read_text(encoding="utf-8")


@pytest.fixture
def article(db):
    """The budget article (tests.factories.BUDGET_TEXT); files with another article override this."""
    from tests.factories import BUDGET_TEXT, ArticleFactory

    return ArticleFactory(text=BUDGET_TEXT)


@pytest.fixture
def claims(article):
    """One claim per sentence of the budget article, in order."""
    from tests.factories import budget_claims

    return budget_claims(article)


@pytest.fixture
def fetched(alice, settings):
    """An article added from a local page, and that site's pages (change them to change the page)."""
    from claims.models import Article
    from claims.services.ingest import article_ingest_url
    from tests.services.test_ingest import ARTICLE_HTML
    from tests.support.local_site import LocalSite, Page

    pages = {"/tram": Page(body=ARTICLE_HTML.encode())}
    with LocalSite(pages) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        article = article_ingest_url(url=site.url("/tram"), user=alice).article
        # Stored under the local address (its canonical link names another site), so it can be fetched again.
        Article.objects.filter(pk=article.pk).update(url=site.url("/tram"))
        article.refresh_from_db()
        yield article, pages
