"""Queries about two members or a page of members, as functions over one :class:`State`.

Degrees, shared connections and introduction paths. Every kernel reads only the
state it is given (see ``_state.Store.read``) and leaves the thread's mark array
all-False when it returns.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._cache import Ball
from ._csr import I32, I64
from ._sets import B8, Scratch, intersect, member, segment_any, segment_count, set_marks
from ._state import State, gather, nbrs, volume

OUT_OF_NETWORK = 0
"""What :meth:`NetworkEngine.degree` returns beyond the 3rd degree (and for ``a == b``)."""

# degrees(): neighbours per target examined before the rest (a hit usually comes early).
_PREFIX = 24
# degrees() without a 2nd-degree set: neighbours per target expanded first, and how the
# number grows from one round to the next.
_EXPAND_FIRST = 2
_EXPAND_GROWTH = 2


def is_connected(st: State, a: int, b: int) -> bool:
    """Whether ``b`` is in ``a``'s sorted list."""
    na = nbrs(st, a)
    p = int(np.searchsorted(na, b))
    return p < na.size and int(na[p]) == b


def degree(st: State, scratch: Scratch, a: int, b: int) -> int:
    """Distance from ``a`` to ``b``: 1, 2, 3 or :data:`OUT_OF_NETWORK`."""
    if a == b:
        return OUT_OF_NETWORK
    na, nb = nbrs(st, a), nbrs(st, b)
    if na.size == 0 or nb.size == 0:
        return OUT_OF_NETWORK
    p = int(np.searchsorted(na, b))
    if p < na.size and int(na[p]) == b:
        return 1
    small, big = (na, nb) if na.size <= nb.size else (nb, na)
    if member(big, small).any():
        return 2
    # Distance 3 iff some neighbour of one side's neighbours is a neighbour of the
    # other side: mark the side whose neighbourhood is cheaper to expand's opposite.
    if volume(st, na) > volume(st, nb):
        na, nb = nb, na
    mark = scratch.get(st.num_nodes)
    set_marks(mark, nb, True)
    try:
        step = 16
        i = 0
        while i < na.size:
            cat, _ = gather(st, na[i : i + step])
            if mark.take(cat).any():
                return 3
            i += step
            step *= 4
    finally:
        set_marks(mark, nb, False)
    return OUT_OF_NETWORK


def degrees(
    st: State, scratch: Scratch, v: int, nv: I32, t: I64, ball: Ball | None
) -> NDArray[np.int8]:
    """Degrees of the known targets ``t`` from ``v`` (``nv``: its non-empty list).

    From ``v``'s 2-ball when there is one, otherwise directly (:func:`_degrees_direct`).
    """
    out = np.zeros(t.size, dtype=np.int8)
    if ball is None:
        return _degrees_direct(st, scratch.get(st.num_nodes), v, nv, t, out)
    contains = ball.contains
    d1 = member(nv, t)
    d2 = contains(t) & ~d1
    out[d1] = 1
    out[d2] = 2
    rest = np.flatnonzero(~(d1 | d2) & (t != v))
    if rest.size:
        # Distance 3 iff a neighbour of the target is in S2. Check each target's
        # first few neighbours for all targets at once, then the rest of the lists
        # of the few targets still undecided.
        cat, lengths = gather(st, t[rest], _PREFIX)
        found = segment_any(contains(cat), lengths)
        out[rest[found]] = 3
        rest = rest[~found & (lengths == _PREFIX)]
        if rest.size:
            cat, lengths = gather(st, t[rest], skip=_PREFIX)
            found = segment_any(contains(cat), lengths)
            out[rest[found]] = 3
    return out


def _degrees_direct(
    st: State, mark: B8, v: int, nv: I32, t: I64, out: NDArray[np.int8]
) -> NDArray[np.int8]:
    """A page of degrees without ``S2(v)``: cheap when ``v``'s neighbourhood is large.

    With ``N(v)`` marked, a target is at distance 2 when one of its neighbours is
    marked, and at distance 3 when a neighbour of one of its neighbours is.
    """
    nvw = nv.astype(np.intp)
    mark[nvw] = True
    try:
        d1 = member(nv, t)
        out[d1] = 1
        rest = np.flatnonzero(~d1 & (t != v))
        if rest.size == 0:
            return out
        cat, lengths = gather(st, t[rest])
        found = segment_any(mark.take(cat), lengths)
        out[rest[found]] = 2
        keep = ~found
        starts = np.cumsum(lengths) - lengths
        third = _third_by_expanding(st, mark, cat, lengths[keep], starts[keep])
        out[rest[keep][third]] = 3
    finally:
        mark[nvw] = False
    return out


