"""Changes, compaction and snapshots, checked against networkx (stateful hypothesis)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from kith.network import NetworkEngine
from tests.fixtures.oracle import Oracle

IDS = st.integers(0, 29)


class EngineMachine(RuleBasedStateMachine):
    """Random connect / disconnect / remove_node / compact / save+load, queries between."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="kith-net-"))
        self.g = nx.Graph()
        self.eng = NetworkEngine.from_edges([], [])
        self.saves = 0
        self.viewer = 0

    @initialize(
        pairs=st.lists(st.tuples(IDS, IDS), max_size=60),
        dense=st.booleans(),
        cache=st.sampled_from([0, 2, 64]),
        direct=st.booleans(),
    )
    def start(self, pairs: list[tuple[int, int]], dense: bool, cache: int, direct: bool) -> None:
        self.eng = NetworkEngine.from_edges(
            [p[0] for p in pairs], [p[1] for p in pairs], cache_size=cache
        )
        self.eng.dense_fraction = 0.0 if dense else 1e9
        # direct: every cache miss is answered without a 2-ball, built in the background
        self.eng.inline_ball_volume = 0 if direct else 10**9
        self.g.add_edges_from((a, b) for a, b in pairs if a != b)

    @property
    def o(self) -> Oracle:
        return Oracle(self.g)

    @rule(a=IDS, b=IDS)
    def connect(self, a: int, b: int) -> None:
        if a == b:
            with pytest.raises(ValueError, match="themselves"):
                self.eng.connect(a, b)
            return
        self.eng.connect(a, b)
        self.g.add_edge(a, b)

    @rule(a=IDS, b=IDS)
    def disconnect(self, a: int, b: int) -> None:
        self.eng.disconnect(a, b)
        if self.g.has_edge(a, b):
            self.g.remove_edge(a, b)

    @precondition(lambda self: self.g.number_of_edges() > 0)
    @rule(data=st.data())
    def disconnect_existing(self, data: st.DataObject) -> None:
        a, b = data.draw(st.sampled_from(sorted(self.g.edges())))
        self.eng.disconnect(b, a)
        self.g.remove_edge(a, b)

    @rule(data=st.data(), action=st.sampled_from(["connect", "disconnect", "remove"]))
    def change_near_cached_viewer(self, data: st.DataObject, action: str) -> None:
        # Touch the viewer's 2-ball so a stale cached 2nd-degree set would show.
        near = sorted(Oracle(self.g).dists(self.viewer))
        x = data.draw(st.sampled_from(near))
        if action == "connect":
            y = data.draw(IDS.filter(lambda v: v != x))
            self.eng.connect(x, y)
            self.g.add_edge(x, y)
        elif action == "disconnect" and x in self.g and len(self.g[x]):
            y = data.draw(st.sampled_from(sorted(self.g[x])))
            self.eng.disconnect(x, y)
            self.g.remove_edge(x, y)
        else:
            self.eng.remove_node(x)
            if x in self.g:
                self.g.remove_edges_from(list(self.g.edges(x)))
        everyone = list(range(32))
        expected = [self.o.degree(self.viewer, t) for t in everyone]
        assert self.eng.degrees(self.viewer, everyone).tolist() == expected

    @rule(a=IDS)
    def remove_node(self, a: int) -> None:
        self.eng.remove_node(a)
        if a in self.g:
            self.g.remove_edges_from(list(self.g.edges(a)))

    @rule()
    def background_builds_finish(self) -> None:
        assert self.eng.wait_for_background(timeout=10)

    @rule()
    def compact(self) -> None:
        self.eng.compact()
        assert self.eng.overlay_size == 0

    @rule(mmap=st.booleans(), as_dir=st.booleans())
    def save_and_load(self, mmap: bool, as_dir: bool) -> None:
        self.saves += 1
        path = self.dir if as_dir else self.dir / f"s{self.saves % 2}.snapshot"
        self.eng.save(path)
        dense, inline = self.eng.dense_fraction, self.eng.inline_ball_volume
        self.eng = NetworkEngine.load(path, mmap=mmap, cache_size=8)
        self.eng.dense_fraction, self.eng.inline_ball_volume = dense, inline
        assert self.eng.overlay_size == 0
        assert not list(self.dir.glob(".*.tmp"))

    @rule(a=IDS, page=st.lists(st.integers(0, 40), max_size=12))
    def page_of_badges(self, a: int, page: list[int]) -> None:
        self.viewer = a
        expected = [self.o.degree(a, t) for t in page]
        assert self.eng.degrees(a, page).tolist() == expected
        assert self.eng.degrees(a, page).tolist() == expected
        assert self.eng.mutual_counts(a, page).tolist() == [len(self.o.mutual(a, t)) for t in page]

    @rule(a=IDS, b=IDS)
    def pair_queries(self, a: int, b: int) -> None:
        o = self.o
        assert self.eng.degree(a, b) == o.degree(a, b)
        assert self.eng.is_connected(a, b) == self.g.has_edge(a, b)
        assert self.eng.mutual_count(a, b) == len(o.mutual(a, b))
        assert self.eng.mutual(a, b, limit=3).tolist() == o.mutual(a, b)[:3]
        assert self.eng.intro_paths(a, b, limit=3) == o.intro_paths(a, b, 3)

    @rule(a=IDS, exclude=st.lists(IDS, max_size=5), limit=st.integers(1, 8))
    def member_queries(self, a: int, exclude: list[int], limit: int) -> None:
        o = self.o
        assert self.eng.second_degree(a).tolist() == o.at(a, 2)
        r = self.eng.reach(a)
        assert (r.first, r.second, r.third) == o.reach(a)
        assert self.eng.suggestions(a, limit=limit, exclude=exclude) == o.suggestions(
            a, limit, set(exclude)
        )

    @invariant()
    def counts_agree(self) -> None:
        assert self.eng.num_edges == self.g.number_of_edges()
        for a in (0, 7, 29):
            assert self.eng.neighbors(a).tolist() == self.o.nbrs(a)

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


