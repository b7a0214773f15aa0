"""The shared web plumbing imports no domain, and no domain's API or pages import
another domain's: the app assembles them side by side."""

from __future__ import annotations

import ast
from pathlib import Path

import kith

PACKAGE = Path(kith.__file__).resolve().parent
DOMAINS = frozenset(
    {
        "accounts",
        "blocks",
        "connections",
        "follows",
        "graph",
        "insights",
        "members",
        "messaging",
        "notifications",
        "portability",
        "relationships",
        "search",
    }
)


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, at any depth (inside functions too)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def test_web_imports_no_domain() -> None:
    upward = {
        f"{path.name} imports {name}"
        for path in sorted((PACKAGE / "web").glob("*.py"))
        for name in _imports(path)
        if name.startswith("kith.") and name.split(".")[1] in DOMAINS
    }
    assert upward == set()


def test_no_domain_api_or_pages_imports_another_domains() -> None:
    crossing = set()
    for domain in sorted(DOMAINS):
        for path in sorted((PACKAGE / domain).glob("*.py")):
            for name in _imports(path):
                parts = name.split(".")
                if (
                    len(parts) >= 3
                    and parts[0] == "kith"
                    and parts[1] in DOMAINS
                    and parts[1] != domain
                    and parts[2] in ("api", "pages")
                ):
                    crossing.add(f"{domain}/{path.name} imports {name}")
    assert crossing == set()
