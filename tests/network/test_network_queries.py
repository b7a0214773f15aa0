"""Every query against networkx on random graphs (hypothesis)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.network import OUT_OF_NETWORK, NetworkEngine, Reach
from tests.fixtures.oracle import Oracle


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    """Random graphs of up to 60 nodes: G(n, p) plus a few hand-drawn edges."""
    n = draw(st.integers(1, 60))
    p = draw(st.sampled_from([0.0, 0.03, 0.06, 0.1, 0.2, 0.5]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    iu, ju = np.triu_indices(n, 1)
    keep = rng.random(iu.size) < p
    pairs = list(zip(iu[keep].tolist(), ju[keep].tolist(), strict=True))
    pairs += draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=8))
    return n, pairs


def build(n: int, pairs: list[tuple[int, int]], mode: str) -> tuple[NetworkEngine, Oracle]:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    eng = NetworkEngine.from_edges(a, b, num_nodes=n, cache_size=3)
    eng.dense_fraction = 0.0 if mode == "dense" else 1e9
    # direct: a cache miss is answered without the 2-ball, which is built in the background
    eng.inline_ball_volume = 0 if mode == "direct" else 10**9
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((x, y) for x, y in pairs if x != y)
    return eng, Oracle(g)


def check_member(eng: NetworkEngine, o: Oracle, a: int, everyone: list[int]) -> None:
    assert eng.neighbors(a).tolist() == o.nbrs(a)
    assert eng.connection_count(a) == len(o.nbrs(a))
    expected_deg = [o.degree(a, b) for b in everyone]
    assert [eng.degree(a, b) for b in everyone] == expected_deg
    # cold then warm cache
    assert eng.degrees(a, everyone).tolist() == expected_deg
    assert eng.degrees(a, everyone).tolist() == expected_deg
    assert eng.wait_for_background(timeout=10)
    assert eng.degrees(a, everyone).tolist() == expected_deg
    assert [eng.is_connected(a, b) for b in everyone] == [b in o.g[a] for b in everyone]
    expected_mc = [len(o.mutual(a, b)) for b in everyone]
    assert eng.mutual_counts(a, everyone).tolist() == expected_mc
    assert [eng.mutual_count(a, b) for b in everyone] == expected_mc
    for b in everyone[:10]:
        assert eng.mutual(a, b, offset=0, limit=1000).tolist() == o.mutual(a, b)
        assert eng.mutual(a, b, offset=1, limit=2).tolist() == o.mutual(a, b)[1:3]
        assert eng.intro_paths(a, b, limit=4) == o.intro_paths(a, b, 4)
    assert eng.second_degree(a).tolist() == o.at(a, 2)
    r = eng.reach(a)
    assert (r.first, r.second, r.third) == o.reach(a)
    assert not r.third_estimated
    assert r.third_relative_error == 0.0
    exclude = set(o.at(a, 2)[::3])
    assert eng.suggestions(a, limit=5, exclude=sorted(exclude)) == o.suggestions(a, 5, exclude)
    assert eng.suggestions(a, limit=100) == o.suggestions(a, 100, set())


@pytest.mark.parametrize("mode", ["dense", "sparse", "direct"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=graphs(), data=st.data())
def test_queries_match_networkx(
    mode: str, graph: tuple[int, list[tuple[int, int]]], data: st.DataObject
) -> None:
    n, pairs = graph
    eng, o = build(n, pairs, mode)
    assert eng.num_edges == o.g.number_of_edges()
    everyone = list(range(n)) + [n + 5]  # plus an id the engine never saw
    viewers = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3))
    for a in viewers:
        check_member(eng, o, a, everyone)


def test_degree_semantics_documented() -> None:
    eng = NetworkEngine.from_edges([1, 2, 3, 4], [2, 3, 4, 5])
    assert OUT_OF_NETWORK == 0
    assert eng.degree(1, 1) == OUT_OF_NETWORK
    assert eng.degree(1, 5) == OUT_OF_NETWORK
    assert eng.degree(1, 10**6) == OUT_OF_NETWORK
    assert eng.degrees(1, [1, 2, 3, 4, 5]).dtype == np.int8


def test_invalid_ids_are_rejected() -> None:
    eng = NetworkEngine.from_edges([1], [2])
    with pytest.raises(ValueError, match="integer"):
        eng.degree(-1, 2)
    with pytest.raises(ValueError, match="themselves"):
        eng.connect(3, 3)
    with pytest.raises(ValueError, match="non-negative"):
        eng.mutual(1, 2, offset=-1)
    with pytest.raises(ValueError, match="outside"):
        NetworkEngine.from_edges([-1], [2])


def test_build_drops_duplicates_and_self_loops() -> None:
    eng = NetworkEngine.from_edges([1, 2, 1, 3, 3], [2, 1, 2, 3, 1])
    assert eng.num_edges == 2
    assert eng.neighbors(1).tolist() == [2, 3]
    assert eng.neighbors(3).tolist() == [1]


def test_reach_estimate_is_within_its_error() -> None:
    rng = np.random.default_rng(7)
    n = 6000
    a = rng.integers(1, n, 30_000)
    b = rng.integers(1, n, 30_000)
    eng = NetworkEngine.from_edges(a, b)
    g = nx.Graph()
    g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    g.remove_edges_from(nx.selfloop_edges(g))
    o = Oracle(g)
    for member in (1, 2, 3, 500, 4000):
        exact = eng.reach(member)
        assert not exact.third_estimated
        eng.exact_reach_work = 0
        est = eng.reach(member)
        eng.exact_reach_work = 10**9
        assert (exact.first, exact.second, exact.third) == o.reach(member)
        assert est.third_estimated
        assert (est.first, est.second) == (exact.first, exact.second)
        ball3 = 1 + exact.first + exact.second + exact.third
        est_ball3 = 1 + est.first + est.second + est.third
        assert abs(est_ball3 - ball3) <= 4 * 0.092 * ball3
        assert est.third_relative_error == pytest.approx(
            0.0919 * est_ball3 / max(est.third, 1), rel=0.01
        )


def test_reach_estimate_follows_overlay_and_compaction() -> None:
    eng = NetworkEngine.from_edges([1, 2, 3], [2, 3, 4])
    eng.exact_reach_work = 0
    eng.build_sketches()
    assert eng.reach(1) == Reach(1, 1, 1, True, pytest.approx(4.0 * 0.0919, rel=0.05))
    eng.connect(4, 5)
    eng.connect(4, 6)
    before = eng.reach(2)
    eng.compact()
    after = eng.reach(2)
    assert before == after
    assert after.third == 2


def test_returned_rows_are_read_only() -> None:
    eng = NetworkEngine.from_edges([1, 1], [2, 3])
    eng.connect(2, 3)
    for member in (1, 2):
        row = eng.neighbors(member)
        with pytest.raises(ValueError, match="read-only"):
            row[0] = 99
    assert eng.neighbors(1).tolist() == [2, 3]


def test_large_neighbourhood_is_answered_directly_and_cached_in_the_background() -> None:
    # a star of stars: viewer 0 -> 1..5, each of those -> 10 members of its own
    a = [0] * 5 + [1 + i // 10 for i in range(50)]
    b = list(range(1, 6)) + list(range(10, 60))
    eng = NetworkEngine.from_edges(a, b, cache_size=4)
    eng.inline_ball_volume = 10  # 0's neighbourhood holds 55 entries
    page = [1, 10, 59, 60, 0]
    assert eng.degrees(0, page).tolist() == [1, 2, 2, OUT_OF_NETWORK, OUT_OF_NETWORK]
    assert eng.wait_for_background(timeout=10)
    assert eng.cache_info()["viewers"] == 1
    assert eng.degrees(0, page).tolist() == [1, 2, 2, OUT_OF_NETWORK, OUT_OF_NETWORK]
    eng.connect(59, 60)  # S2(0) is unchanged, so the cached set stays
    assert eng.cache_info()["viewers"] == 1
    assert eng.degrees(0, page).tolist() == [1, 2, 2, 3, OUT_OF_NETWORK]
    eng.connect(5, 60)  # changes a list S2(0) is made of: the cached set goes
    assert eng.cache_info()["viewers"] == 0
    assert eng.degrees(0, page).tolist() == [1, 2, 2, 2, OUT_OF_NETWORK]

    no_cache = NetworkEngine.from_edges(a, b, cache_size=0)
    no_cache.inline_ball_volume = 10
    assert no_cache.degrees(0, page).tolist() == [1, 2, 2, OUT_OF_NETWORK, OUT_OF_NETWORK]
    assert no_cache.wait_for_background(timeout=0)
    assert no_cache.cache_info()["viewers"] == 0
