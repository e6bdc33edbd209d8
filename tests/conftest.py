import os
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
# The shared data lies beside the clone (../shared); SHARED_DIR overrides for unusual layouts.
SHARED_DIR = Path(os.environ.get("SHARED_DIR", REPO_DIR.parent / "shared"))
SEED_ARTICLE = SHARED_DIR / "seed" / "000_9fe0ddd6bad35aa8.txt"


@pytest.fixture
def shared_dir() -> Path:
    return SHARED_DIR


@pytest.fixture
def seed_article_path() -> Path:
    return SEED_ARTICLE