EngineMachine.TestCase.settings = settings(
    max_examples=250,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEngineMachine = EngineMachine.TestCase


def test_overlay_then_compaction_keeps_every_neighbour_list() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 300, 2000), rng.integers(0, 300, 2000)
    eng = NetworkEngine.from_edges(a, b)
    g = nx.Graph()
    g.add_nodes_from(range(300))
    g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    g.remove_edges_from(nx.selfloop_edges(g))
    for x, y in rng.integers(0, 320, (500, 2)).tolist():
        if x == y:
            continue
        if rng.random() < 0.5:
            eng.connect(x, y)
            g.add_edge(x, y)
        else:
            eng.disconnect(x, y)
            if g.has_edge(x, y):
                g.remove_edge(x, y)
    assert eng.overlay_size > 0
    assert eng.num_nodes == max(g.nodes) + 1
    eng.compact()
    assert eng.overlay_size == 0
    for x in range(eng.num_nodes):
        assert eng.neighbors(x).tolist() == (sorted(g[x]) if x in g else [])
    hist = eng.degree_histogram()
    assert hist.sum() == eng.num_nodes
    assert int((np.arange(hist.size) * hist).sum()) == 2 * eng.num_edges


def test_save_is_atomic_and_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "net.snapshot"
    NetworkEngine.from_edges([1], [2]).save(path)
    eng = NetworkEngine.from_edges([1, 2], [3, 3])
    eng.connect(7, 8)
    eng.save(path)
    loaded = NetworkEngine.load(path)
    assert loaded.num_edges == 3
    assert loaded.neighbors(3).tolist() == [1, 2]
    assert loaded.is_connected(8, 7)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.snapshot"]
    (tmp_path / "bad").write_bytes(b"nonsense-bytes")
    with pytest.raises(ValueError, match="not a Kith"):
        NetworkEngine.load(tmp_path / "bad")


def test_loaded_snapshot_keeps_sketches(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    a, b = rng.integers(0, 500, 3000), rng.integers(0, 500, 3000)
    eng = NetworkEngine.from_edges(a, b)
    eng.exact_reach_work = 0
    before = eng.reach(3)
    eng.save(tmp_path)
    loaded = NetworkEngine.load(tmp_path)
    loaded.exact_reach_work = 0
    assert loaded.nbytes == eng.nbytes
    assert loaded.reach(3) == before
