"""The shape of one member's network: circles (communities) and a picture (layout).

Pure computation on arrays: the member's connections are ``n`` points ``0..n-1`` and
the connections among them are edges ``(src[i], dst[i])``. Communities come from
igraph's Leiden implementation (modularity, fixed seed), or from its Louvain
(``multilevel``) as the alternative the benchmark compares against. The layout is
community-aware, so that it is fast and readable at a few thousand points: the circles
are placed first (a force layout of the circle graph, then overlaps pushed apart, each
circle a disc whose area grows with its size), then each circle's members inside its
disc (a short Fruchterman-Reingold run on the circle's own edges); members in no
circle sit on a ring around them.

Examples
--------
>>> import numpy as np
>>> src = np.array([0, 0, 1, 3, 3, 4, 2], dtype=np.int32)
>>> dst = np.array([1, 2, 2, 4, 5, 5, 3], dtype=np.int32)
>>> shape = compute(7, src, dst, seed=1)
>>> sorted(shape.sizes.tolist()), int(shape.community[6])
([3, 3], -1)
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np
from numpy.typing import NDArray

__all__ = ["MIN_CIRCLE", "MapShape", "compute", "detect", "layout", "modularity"]

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
Algorithm = Literal["leiden", "louvain"]

MIN_CIRCLE = 3  # a community smaller than this is "no circle"
EXTENT = 1000.0  # coordinates run over [0, EXTENT] on both axes
_FR_ITERATIONS = 60
_FR_GRID = 400
# igraph draws from one process-wide generator: seeding it and running must not
# interleave with another thread doing the same.
_igraph_lock = threading.Lock()


@dataclass(frozen=True)
class MapShape:
    """Communities and positions of ``n`` points.

    Attributes
    ----------
    community : ndarray of int32
        The circle of each point, ``0..k-1`` largest first, or ``-1`` for none.
    sizes : ndarray of int64
        Members of each circle.
    x, y : ndarray of float64
        Positions in ``[0, EXTENT]``.
    modularity : float
        Of the partition found (every community, small ones included).
    algorithm : str
    """

    community: I32
    sizes: NDArray[np.int64]
    x: F64
    y: F64
    modularity: float
    algorithm: str


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Run igraph with its own generator seeded by ``seed`` (one thread at a time)."""
    with _igraph_lock:
        ig.set_random_number_generator(random.Random(seed))  # noqa: S311 (a layout, not a secret)
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def _graph(n: int, src: I32, dst: I32) -> ig.Graph:
    return ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=False)


def detect(
    n: int, src: I32, dst: I32, *, seed: int = 1, algorithm: Algorithm = "leiden"
) -> tuple[I32, float]:
    """Community of each point (``0..k-1``, any order) and the partition's modularity.

    >>> import numpy as np
    >>> found, q = detect(4, np.array([0, 2], dtype=np.int32), np.array([1, 3], dtype=np.int32))
    >>> bool(found[0] == found[1] != found[2] == found[3]), round(q, 2)
    (True, 0.5)
    """
    if n == 0:
        return np.zeros(0, dtype=np.int32), 0.0
    g = _graph(n, src, dst)
    with _seeded(seed):
        if algorithm == "leiden":
            found = g.community_leiden(
                objective_function="modularity", n_iterations=-1, resolution=1.0
            )
        else:
            found = g.community_multilevel()
    membership = np.asarray(found.membership, dtype=np.int32)
    q = float(g.modularity(found.membership)) if src.size else 0.0
    return membership, q


def modularity(n: int, src: I32, dst: I32, membership: I32) -> float:
    """Newman's modularity of ``membership`` (0 for a graph without edges)."""
    if not src.size:
        return 0.0
    return float(_graph(n, src, dst).modularity(membership.tolist()))


def _ranked(raw: I32) -> tuple[I32, NDArray[np.int64]]:
    """Renumber communities largest first (ties by smallest member); small ones -> -1."""
    if not raw.size:
        return raw, np.zeros(0, dtype=np.int64)
    counts = np.bincount(raw)
    first = np.full(counts.size, raw.size, dtype=np.int64)
    np.minimum.at(first, raw, np.arange(raw.size))
    order = np.lexsort((first, -counts))
    order = order[counts[order] >= MIN_CIRCLE]
    new = np.full(counts.size, -1, dtype=np.int32)
    new[order] = np.arange(order.size, dtype=np.int32)
    return new[raw], counts[order].astype(np.int64)


def _fr(g: ig.Graph, start: F64, iterations: int, weights: list[float] | None = None) -> F64:
    """Fruchterman-Reingold from ``start``; past :data:`_FR_GRID` points with the grid
    variant (repulsion only from nearby points: linear time per iteration)."""
    found = g.layout_fruchterman_reingold(
        weights=weights, niter=iterations, seed=start.tolist(), grid=g.vcount() > _FR_GRID
    )
    return np.asarray(found.coords, dtype=np.float64).reshape(-1, 2)


def _fit_disc(pos: F64, radius: float) -> F64:
    """Centre ``pos`` on 0 and scale it into a disc of ``radius``."""
    if len(pos) == 1:
        return np.zeros((1, 2))
    pos = pos - pos.mean(axis=0)
    reach = float(np.sqrt((pos**2).sum(axis=1)).max())
    return pos * (radius / reach) if reach > 0 else pos


