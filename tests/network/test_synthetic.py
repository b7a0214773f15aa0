"""The synthetic professional network generator."""

from __future__ import annotations

import time

import numpy as np
import pytest

from kith.synthetic import MAX_CONNECTIONS, generate_network


@pytest.fixture(scope="module")
def net20k():  # type: ignore[no-untyped-def]
    return generate_network(20_000, seed=42)


def test_same_seed_same_network() -> None:
    x = generate_network(3000, mean_degree=60, seed=5)
    y = generate_network(3000, mean_degree=60, seed=5)
    z = generate_network(3000, mean_degree=60, seed=6)
    for name in ("a", "b", "member_industry", "position_company", "position_start", "school_id"):
        assert np.array_equal(getattr(x, name), getattr(y, name)), name
    assert not np.array_equal(x.a, z.a) or not np.array_equal(x.b, z.b)


def test_edges_are_unique_sorted_and_in_range(net20k) -> None:  # type: ignore[no-untyped-def]
    a, b = net20k.a.astype(np.int64), net20k.b.astype(np.int64)
    assert a.dtype == np.int64
    assert net20k.a.dtype == np.int32
    assert (a < b).all()
    assert a.min() >= 1
    assert b.max() <= 20_000
    keys = (a << 32) | b
    assert (np.diff(keys) > 0).all()


def test_degree_distribution_is_skewed_like_a_professional_network(net20k) -> None:  # type: ignore[no-untyped-def]
    deg = net20k.degrees()
    mean, median = float(deg.mean()), float(np.median(deg))
    assert 300 <= mean <= 470
    assert 250 <= median <= 400
    assert median < mean
    assert int(deg.max()) > 4 * median
    assert int(deg.max()) <= MAX_CONNECTIONS
    assert float(np.mean(deg < 30)) > 0.01


def test_careers_and_schools(net20k) -> None:  # type: ignore[no-untyped-def]
    n = net20k.num_members
    per_member = np.bincount(net20k.position_member, minlength=n + 1)[1:]
    assert per_member.min() >= 1
    assert per_member.max() <= 5
    ended = net20k.position_end >= 0
    assert (net20k.position_end[ended] >= net20k.position_start[ended]).all()
    assert (net20k.position_company < net20k.num_companies).all()
    schools = np.bincount(net20k.school_member, minlength=n + 1)[1:]
    assert set(np.unique(schools).tolist()) == {1, 2}
    assert (net20k.school_end >= net20k.school_start).all()
    assert (net20k.member_industry < net20k.num_industries).all()
    sizes = np.bincount(net20k.position_company, minlength=net20k.num_companies)
    assert sizes.max() > 20 * max(1.0, float(np.median(sizes)))  # heavy-tailed companies


def test_connections_cluster_by_company(net20k) -> None:  # type: ignore[no-untyped-def]
    pairs = set(zip(net20k.position_member.tolist(), net20k.position_company.tolist(), strict=True))
    companies: dict[int, set[int]] = {}
    for m, c in pairs:
        companies.setdefault(m, set()).add(c)
    rng = np.random.default_rng(0)
    idx = rng.choice(net20k.num_edges, 5000, replace=False)
    shared = np.mean([bool(companies[int(net20k.a[i])] & companies[int(net20k.b[i])]) for i in idx])
    ra, rb = rng.integers(1, 20_001, 5000), rng.integers(1, 20_001, 5000)
    random_shared = np.mean(
        [bool(companies[int(x)] & companies[int(y)]) for x, y in zip(ra, rb, strict=True)]
    )
    assert shared > 0.25
    assert shared > 10 * random_shared


def test_small_networks_are_cheap() -> None:
    start = time.perf_counter()
    net = generate_network(2000, seed=1)
    assert time.perf_counter() - start < 1.0
    assert net.num_edges > 50_000
    with pytest.raises(ValueError, match="at least 2"):
        generate_network(1)
