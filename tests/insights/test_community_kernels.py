"""The community figures against networkx and plain Python on random graphs."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest

from kith.insights import community
from kith.network import NetworkEngine

STAGES = ["student", "recent_graduate", "early_career", "mid_career", "executive"]


def random_case(seed: int) -> tuple[nx.Graph, community.Attributes, NetworkEngine]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 160))
    m = int(rng.integers(0, 3 * n))
    a, b = rng.integers(1, n, m), rng.integers(1, n, m)
    eng = NetworkEngine.from_edges(a, b, num_nodes=n)
    for x, y in rng.integers(1, n, (5, 2)):  # pending overlay changes too
        if x != y:
            eng.connect(int(x), int(y))
    active = np.ones(n, dtype=np.bool_)
    active[0] = False
    inactive = rng.choice(np.arange(1, n), size=min(3, n - 1), replace=False)
    for x in inactive[1:]:  # a deactivated member leaves the engine...
        eng.remove_node(int(x))
    active[inactive] = False  # ... and if one is still there, it is left out
    g = nx.Graph()
    g.add_nodes_from(int(i) for i in np.flatnonzero(active))
    for x in np.flatnonzero(active):
        g.add_edges_from((int(x), int(y)) for y in eng.neighbors(int(x)) if active[y])

    def codes(k: int) -> np.ndarray:
        out = rng.integers(-1, k, n).astype(np.int32)
        return out

    attrs = community.Attributes(
        active=active,
        industry=codes(4),
        industry_names=["Energy", "Healthcare", "Media", "Technology"],
        stage=codes(5),
        stage_names=STAGES,
        company=codes(7),
        company_names=[f"Company {i}" for i in range(7)],
        school=codes(3),
        school_names=[f"School {i}" for i in range(3)],
    )
    return g, attrs, eng


@pytest.mark.parametrize("seed", range(12))
def test_figures_match_networkx(seed: int) -> None:
    g, attrs, eng = random_case(seed)
    indptr, indices = eng.csr()
    limits = community.Limits(
        barely_connected_max=2, welcome_listed=5, bridges_listed=1000, top_groups=3, min_cohort=2
    )
    got = community.compute(indptr, indices, attrs, limits)

    deg = dict(g.degree())
    values = np.array(sorted(deg.values()))
    assert got["members"] == g.number_of_nodes()
    assert got["connections"] == g.number_of_edges()
    assert got["mean"] == pytest.approx(values.mean())
    assert got["median"] == pytest.approx(float(np.median(values)))
    assert got["max"] == values.max()
    assert dict(map(tuple, got["degree_histogram"])) == dict(Counter(deg.values()))

    comps = list(nx.connected_components(g))
    assert got["largest_component"] == max(len(c) for c in comps)
    assert got["largest_component_share"] == pytest.approx(
        max(len(c) for c in comps) / g.number_of_nodes()
    )
    assert got["components"] == sum(1 for c in comps if len(c) > 1)
    assert got["isolated"] == sum(1 for d in deg.values() if d == 0)
    assert got["barely_connected"] == sum(1 for d in deg.values() if 1 <= d <= 2)
    lonely = sorted((v for v, d in deg.items() if d <= 2), reverse=True)[:5]
    assert got["welcome"] == [[v, deg[v]] for v in lonely]

    # Ties between industries and the share inside one.
    ind = {v: int(attrs.industry[v]) for v in g}
    ties = Counter()
    for u, v in g.edges():
        if ind[u] >= 0 and ind[v] >= 0:
            ties[(ind[u], ind[v])] += 1
            if ind[u] != ind[v]:
                ties[(ind[v], ind[u])] += 1
    matrix = got["industries"]["ties"]
    for i in range(4):
        for j in range(4):
            assert matrix[i][j] == ties[(i, j)], (i, j)
    same = sum(1 for u, v in g.edges() if ind[u] == ind[v] >= 0)
    assert got["industries"]["within_share"] == pytest.approx(
        same / g.number_of_edges() if g.number_of_edges() else 0.0
    )
    for i in range(4):
        members = [v for v in g if ind[v] == i]
        assert got["industries"]["members"][i] == len(members)
        if members:
            assert got["industries"]["mean"][i] == pytest.approx(np.mean([deg[v] for v in members]))

    # Companies: the three largest, ties among them, inside and outside counts.
    comp = {v: int(attrs.company[v]) for v in g}
    sizes = Counter(c for c in comp.values() if c >= 0)
    top = sorted(sizes, key=lambda c: (-sizes[c], c))[:3]
    assert got["companies"]["names"] == [f"Company {c}" for c in top]
    for i, c in enumerate(top):
        inside = sum(1 for u, v in g.edges() if comp[u] == comp[v] == c)
        outside = sum(1 for u, v in g.edges() if (comp[u] == c) != (comp[v] == c))
        assert got["companies"]["internal"][i] == inside
        assert got["companies"]["external"][i] == outside
        for j, d in enumerate(top):
            if i != j:
                between = sum(1 for u, v in g.edges() if {comp[u], comp[v]} == {c, d})
                assert got["companies"]["ties"][i][j] == between

    # Bridges: the sum of shares of between-industry ties each member holds.
    expected = {}
    for v in g:
        if ind[v] < 0:
            continue
        per = Counter(ind[u] for u in g[v] if ind[u] >= 0 and ind[u] != ind[v])
        score = sum(c / ties[(ind[v], h)] for h, c in per.items())
        if score > 0:
            expected[v] = score
    listed = {b["id"]: b["score"] for b in got["bridges"]}
    assert listed.keys() == expected.keys()
    for v, score in expected.items():
        assert listed[v] == pytest.approx(score)
    scores = [b["score"] for b in got["bridges"]]
    assert scores == sorted(scores, reverse=True)

    # Percentiles: share of the cohort with fewer connections.
    for i, name in enumerate(attrs.industry_names):
        cohort_deg = [deg[v] for v in g if ind[v] == i]
        found = got["cohorts"]["industry"].get(name)
        if len(cohort_deg) < 2:
            assert found is None
            continue
        for probe in {0, 1, 3, max(cohort_deg), max(cohort_deg) + 1}:
            fewer = sum(1 for d in cohort_deg if d < probe)
            assert community.percentile(found, probe) == pytest.approx(
                100 * fewer / len(cohort_deg)
            )


def test_components_on_a_long_chain() -> None:
    # A path is the worst case for label propagation; hooking and jumping keep it short.
    n = 5000
    eng = NetworkEngine.from_edges(np.arange(n - 1)[::-1], np.arange(1, n)[::-1])
    labels = community.components(*eng.csr(), block=1000)
    assert (labels == 0).all()


def test_empty_community() -> None:
    none = np.full(3, -1, dtype=np.int32)
    attrs = community.Attributes(
        np.zeros(3, dtype=np.bool_), none, [], none, [], none, [], none, []
    )
    got = community.compute(*NetworkEngine.from_edges([], []).csr(), attrs, community.Limits())
    assert (got["members"], got["connections"], got["mean"], got["bridges"]) == (0, 0, 0.0, [])
    assert got["welcome"] == []


def test_docstring_examples() -> None:
    import doctest

    result = doctest.testmod(community)
    assert result.attempted > 0
    assert result.failed == 0


def test_csr_is_the_graph_with_its_pending_changes() -> None:
    eng = NetworkEngine.from_edges([1, 2], [2, 3], num_nodes=4)
    base = eng.csr()
    assert base[1] is eng.csr()[1]  # no copy while nothing is pending
    eng.connect(1, 3)
    eng.disconnect(2, 3)
    indptr, indices = eng.csr()
    rows = {a: indices[indptr[a] : indptr[a + 1]].tolist() for a in range(eng.num_nodes)}
    assert rows == {a: eng.neighbors(a).tolist() for a in range(eng.num_nodes)}
    assert not indices.flags.writeable
