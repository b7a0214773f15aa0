"""Queries about one member's wider network, as functions over one :class:`State`.

The 2nd degree, suggestions ranked by mutual connections, and the sizes of the 1st,
2nd and 3rd-degree networks (exact, or a HyperLogLog estimate of the 3rd).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from . import _hll
from ._csr import EMPTY, I32, I64
from ._sets import B8, Scratch, clear_marks, member, rle, set_marks
from ._state import State, gather, nbrs, volume

# Above this many adjacency entries to scan, reach() estimates the 3rd degree.
DEFAULT_EXACT_REACH_WORK = 4_000_000


Counts = tuple[int, int, int, bool, float]
"""``Reach``'s fields: first, second, third, third_estimated, third_relative_error."""


def two_ball(
    st: State, mark: B8, a: int, nv: I32, dense_fraction: float
) -> tuple[I32 | None, int, NDArray[np.intp]]:
    """Mark the distance-2 set of ``a`` (``nv``: its list) in ``mark``.

    Returns ``(sorted ids or None, size, gathered)``; when ids is None the set is
    only in the marks (dense case: more than ``num_nodes * dense_fraction`` gathered
    entries). The caller must clear ``mark[gathered]`` (or the whole mark array).
    """
    dense_above = int(st.num_nodes * dense_fraction)
    cat, _ = gather(st, nv)
    wide = cat.astype(np.intp)
    mark[wide] = True
    set_marks(mark, nv, False)
    mark[a] = False
    if cat.size > dense_above:
        size = int(np.count_nonzero(mark[: st.num_nodes]))
        return None, size, wide
    vals, _ = rle(np.sort(cat))
    ids = vals[mark.take(vals)]
    return ids, int(ids.size), wide


def second_degree(st: State, scratch: Scratch, a: int, dense_fraction: float) -> I32:
    """Members at distance exactly 2 from ``a``, sorted."""
    nv = nbrs(st, a)
    if nv.size == 0:
        return EMPTY
    mark = scratch.get(st.num_nodes)
    ids, _, cat = two_ball(st, mark, a, nv, dense_fraction)
    try:
        if ids is None:
            ids = np.flatnonzero(mark[: st.num_nodes]).astype(np.int32)
    finally:
        clear_marks(mark, cat, st.num_nodes)
    return ids


def suggestions(
    st: State, a: int, limit: int, ex: I64 | None, dense_fraction: float
) -> list[tuple[int, int]]:
    """The ``limit`` 2nd-degree members outside ``ex`` with the most mutual connections."""
    nv = nbrs(st, a)
    if nv.size == 0:
        return []
    cat, _ = gather(st, nv)
    if cat.size > st.num_nodes * dense_fraction / 8:
        ids, counts = _top_counted(cat, nv, a, ex, limit)
    else:
        ids, counts = _top_sorted(cat, nv, a, ex, limit)
    order = np.lexsort((ids, -counts))[:limit]
    return list(zip(ids[order].tolist(), counts[order].tolist(), strict=True))


def _top_sorted(cat: I32, nv: I32, a: int, ex: I64 | None, limit: int) -> tuple[I32, I64]:
    """At least the ``limit`` most frequent values of ``cat`` outside ``nv``, ``a``, ``ex``.

    Sorts ``cat``: the cheaper way for a few thousand entries.
    """
    ids, counts = rle(np.sort(cat))
    drop = member(nv, ids) | (ids == a)
    if ex is not None and ex.size:
        drop |= member(ex, ids)
    keep = ~drop
    ids, counts = ids[keep], counts[keep]
    if ids.size > limit:
        kth = int(-np.partition(-counts, limit - 1)[limit - 1])
        above = np.flatnonzero(counts > kth)
        ties = np.flatnonzero(counts == kth)[: limit - above.size]
        sel = np.concatenate([above, ties])
        ids, counts = ids[sel], counts[sel]
    return ids, counts