def _third_by_expanding(st: State, mark: B8, cat: I32, lengths: I64, starts: I64) -> B8:
    """Which targets have a neighbour with a marked neighbour.

    The targets' lists are the segments ``cat[starts[i]:starts[i] + lengths[i]]``.
    The larger ``S2(v)`` is, the sooner a target's neighbours hit it, so the lists
    are expanded in growing chunks (2, 4, 8, ...) per target.
    """
    hit = np.zeros(lengths.size, dtype=np.bool_)
    rest = np.arange(lengths.size)
    done, step = 0, _EXPAND_FIRST
    while rest.size:
        lo = np.minimum(lengths, done)
        take = np.minimum(lengths, done + step) - lo
        total = int(take.sum())
        if total == 0:
            break
        first = np.cumsum(take) - take
        picks = np.repeat(starts + lo - first, take) + np.arange(total)
        cat2, lengths2 = gather(st, cat.take(picks))
        via = segment_any(mark.take(cat2), lengths2)
        found = segment_any(via, take)
        hit[rest[found]] = True
        more = ~found & (done + step < lengths)
        rest, lengths, starts = rest[more], lengths[more], starts[more]
        done, step = done + step, step * _EXPAND_GROWTH
    return hit


def mutual_count(st: State, scratch: Scratch, a: int, b: int) -> int:
    """``|N(a) ∩ N(b)|``."""
    x, y = nbrs(st, a), nbrs(st, b)
    if x.size > y.size:
        x, y = y, x
    if x.size == 0:
        return 0
    if x.size * 16 < y.size:  # a few against many: binary search of the few
        pos = np.searchsorted(y, x)
        return int(np.count_nonzero(y.take(pos, mode="clip") == x))
    # comparable sizes: mark one list, look the other up (two linear passes)
    mark = scratch.get(st.num_nodes)
    set_marks(mark, x, True)
    try:
        return int(np.count_nonzero(mark.take(y)))
    finally:
        set_marks(mark, x, False)


def mutual_counts(st: State, scratch: Scratch, v: int, t: I64) -> NDArray[np.int32]:
    """``|N(v) ∩ N(t[i])|`` for every target."""
    nv = nbrs(st, v)
    if nv.size == 0 or t.size == 0:
        return np.zeros(t.size, dtype=np.int32)
    mark = scratch.get(st.num_nodes)
    set_marks(mark, nv, True)
    try:
        cat, lengths = gather(st, t)
        counts = segment_count(mark.take(cat), lengths)
    finally:
        set_marks(mark, nv, False)
    return counts.astype(np.int32)


def mutual(st: State, a: int, b: int, offset: int, limit: int) -> I32:
    """One page of ``N(a) ∩ N(b)``, sorted by id."""
    return intersect(nbrs(st, a), nbrs(st, b))[offset : offset + limit]


def intro_paths(st: State, scratch: Scratch, a: int, b: int, limit: int) -> list[tuple[int, ...]]:
    """The best ``limit`` shortest paths ``(a, ..., b)`` to a 2nd or 3rd-degree member."""
    d = degree(st, scratch, a, b)
    na, nb = nbrs(st, a), nbrs(st, b)
    if d == 2:
        xs = intersect(na, nb)
        m = mutual_counts(st, scratch, a, xs.astype(np.int64))
        order = np.lexsort((xs, -m))[:limit]
        return [(a, int(x), b) for x in xs[order].tolist()]
    if d != 3:
        return []
    mark = scratch.get(st.num_nodes)
    set_marks(mark, nb, True)
    try:
        cat, lengths = gather(st, na)
        touching = segment_any(mark.take(cat), lengths)
    finally:
        set_marks(mark, nb, False)
    xs = na[touching]
    mx = mutual_counts(st, scratch, a, xs.astype(np.int64))
    order = np.lexsort((xs, -mx))
    return _three_hop_paths(st, scratch, a, b, xs[order], mx[order], limit)


def _three_hop_paths(
    st: State, scratch: Scratch, a: int, b: int, xs: I32, mx: NDArray[np.int32], limit: int
) -> list[tuple[int, ...]]:
    """Paths ``(a, x, y, b)`` through the ranked first intermediaries ``xs``.

    ``xs`` is sorted by mutual count with ``a`` (``mx``, descending), then id; each
    group of equal counts is expanded and ranked by ``x``'s rank, then ``y``'s
    mutual count with ``a``, until ``limit`` paths are known.
    """
    nb = nbrs(st, b)
    paths: list[tuple[int, ...]] = []
    i = 0
    while i < xs.size and len(paths) < limit:
        j = i
        while j < xs.size and mx[j] == mx[i]:
            j += 1
        px: list[I32] = []
        py: list[I32] = []
        for x in xs[i:j].tolist():
            ys = intersect(nbrs(st, x), nb)
            px.append(np.full(ys.size, x, dtype=np.int32))
            py.append(ys)
        gx, gy = np.concatenate(px), np.concatenate(py)
        my = mutual_counts(st, scratch, a, gy.astype(np.int64))
        o = np.lexsort((gy, gx, -my))
        for x, y in zip(gx[o].tolist(), gy[o].tolist(), strict=True):
            paths.append((a, x, y, b))
        i = j
    return paths[:limit]
