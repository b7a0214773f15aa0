"""Readers query while a writer connects, disconnects and compacts."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator

import networkx as nx
import numpy as np
import pytest

from kith.network import NetworkEngine, _cache, _state
from tests.fixtures.oracle import Oracle


@pytest.fixture(autouse=True)
def frequent_thread_switches() -> Iterator[None]:
    """Switch threads every few microseconds so interleavings actually happen."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def test_readers_never_see_a_torn_state() -> None:
    rng = np.random.default_rng(11)
    n = 400
    a, b = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    eng = NetworkEngine.from_edges(a, b, cache_size=16)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    g.remove_edges_from(nx.selfloop_edges(g))
    stop = threading.Event()
    errors: list[BaseException] = []
    checks = [0]

    # Pairs (x, y) the writer toggles; readers assert a property that holds in every
    # consistent state: x and y agree on whether they are connected.
    toggles = [(int(x), int(y)) for x, y in rng.integers(0, n, (300, 2)) if x != y]

    def symmetric(st: object, _seq: int, x: int, y: int) -> tuple[bool, bool]:
        nx_, ny_ = _state.nbrs(st, x), _state.nbrs(st, y)  # type: ignore[arg-type]
        return bool(np.isin(y, nx_)), bool(np.isin(x, ny_))

    def reader(seed: int) -> None:
        r = np.random.default_rng(seed)
        try:
            while not stop.is_set():
                x, y = toggles[int(r.integers(len(toggles)))]
                nx_ = eng.neighbors(x)
                assert np.all(np.diff(nx_) > 0)
                d = eng.degree(x, y)
                assert d in (0, 1, 2, 3)
                page = r.integers(0, n, 25)
                degs = eng.degrees(x, page)
                mc = eng.mutual_counts(x, page)
                assert degs.shape == (25,)
                assert mc.shape == (25,)
                sugg = eng.suggestions(x, limit=10)
                assert all(c >= 1 for _, c in sugg)
                assert eng.reach(x).first >= 0
                # Within one query the adjacency is symmetric: no half-applied change.
                xy, yx = eng._store.read(symmetric, x, y)
                assert xy == yx
                checks[0] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    readers = [threading.Thread(target=reader, args=(i,)) for i in range(3)]
    for t in readers:
        t.start()
    try:
        for i in range(3000):
            x, y = toggles[i % len(toggles)]
            if g.has_edge(x, y):
                eng.disconnect(x, y)
                g.remove_edge(x, y)
            else:
                eng.connect(x, y)
                g.add_edge(x, y)
            if i % 1000 == 999:
                eng.remove_node(x)
                g.remove_edges_from(list(g.edges(x)))
            if i % 400 == 0:
                threading.Thread(target=eng.compact).start()
        eng.compact()
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert not errors, errors[0]
    assert checks[0] > 10
    o = Oracle(g)
    assert eng.num_edges == g.number_of_edges()
    for v in range(0, n, 7):
        assert eng.neighbors(v).tolist() == o.nbrs(v)
        everyone = list(range(n))
        assert eng.degrees(v, everyone).tolist() == [o.degree(v, t) for t in everyone]
        assert eng.suggestions(v, limit=50) == o.suggestions(v, 50, set())


def test_a_query_sees_one_state() -> None:
    """A query reads every row from one version of the graph.

    The writer moves member 12 between 1 and 2 so that 12 is never connected to both;
    a query reading row 1 before a move and row 2 after it would count 12 as mutual.
    """
    eng = NetworkEngine.from_edges([1, 1, 2, 2, 1], [10, 11, 10, 11, 12])
    stop = threading.Event()
    seen: set[int] = set()
    paths: set[int] = set()

    def reader() -> None:
        while not stop.is_set():
            seen.add(eng.mutual_count(1, 2))
            seen.add(int(eng.mutual_counts(1, [2])[0]))
            paths.add(len(eng.intro_paths(1, 2, limit=10)))

    t = threading.Thread(target=reader)
    t.start()
    try:
        for _ in range(4000):
            eng.disconnect(1, 12)
            eng.connect(2, 12)
            eng.disconnect(2, 12)
            eng.connect(1, 12)
    finally:
        stop.set()
        t.join()
    assert seen == {2}
    assert paths == {2}
    assert eng.mutual_count(1, 2) == 2