def _top_counted(cat: I32, nv: I32, a: int, ex: I64 | None, limit: int) -> tuple[I32, I64]:
    """What :func:`_top_sorted` returns, by counting instead of sorting.

    ``bincount`` gives every id's frequency in two linear passes; a histogram of
    those frequencies gives the count ``t`` of the ``limit``-th best id, and only
    the entries at or above ``t`` are sorted (ties at ``t`` by smallest id).
    """
    cnt = np.bincount(cat)
    m = cnt.size
    cnt[nv[nv < m]] = 0
    if a < m:
        cnt[a] = 0
    if ex is not None and ex.size:
        cnt[ex[ex < m]] = 0
    per_entry = cnt.take(cat)
    hist = np.bincount(per_entry)  # entries whose id occurs k times; k ids per id
    if hist.size <= 1:
        return EMPTY, np.zeros(0, dtype=np.int64)
    ids_with = hist[1:] // np.arange(1, hist.size)
    at_least = np.cumsum(ids_with[::-1])[::-1]  # at_least[k - 1]: ids occurring >= k times
    enough = np.flatnonzero(at_least >= limit)
    t = int(enough[-1]) + 1 if enough.size else 1
    above = np.unique(cat[per_entry > t])
    need = limit - above.size  # >= 1: fewer than limit ids occur more than t times
    tie = cat[per_entry == t]  # each of these ids occurs exactly t times here
    if tie.size > need * t:
        tie = np.partition(tie, need * t - 1)[: need * t]
    tie = np.unique(tie)[:need]
    ids = np.concatenate([above, tie]).astype(np.int32, copy=False)
    return ids, cnt.take(ids)


def reach(
    st: State,
    scratch: Scratch,
    a: int,
    *,
    exact_work: int,
    dense_fraction: float,
    sketch_of: Callable[[State], NDArray[np.uint8]],
) -> Counts:
    """Sizes of ``a``'s 1st, 2nd and 3rd-degree networks, as ``Counts``.

    The 3rd degree is exact while the 2nd-degree members' lists hold at most
    ``exact_work`` entries; above that it is estimated from the sketches that
    ``sketch_of(st)`` returns.
    """
    nv = nbrs(st, a)
    if nv.size == 0:
        return 0, 0, 0, False, 0.0
    mark = scratch.get(st.num_nodes)
    ids, second, cat = two_ball(st, mark, a, nv, dense_fraction)
    try:
        if ids is None:
            ids = np.flatnonzero(mark[: st.num_nodes]).astype(np.int32)
        if volume(st, ids) <= exact_work:
            set_marks(mark, nv, True)
            mark[a] = True
            # The 2-ball is marked; mark its neighbours too and count the new marks.
            cat3, _ = gather(st, ids)
            set_marks(mark, cat3, True)
            ball3 = int(np.count_nonzero(mark[: st.num_nodes]))
            third = ball3 - (1 + int(nv.size) + second)
            return int(nv.size), second, third, False, 0.0
    finally:
        mark[:] = False
    return _estimated_reach(st, sketch_of(st), a, nv, ids, second)


def _estimated_reach(
    st: State, sketch: NDArray[np.uint8], a: int, nv: I32, ids: I32, second: int
) -> Counts:
    """Counts with the 3rd degree estimated from the union of the 2-ball's sketches.

    Members in the overlay, or added since the sketches were built, are sketched
    from their current lists.
    """
    ball2 = np.concatenate([ids, nv, np.array([a], dtype=np.int32)]).astype(np.int64)
    ov = st.overlay
    stale = np.zeros(ball2.size, dtype=np.bool_)
    if ov:
        stale = np.fromiter((x in ov for x in ball2.tolist()), dtype=np.bool_, count=ball2.size)
    stale |= ball2 >= sketch.shape[0]
    regs = _hll.union_rows(sketch, ball2[~stale])
    for x in ball2[stale].tolist():
        np.maximum(regs, _hll.row_of(x, nbrs(st, x)), out=regs)
    size2 = 1 + int(nv.size) + second
    # The 3-ball holds the 2-ball and cannot exceed the id space.
    est_ball3 = min(max(_hll.estimate(regs), float(size2)), float(st.num_nodes))
    third = max(0, round(est_ball3) - size2)
    rel = _hll.STD_ERROR * est_ball3 / max(third, 1)
    return int(nv.size), second, third, True, float(min(rel, math.inf))
