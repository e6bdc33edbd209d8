"""The layers, checked from the source: each imports only what sits below it.

    text core (claims/text) → errors → models → lifecycle, editing → selectors → services → views, tasks

Read from the code with `ast`, so a lazy import inside a function counts as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

CLAIMS = Path(__file__).resolve().parent.parent / "claims"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def modules_in(folder: str) -> list[Path]:
    return sorted((CLAIMS / folder).rglob("*.py"))


def imports_from(path: Path, *prefixes: str) -> list[str]:
    return sorted(
        name
        for name in imported_modules(path)
        if any(name == p or name.startswith(p + ".") for p in prefixes)
    )


@pytest.mark.parametrize("path", modules_in("selectors"), ids=lambda p: p.name)
def test_no_selector_imports_a_service_or_a_view(path):
    assert imports_from(path, "claims.services", "claims.views", "claims.tasks") == []


@pytest.mark.parametrize("path", modules_in("services"), ids=lambda p: p.name)
def test_no_service_imports_the_tasks_or_the_views(path):
    # Services queue work by task name; the tasks import the services, never the other way round.
    assert imports_from(path, "claims.tasks", "claims.views", "claims.forms") == []


@pytest.mark.parametrize(
    "path", [CLAIMS / "lifecycle.py", CLAIMS / "editing.py", CLAIMS / "errors.py"], ids=lambda p: p.name
)
def test_the_domain_rules_sit_below_the_services(path):
    assert imports_from(path, "claims.services", "claims.selectors", "claims.views", "claims.tasks") == []


def test_the_guarded_client_sits_below_the_services():
    assert imports_from(CLAIMS / "fetching.py", "claims.services", "claims.views", "claims.tasks") == []