def _large_viewer_engine() -> tuple[NetworkEngine, list[int]]:
    """Viewer 0 with a neighbourhood that is always answered directly on a miss."""
    rng = np.random.default_rng(21)
    a, b = rng.integers(0, 300, 3000), rng.integers(0, 300, 3000)
    eng = NetworkEngine.from_edges(a, b, cache_size=8)
    eng.inline_ball_volume = 0
    return eng, list(range(300))


def test_background_build_waits_while_a_query_is_in_flight() -> None:
    eng, everyone = _large_viewer_engine()
    eng.background_max_wait_s = 60.0  # no forced progress in this test
    gate, inside = threading.Event(), threading.Event()

    def slow_query(_st: object, _seq: int) -> None:
        inside.set()
        gate.wait(10)

    t = threading.Thread(target=eng._store.read, args=(slow_query,))
    t.start()
    assert inside.wait(10)
    expected = eng.degrees(0, everyone).tolist()  # a miss: queues the build
    assert not eng.wait_for_background(timeout=0.3)
    assert eng.cache_info()["viewers"] == 0
    gate.set()
    t.join()
    assert eng.wait_for_background(timeout=10)
    assert eng.cache_info()["viewers"] == 1
    assert eng.degrees(0, everyone).tolist() == expected


def test_background_build_waits_for_the_quiet_period() -> None:
    eng, everyone = _large_viewer_engine()
    eng.background_quiet_s = 0.5
    eng.background_max_wait_s = 60.0
    eng.degrees(0, everyone)
    time.sleep(0.2)  # the last query ended 0.2 s ago: not quiet yet
    assert eng.cache_info()["viewers"] == 0
    assert eng.wait_for_background(timeout=10)
    assert eng.cache_info()["viewers"] == 1


def test_background_build_progresses_under_constant_load(monkeypatch: pytest.MonkeyPatch) -> None:
    # The engine is never quiet: the build still takes one step per background_max_wait_s.
    monkeypatch.setattr(_cache, "_BUILD_CHUNK_ENTRIES", 64)
    eng, everyone = _large_viewer_engine()
    eng.background_quiet_s = 0.01
    eng.background_max_wait_s = 0.005
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            eng.degree(1, 2)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for th in threads:
        th.start()
    try:
        expected = eng.degrees(0, everyone).tolist()
        assert eng.wait_for_background(timeout=30)
        assert eng.cache_info()["viewers"] == 1
        assert eng.degrees(0, everyone).tolist() == expected
    finally:
        stop.set()
        for th in threads:
            th.join()


def test_a_change_during_a_stepwise_build_is_never_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    # Many small steps; changes land between them; the cached set must match the end state.
    monkeypatch.setattr(_cache, "_BUILD_CHUNK_ENTRIES", 16)
    rng = np.random.default_rng(8)
    n = 120
    a, b = rng.integers(0, n, 900), rng.integers(0, n, 900)
    eng = NetworkEngine.from_edges(a, b, cache_size=64)
    eng.inline_ball_volume = 0
    eng.background_quiet_s = 0.0
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    g.remove_edges_from(nx.selfloop_edges(g))
    everyone = list(range(n))
    for i in range(200):
        x, y = (int(v) for v in rng.integers(0, n, 2))
        eng.degrees(i % 10, everyone)  # queue builds for viewers 0..9
        if x != y:
            if g.has_edge(x, y):
                eng.disconnect(x, y)
                g.remove_edge(x, y)
            else:
                eng.connect(x, y)
                g.add_edge(x, y)
    assert eng.wait_for_background(timeout=30)
    o = Oracle(g)
    for v in range(10):
        eng.degrees(v, everyone)
        assert eng.wait_for_background(timeout=30)
        assert eng.degrees(v, everyone).tolist() == [o.degree(v, t) for t in everyone]


def test_queries_in_flight_are_counted_even_when_they_fail() -> None:
    eng, _ = _large_viewer_engine()

    def boom(_st: object, _seq: int) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        eng._store.read(boom)
    eng.degree(1, 2)
    assert not eng._store.inflight
