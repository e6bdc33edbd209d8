"""The text core runs without Django: no module of claims/text imports it, directly or through another."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import claims.text
from claims.choices import AnchorState, ClaimKind
from claims.text import anchoring, checkworthiness

REPO = Path(__file__).resolve().parents[2]
MODULES = sorted(f"claims.text.{m.name}" for m in pkgutil.iter_modules(claims.text.__path__))

# With sys.modules["django"] set to None, any `import django...` anywhere raises ImportError.
PROBE = """
import importlib, sys
sys.modules["django"] = None
importlib.import_module(sys.argv[1])
leaked = sorted(name for name in sys.modules if name.startswith(("claims.models", "claims.choices", "claims.services")))
assert not leaked, leaked
"""


def test_every_module_of_the_text_core_is_checked():
    assert {"claims.text.anchoring", "claims.text.extraction", "claims.text.splitting"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_it_imports_with_django_unavailable(module):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_the_anchor_states_are_the_values_the_models_store():
    assert (anchoring.ANCHORED, anchoring.CHANGED, anchoring.LOST) == (
        AnchorState.ANCHORED,
        AnchorState.CHANGED,
        AnchorState.LOST,
    )


def test_the_claim_kinds_are_the_values_the_models_store():
    assert set(checkworthiness.KINDS) == set(ClaimKind.values)
