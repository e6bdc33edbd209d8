"""The retrieval engine runs without Django: no module of claims/coverage (but the store) imports it."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import claims.coverage

REPO = Path(__file__).resolve().parents[2]
# The store is the adapter between the models and the engine: it is the one module allowed to use Django.
MODULES = sorted(
    f"claims.coverage.{m.name}" for m in pkgutil.iter_modules(claims.coverage.__path__) if m.name != "store"
)

PROBE = """
import importlib, sys
sys.modules["django"] = None
importlib.import_module(sys.argv[1])
leaked = sorted(name for name in sys.modules if name.startswith(("claims.models", "claims.choices", "claims.services")))
assert not leaked, leaked
"""


def test_every_module_of_the_engine_is_checked():
    assert {"claims.coverage.engine", "claims.coverage.readers", "claims.coverage.evaluation"} <= set(MODULES)


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
