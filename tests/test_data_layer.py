"""The data layer knows no domain: ``db.py`` and the models import only the ground
(settings, clock, errors, names) and each other, and a migration imports nothing of
Kith at all, so that it keeps working after the code it would have imported changes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kith

SRC = Path(kith.__file__).parent
GROUND = {"kith.clock", "kith.config", "kith.errors", "kith.names"}


def kith_imports(path: Path) -> set[str]:
    """Every ``kith`` module ``path`` imports, at the top, inside functions or for types."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return {name for name in found if name == "kith" or name.startswith("kith.")}


MIGRATIONS = sorted((SRC / "migrations" / "versions").glob("*.py"))
MODELS = sorted((SRC / "models").glob("*.py"))


def test_the_checks_see_the_files() -> None:
    assert len(MIGRATIONS) >= 10
    assert len(MODELS) >= 5
    assert kith_imports(SRC / "runtime.py") >= {"kith.db", "kith.uow"}


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: p.name)
def test_a_migration_imports_nothing_of_kith(path: Path) -> None:
    assert kith_imports(path) == set()


def test_the_template_of_new_migrations_imports_nothing_of_kith() -> None:
    assert "kith" not in (SRC / "migrations" / "script.py.mako").read_text()


def test_db_imports_no_domain() -> None:
    assert kith_imports(SRC / "db.py") <= GROUND


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_a_model_imports_no_domain(path: Path) -> None:
    allowed = GROUND | {"kith.db", "kith.models"}
    assert {m for m in kith_imports(path) if not m.startswith("kith.models.")} <= allowed
