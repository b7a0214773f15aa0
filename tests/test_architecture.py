"""The shape of the package, checked over its import graph (``make lint`` checks the
layers with import-linter's contracts in pyproject.toml; these are the rules a layers
contract cannot say)."""

from __future__ import annotations

import grimp
import networkx as nx
import pytest

DOMAINS = (
    "accounts",
    "blocks",
    "community",
    "connections",
    "endorsements",
    "follows",
    "graph",
    "groups",
    "insights",
    "introductions",
    "mail",
    "members",
    "messaging",
    "notifications",
    "portability",
    "posts",
    "recommendations",
    "relationships",
    "search",
)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("kith", cache_dir=None)


def _edges(graph: grimp.ImportGraph) -> nx.DiGraph:
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    return edges


def _domain(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in DOMAINS else None


def _is_endpoint_module(module: str) -> bool:
    """A domain module that holds API or page endpoints (``api``, ``pages``,
    ``record_api``...)."""
    last = module.rsplit(".", 1)[-1]
    return _domain(module) is not None and (
        last in ("api", "pages") or last.endswith(("_api", "_pages"))
    )


def test_no_module_imports_itself_round_a_loop(graph: grimp.ImportGraph) -> None:
    loops = [sorted(c) for c in nx.strongly_connected_components(_edges(graph)) if len(c) > 1]
    assert loops == []


def test_endpoints_are_imported_only_where_the_app_is_assembled(
    graph: grimp.ImportGraph,
) -> None:
    """API and page modules are leaves: ``kith.app`` routes them; a domain's own
    endpoint modules may include each other, and no other module imports them."""
    wrong = sorted(
        f"{importer} -> {imported}"
        for importer, imported in _edges(graph).edges
        if _is_endpoint_module(imported)
        and importer != "kith.app"
        and not (_is_endpoint_module(importer) and _domain(importer) == _domain(imported))
    )
    assert wrong == []


def test_the_test_walks_every_domain(graph: grimp.ImportGraph) -> None:
    packages = {m.split(".")[1] for m in graph.find_children("kith") if m.count(".") == 1}
    assert set(DOMAINS) <= packages


def test_shared_web_plumbing_imports_no_domain(graph: grimp.ImportGraph) -> None:
    """``kith.web`` holds what every domain shares; domains register what it shows."""
    upward = sorted(
        f"{importer} -> {imported}"
        for importer, imported in _edges(graph).edges
        if importer.startswith("kith.web") and _domain(imported) is not None
    )
    assert upward == []
