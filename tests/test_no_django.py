"""The text core, the retrieval engine and the ClaimReview reader run without Django: no module of
claims/text or claims/coverage (but the coverage store, the adapter to the models), and none of the
ClaimReview reader's modules in claims/outside, imports it, directly or through another."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import claims.coverage
import claims.text

REPO = Path(__file__).resolve().parent.parent
MODULES = sorted(
    [f"claims.text.{m.name}" for m in pkgutil.iter_modules(claims.text.__path__)]
    + [
        f"claims.coverage.{m.name}"
        for m in pkgutil.iter_modules(claims.coverage.__path__)
        if m.name != "store"
    ]
    + ["claims.outside"]
    + [f"claims.outside.{name}" for name in ("claimreview", "documents", "ratings", "values")]
)

# With sys.modules["django"] set to None, any `import django...` anywhere raises ImportError.
PROBE = """
import importlib, sys
sys.modules["django"] = None
importlib.import_module(sys.argv[1])
leaked = sorted(name for name in sys.modules if name.startswith(("claims.models", "claims.choices", "claims.services")))
assert not leaked, leaked
"""


def test_every_module_is_checked():
    expected = {"claims.text.anchoring", "claims.text.extraction", "claims.text.splitting"}
    expected |= {"claims.coverage.engine", "claims.coverage.readers", "claims.coverage.evaluation"}
    assert expected <= set(MODULES)


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