def _push_apart(centers: F64, radii: F64, gap: float, rounds: int = 200) -> F64:
    """Move discs apart until none overlaps (a few vectorized rounds)."""
    c = centers.copy()
    k = len(c)
    if k < 2:
        return c
    need = radii[:, None] + radii[None, :] + gap
    np.fill_diagonal(need, 0)
    for _ in range(rounds):
        d = c[:, None, :] - c[None, :, :]
        dist = np.sqrt((d**2).sum(axis=2))
        np.fill_diagonal(dist, np.inf)
        over = need - dist
        np.fill_diagonal(over, 0)
        if (over <= 1e-6).all():
            break
        over = np.clip(over, 0, None)
        unit = d / np.where(dist > 1e-9, dist, 1.0)[:, :, None]
        unit[dist <= 1e-9] = (1.0, 0.0)
        c += (unit * (over / 2)[:, :, None]).sum(axis=1) * 0.5
    return c


def layout(n: int, src: I32, dst: I32, community: I32, sizes: NDArray[np.int64], seed: int) -> F64:
    """Positions ``(n, 2)`` in ``[0, EXTENT]``: circles first, then their members."""
    rng = np.random.default_rng(seed)
    pos = np.zeros((n, 2))
    if n == 0:
        return pos
    k = sizes.size
    radii = np.sqrt(sizes.astype(np.float64)) * 1.2 + 1.0
    centers = np.zeros((k, 2))
    if k > 1:
        cs, cd = community[src].astype(np.int64), community[dst].astype(np.int64)
        keep = (cs >= 0) & (cd >= 0) & (cs != cd)
        lo, hi = np.minimum(cs[keep], cd[keep]), np.maximum(cs[keep], cd[keep])
        per_pair = np.bincount(lo * k + hi, minlength=k * k)
        found = np.flatnonzero(per_pair)
        pairs = np.column_stack([found // k, found % k])
        counts = per_pair[found].astype(np.float64)
        cg = ig.Graph(n=k, edges=pairs.tolist(), directed=False)
        start = rng.uniform(-1, 1, (k, 2)) * np.sqrt(sizes.sum())
        centers = _fr(cg, start, 300, np.log1p(counts).tolist() if len(pairs) else None)
        spread = float(np.abs(centers).max()) or 1.0
        centers *= (radii.sum() / 2) / spread
        centers = _push_apart(centers, radii, gap=2.0)
    order = np.argsort(community, kind="stable")
    bounds = np.searchsorted(community[order], np.arange(k + 1))
    intra = community[src] == community[dst]
    for c in range(k):
        members = order[bounds[c] : bounds[c + 1]]
        local = np.full(n, -1, dtype=np.int64)
        local[members] = np.arange(members.size)
        mine = intra & (community[src] == c)
        sub = ig.Graph(
            n=members.size,
            edges=np.column_stack([local[src[mine]], local[dst[mine]]]).tolist(),
            directed=False,
        )
        start = rng.uniform(-1, 1, (members.size, 2)) * np.sqrt(members.size)
        inner = _fr(sub, start, _FR_ITERATIONS) if members.size > 1 else start[:1] * 0
        pos[members] = _fit_disc(inner, radii[c] - 0.5) + centers[c]
    loose = np.flatnonzero(community < 0)
    if loose.size:
        if k:
            middle = centers.mean(axis=0)
            outer = float(np.sqrt(((centers - middle) ** 2).sum(axis=1)).max() + radii.max())
        else:
            middle, outer = np.zeros(2), 0.0
        ring = outer + 3.0 + np.sqrt(loose.size) * 0.3
        angle = np.linspace(0, 2 * np.pi, loose.size, endpoint=False) + rng.uniform(0, 0.1)
        wobble = rng.uniform(-1.0, 1.0, loose.size)
        pos[loose, 0] = middle[0] + (ring + wobble) * np.cos(angle)
        pos[loose, 1] = middle[1] + (ring + wobble) * np.sin(angle)
    return _to_extent(pos)


def _to_extent(pos: F64) -> F64:
    low = pos.min(axis=0)
    span = float((pos.max(axis=0) - low).max())
    if span <= 0:
        return np.full_like(pos, EXTENT / 2)
    margin = EXTENT * 0.03
    out = (pos - low) * ((EXTENT - 2 * margin) / span) + margin
    # centre the shorter axis
    out += (EXTENT - out.max(axis=0) - out.min(axis=0)) / 2
    rounded: F64 = np.round(out, 1)
    return rounded


def compute(
    n: int, src: I32, dst: I32, *, seed: int = 1, algorithm: Algorithm = "leiden"
) -> MapShape:
    """Communities (largest first) and a layout of ``n`` points with edges ``src``-``dst``."""
    raw, q = detect(n, src, dst, seed=seed, algorithm=algorithm)
    community, sizes = _ranked(raw)
    with _seeded(seed):
        pos = layout(n, src, dst, community, sizes, seed)
    return MapShape(community, sizes, pos[:, 0].copy(), pos[:, 1].copy(), q, algorithm)
