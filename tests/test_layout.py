"""The test suite's own layout: shared helpers and fixtures live in ``tests/fixtures/``;
test modules import those, never each other or a ``conftest``."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _module_name(path: Path) -> str:
    return ".".join(("tests", *path.relative_to(TESTS).with_suffix("").parts))


def _imported(source: str, module: str) -> list[str]:
    """Every module that ``module`` (whose text is ``source``) imports, as absolute
    dotted names; ``from x import y`` gives both ``x`` and ``x.y`` (``y`` may be a
    module)."""
    package = module.split(".")[:-1]
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def _imports(path: Path) -> list[str]:
    return _imported(path.read_text(encoding="utf-8"), _module_name(path))


def _is_test_module(name: str) -> bool:
    return name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")


def test_no_test_module_imports_another_test_module() -> None:
    offences = [
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in _imports(path)
        if _is_test_module(name)
    ]
    assert offences == [], "move the shared helper into tests/fixtures/:\n" + "\n".join(offences)


def test_no_test_module_imports_a_conftest() -> None:
    offences = [
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for name in _imports(path)
        if name.startswith("tests.") and name.rsplit(".", 1)[-1] == "conftest"
    ]
    assert offences == [], "move the shared helper into tests/fixtures/:\n" + "\n".join(offences)


def test_the_check_sees_absolute_and_relative_imports() -> None:
    source = (
        "from tests.web.test_pages import post\n"
        "from .test_linkedin_files import fixture\n"
        "from . import test_archive\n"
        "import tests.connections.test_concurrency\n"
        "from tests.fixtures.pages import sign_in_as\n"
        "from tests.fixtures import races\n"
    )
    found = {n for n in _imported(source, "tests.portability.test_x") if _is_test_module(n)}
    assert found == {
        "tests.web.test_pages",
        "tests.portability.test_linkedin_files",
        "tests.portability.test_archive",
        "tests.connections.test_concurrency",
    }
