"""The in-memory connection graph: CSR base + copy-on-write overlay, numpy kernels."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _csr, _hll
from ._cache import BallCache, Builder
from ._csr import EMPTY, I32, I64
from ._sets import (
    Scratch,
    clear_marks,
    intersect,
    member,
    rle,
    segment_any,
    segment_count,
    set_marks,
)
from ._state import State, Store, check_id, gather, nbrs, read_snapshot, volume

__all__ = ["OUT_OF_NETWORK", "NetworkEngine", "Reach"]

OUT_OF_NETWORK = 0
"""What :meth:`NetworkEngine.degree` returns beyond the 3rd degree (and for ``a == b``)."""


# Above this many adjacency entries to scan, reach() estimates the 3rd degree.
DEFAULT_EXACT_REACH_WORK = 4_000_000


@dataclass(frozen=True, slots=True)
class Reach:
    """How many members a member reaches at each distance.

    Attributes
    ----------
    first, second : int
        Exact counts of members at distance 1 and exactly 2.
    third : int
        Members at distance exactly 3, exact or a HyperLogLog estimate.
    third_estimated : bool
        Whether ``third`` is an estimate.
    third_relative_error : float
        One standard error of ``third`` relative to ``third`` (0.0 when exact).

    Examples
    --------
    >>> NetworkEngine.from_edges([1, 2, 3], [2, 3, 4]).reach(1)
    Reach(first=1, second=1, third=1, third_estimated=False, third_relative_error=0.0)
    """

    first: int
    second: int
    third: int
    third_estimated: bool
    third_relative_error: float


# degrees(): neighbours per target examined before the rest (a hit usually comes early).
_PREFIX = 24
# degrees() without a 2nd-degree set: neighbours per target expanded first, and how the
# number grows from one round to the next.
_EXPAND_FIRST = 2
_EXPAND_GROWTH = 2
# degrees(): a viewer whose connections hold more adjacency entries than this is answered
# without a 2nd-degree set on a cache miss, and the set is built in the background.
DEFAULT_INLINE_BALL_VOLUME = 150_000


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


class NetworkEngine:
    """The connection graph of a community, held in memory and queried in microseconds.

    Member ids are non-negative ints (database ids) used directly as node indices; a
    member the engine has never seen is simply an isolated node. The graph is a
    compressed-sparse-row base (sorted int32 neighbour lists) plus an overlay holding
    the full, sorted neighbour list of every member changed since the last
    :meth:`compact`. Queries are safe from any number of threads while one or more
    threads apply changes; see ``docs/network.md``.

    Parameters
    ----------
    indptr, indices
        The base CSR (row ``i`` is ``indices[indptr[i]:indptr[i + 1]]``, sorted, both
        directions stored). Normally built by :meth:`from_edges` or :meth:`load`.
    num_edges
        Number of undirected connections in the base.
    cache_size
        How many viewers' 2nd-degree sets :meth:`degrees` keeps (LRU).

    Examples
    --------
    >>> eng = NetworkEngine.from_edges([1, 2, 3], [2, 3, 4])
    >>> eng.degree(1, 4)
    3
    >>> eng.connect(1, 3)
    >>> eng.degree(1, 4)
    2
    """

    def __init__(
        self,
        indptr: I64,
        indices: I32,
        *,
        num_edges: int | None = None,
        num_nodes: int | None = None,
        cache_size: int = 4096,
        sketch: NDArray[np.uint8] | None = None,
    ) -> None:
        self._cache = BallCache(cache_size)
        self._store = Store(
            indptr,
            indices,
            num_edges=num_edges,
            num_nodes=num_nodes,
            sketch=sketch,
            on_change=self._cache.invalidate,
        )
        self._builder = Builder(self._store, self._cache)
        self._scratch = Scratch()
        self.exact_reach_work = DEFAULT_EXACT_REACH_WORK
        """Adjacency entries reach() may scan exactly before switching to HyperLogLog."""
        self.dense_fraction = 1.0 / 16.0
        """Above ``num_nodes * dense_fraction`` gathered entries, 2-balls use a full mark scan.

        Suggestions count with ``bincount`` above an eighth of that, and sort below."""
        self.inline_ball_volume = DEFAULT_INLINE_BALL_VOLUME
        """Largest 2-ball (in gathered entries) :meth:`degrees` builds inside a call."""

    @property
    def background_quiet_s(self) -> float:
        """Background 2nd-degree builds step only with no query in flight for this long."""
        return self._builder.quiet_s

    @background_quiet_s.setter
    def background_quiet_s(self, seconds: float) -> None:
        self._builder.quiet_s = seconds

    @property
    def background_max_wait_s(self) -> float:
        """Under constant load a background build still takes a step this often."""
        return self._builder.max_wait_s

    @background_max_wait_s.setter
    def background_max_wait_s(self, seconds: float) -> None:
        self._builder.max_wait_s = seconds

    # ------------------------------------------------------------------ building
    @classmethod
    def from_edges(
        cls,
        a: ArrayLike,
        b: ArrayLike,
        *,
        num_nodes: int | None = None,
        cache_size: int = 4096,
    ) -> NetworkEngine:
        """Build an engine from undirected pairs ``a[i] - b[i]``.

        Duplicates (in either orientation) and self-loops are dropped.

        Parameters
        ----------
        a, b : array_like of int
            Endpoints, same length.
        num_nodes : int, optional
            Minimum node capacity (ids ``0 .. num_nodes - 1``).
        cache_size : int
            Viewers whose 2nd-degree set :meth:`degrees` caches.

        Returns
        -------
        NetworkEngine

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1, 2, 2, 3], [2, 1, 3, 3])
        >>> eng.num_edges, eng.num_nodes
        (2, 4)
        """
        indptr, indices, n = _csr.build_csr(a, b, num_nodes)
        return cls(indptr, indices, num_nodes=n, cache_size=cache_size)

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], *, mmap: bool = True, cache_size: int = 4096
    ) -> NetworkEngine:
        """Open a snapshot written by :meth:`save`.

        Parameters
        ----------
        path : path-like
            The snapshot file, or a directory holding ``network.snapshot``.
        mmap : bool
            Memory-map the arrays (near-instant; pages are read on first use) instead
            of reading them into memory.

        Examples
        --------
        >>> import tempfile
        >>> d = tempfile.mkdtemp()
        >>> NetworkEngine.from_edges([1], [2]).save(d)
        >>> NetworkEngine.load(d).neighbors(1).tolist()
        [2]
        """
        arrays, meta = read_snapshot(path, mmap=mmap)
        return cls(
            arrays["indptr"],
            arrays["indices"],
            num_edges=int(meta["num_edges"]),
            num_nodes=int(meta["num_nodes"]),
            cache_size=cache_size,
            sketch=arrays.get("sketch"),
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a snapshot of the current graph (base and overlay merged), atomically.

        The file is written next to its destination and renamed into place, so a
        reader of ``path`` sees the old snapshot or the new one, never a mix.
        Concurrent changes are allowed; the snapshot holds the graph as it was when
        the call started.

        Examples
        --------
        >>> import tempfile, os
        >>> d = tempfile.mkdtemp()
        >>> NetworkEngine.from_edges([1], [2]).save(os.path.join(d, "g.snapshot"))
        >>> NetworkEngine.load(os.path.join(d, "g.snapshot")).num_edges
        1
        """
        self._store.save(path)

    # ------------------------------------------------------------------ changes
    def connect(self, a: int, b: int) -> None:
        """Record the connection ``a - b`` (no-op if it exists).

        Raises
        ------
        ValueError
            If ``a == b`` or an id is negative.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([], [])
        >>> eng.connect(5, 7)
        >>> eng.is_connected(7, 5), eng.num_nodes
        (True, 8)
        """
        a, b = check_id(a), check_id(b)
        if a == b:
            raise ValueError("a member cannot connect to themselves")
        self._store.connect(a, b)

    def disconnect(self, a: int, b: int) -> None:
        """Remove the connection ``a - b`` (no-op if absent). Blocks use this too.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1], [2])
        >>> eng.disconnect(2, 1)
        >>> eng.is_connected(1, 2)
        False
        """
        a, b = check_id(a), check_id(b)
        self._store.disconnect(a, b)

    def remove_node(self, a: int) -> None:
        """Drop every connection of ``a`` (account deletion).

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1, 1], [2, 3])
        >>> eng.remove_node(1)
        >>> eng.num_edges, eng.connection_count(2)
        (0, 0)
        """
        a = check_id(a)
        self._store.remove_node(a)

    def compact(self) -> None:
        """Merge the overlay into a fresh CSR base without blocking readers.

        The new arrays are built from a frozen copy of the overlay while queries and
        changes go on; then, under the write lock, the new base is swapped in and
        only the overlay rows changed meanwhile are kept.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1], [2])
        >>> eng.connect(2, 3)
        >>> eng.overlay_size
        2
        >>> eng.compact()
        >>> eng.overlay_size, eng.neighbors(2).tolist()
        (0, [1, 3])
        """
        self._store.compact()

    # ------------------------------------------------------------------ properties
    @property
    def overlay_size(self) -> int:
        """Number of members whose neighbour lists live in the overlay.

        Examples
        --------
        >>> NetworkEngine.from_edges([1], [2]).overlay_size
        0
        """
        return len(self._store.state.overlay)

    @property
    def num_nodes(self) -> int:
        """Node capacity: the largest id seen plus one.

        Examples
        --------
        >>> NetworkEngine.from_edges([1], [9]).num_nodes
        10
        """
        return self._store.state.num_nodes

    @property
    def num_edges(self) -> int:
        """Number of (undirected) connections.

        Examples
        --------
        >>> NetworkEngine.from_edges([1, 1], [2, 3]).num_edges
        2
        """
        return self._store.num_edges

    @property
    def nbytes(self) -> int:
        """Bytes held by the base arrays (CSR and sketches, excluding overlay and cache).

        Examples
        --------
        >>> NetworkEngine.from_edges([1], [2]).nbytes  # 4 int64 offsets + 2 int32 entries
        40
        """
        st = self._store.state
        extra = 0 if st.sketch is None else int(st.sketch.nbytes)
        return int(st.indptr.nbytes + st.indices.nbytes) + extra

    # ------------------------------------------------------------------ queries
    def connection_count(self, a: int) -> int:
        """Number of connections of ``a``.

        Examples
        --------
        >>> NetworkEngine.from_edges([1, 1], [2, 3]).connection_count(1)
        2
        """
        a = check_id(a)
        return self._store.read(lambda st, _seq: int(nbrs(st, a).size))

    def neighbors(self, a: int) -> I32:
        """Connections of ``a``, sorted ascending (a read-only array).

        Examples
        --------
        >>> NetworkEngine.from_edges([3, 1], [2, 2]).neighbors(2).tolist()
        [1, 3]
        """
        a = check_id(a)
        return self._store.read(lambda st, _seq: nbrs(st, a))

    def is_connected(self, a: int, b: int) -> bool:
        """Whether ``a`` and ``b`` are connected.

        Examples
        --------
        >>> NetworkEngine.from_edges([1], [2]).is_connected(2, 1)
        True
        """
        a, b = check_id(a), check_id(b)
        return self._store.read(self._k_is_connected, a, b)

    def _k_is_connected(self, st: State, _seq: int, a: int, b: int) -> bool:
        na = nbrs(st, a)
        p = int(np.searchsorted(na, b))
        return p < na.size and int(na[p]) == b

    def degree(self, a: int, b: int) -> int:
        """Degree of ``b`` from ``a``: 1, 2, 3 or :data:`OUT_OF_NETWORK` (0).

        The closest distance wins. ``degree(a, a)`` is ``OUT_OF_NETWORK``: a member
        is not in their own network.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1, 2, 3, 4], [2, 3, 4, 5])
        >>> [eng.degree(1, x) for x in (1, 2, 3, 4, 5)]
        [0, 1, 2, 3, 0]
        """
        a, b = check_id(a), check_id(b)
        return self._store.read(self._k_degree, a, b)

    def _k_degree(self, st: State, _seq: int, a: int, b: int) -> int:
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
        mark = self._scratch.get(st.num_nodes)
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

    # 2-balls ---------------------------------------------------------------
    def _second(self, st: State, a: int, nv: I32) -> tuple[I32 | None, int, NDArray[np.intp]]:
        """Mark the distance-2 set of ``a`` in the scratch marks.

        Returns ``(sorted ids or None, size, gathered)``; when ids is None the set is
        only in the marks (dense case). The caller must clear ``mark[gathered]`` (or
        the whole mark array).
        """
        mark = self._scratch.get(st.num_nodes)
        dense_above = int(st.num_nodes * self.dense_fraction)
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

    def wait_for_background(self, timeout: float | None = None) -> bool:
        """Wait until queued 2nd-degree builds are done; ``False`` on timeout.

        :meth:`degrees` answers a cache miss for a viewer with a very large
        neighbourhood directly and builds that viewer's 2nd-degree set in a
        background thread; this waits for those builds (tests, shutdown).

        Examples
        --------
        >>> NetworkEngine.from_edges([1], [2]).wait_for_background(timeout=1.0)
        True
        """
        return self._builder.wait(timeout)

    def degrees(self, viewer: int, targets: ArrayLike) -> NDArray[np.int8]:
        """Degrees of many targets from one viewer (a page of badges).

        Uses the viewer's cached 2nd-degree set (bounded LRU of ``cache_size``
        viewers, dropped when a change touches it). On a cache miss the set is built
        inside the call, unless the viewer's connections hold more than
        ``inline_ball_volume`` adjacency entries: then the page is answered directly
        and the set is built for the pages that follow by a background thread that
        works only while no query is running (:meth:`wait_for_background` waits for
        it). Same semantics as :meth:`degree`.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1, 2, 3, 4], [2, 3, 4, 5])
        >>> eng.degrees(1, [2, 3, 4, 5, 1, 99]).tolist()
        [1, 2, 3, 0, 0, 0]
        """
        v = check_id(viewer)
        t = _csr.as_ids(targets, "targets")
        return self._store.read(self._k_degrees, v, t)

    def _k_degrees(self, st: State, seq: int, v: int, t: I64) -> NDArray[np.int8]:
        out = np.zeros(t.size, dtype=np.int8)
        nv = nbrs(st, v)
        if nv.size == 0 or t.size == 0:
            return out
        if int(t.max()) >= st.num_nodes:  # ids never seen are out of network
            known = np.flatnonzero(t < st.num_nodes)
            out[known] = self._k_degrees(st, seq, v, t[known])
            return out
        ball = self._cache.get(v)
        if ball is None:
            if volume(st, nv) > self.inline_ball_volume:
                if self._cache.size > 0:
                    self._builder.queue(v)
                return self._degrees_direct(st, v, nv, t, out)
            ball = self._cache.get_or_build(self._store, st, seq, self._scratch, v)
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
        self,
        st: State,
        v: int,
        nv: I32,
        t: I64,
        out: NDArray[np.int8],
        first: int = _EXPAND_FIRST,
        growth: int = _EXPAND_GROWTH,
    ) -> NDArray[np.int8]:
        """A page of degrees without ``S2(v)``: cheap when ``v``'s neighbourhood is large.

        With ``N(v)`` marked, a target is at distance 2 when one of its neighbours is
        marked, and at distance 3 when a neighbour of one of its neighbours is. The
        larger ``S2(v)`` is, the sooner a target's neighbours hit it, so the targets'
        neighbours are expanded in growing chunks (2, 4, 8, ...) per target.
        """
        mark = self._scratch.get(st.num_nodes)
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
            starts = np.cumsum(lengths) - lengths
            keep = ~found
            rest, lengths, starts = rest[keep], lengths[keep], starts[keep]
            done, step = 0, first
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
                out[rest[found]] = 3
                more = ~found & (done + step < lengths)
                rest, lengths, starts = rest[more], lengths[more], starts[more]
                done, step = done + step, step * growth
        finally:
            mark[nvw] = False
        return out

    def mutual_count(self, a: int, b: int) -> int:
        """Number of shared connections of ``a`` and ``b``.

        Examples
        --------
        >>> NetworkEngine.from_edges([1, 1, 2, 2], [3, 4, 3, 4]).mutual_count(1, 2)
        2
        """
        a, b = check_id(a), check_id(b)
        return self._store.read(self._k_mutual_count, a, b)

    def _k_mutual_count(self, st: State, _seq: int, a: int, b: int) -> int:
        x, y = nbrs(st, a), nbrs(st, b)
        if x.size > y.size:
            x, y = y, x
        if x.size == 0:
            return 0
        if x.size * 16 < y.size:  # a few against many: binary search of the few
            pos = np.searchsorted(y, x)
            return int(np.count_nonzero(y.take(pos, mode="clip") == x))
        # comparable sizes: mark one list, look the other up (two linear passes)
        mark = self._scratch.get(st.num_nodes)
        set_marks(mark, x, True)
        try:
            return int(np.count_nonzero(mark.take(y)))
        finally:
            set_marks(mark, x, False)

    def mutual_counts(self, viewer: int, targets: ArrayLike) -> NDArray[np.int32]:
        """Shared-connection counts between ``viewer`` and each target.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1, 1, 2, 2, 5], [3, 4, 3, 4, 3])
        >>> eng.mutual_counts(1, [2, 5, 7]).tolist()
        [2, 1, 0]
        """
        v = check_id(viewer)
        t = _csr.as_ids(targets, "targets")
        return self._store.read(self._k_mutual_counts, v, t)

    def _k_mutual_counts(self, st: State, _seq: int, v: int, t: I64) -> NDArray[np.int32]:
        nv = nbrs(st, v)
        if nv.size == 0 or t.size == 0:
            return np.zeros(t.size, dtype=np.int32)
        mark = self._scratch.get(st.num_nodes)
        set_marks(mark, nv, True)
        try:
            cat, lengths = gather(st, t)
            counts = segment_count(mark.take(cat), lengths)
        finally:
            set_marks(mark, nv, False)
        return counts.astype(np.int32)

    def mutual(self, a: int, b: int, *, offset: int = 0, limit: int = 20) -> I32:
        """Shared connections of ``a`` and ``b``, sorted by id, one page.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1, 1, 1, 2, 2, 2], [3, 4, 5, 3, 4, 5])
        >>> eng.mutual(1, 2, offset=1, limit=5).tolist()
        [4, 5]
        """
        a, b = check_id(a), check_id(b)
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be non-negative")
        return self._store.read(
            lambda st, _seq: intersect(nbrs(st, a), nbrs(st, b))[offset : offset + limit]
        )

    def second_degree(self, a: int) -> I32:
        """Members at distance exactly 2 from ``a``, sorted.

        Examples
        --------
        >>> NetworkEngine.from_edges([1, 2, 2, 3], [2, 3, 4, 5]).second_degree(1).tolist()
        [3, 4]
        """
        a = check_id(a)
        return self._store.read(self._k_second_degree, a)

    def _k_second_degree(self, st: State, _seq: int, a: int) -> I32:
        nv = nbrs(st, a)
        if nv.size == 0:
            return EMPTY
        ids, _, cat = self._second(st, a, nv)
        try:
            if ids is None:
                ids = np.flatnonzero(self._scratch.get(st.num_nodes)[: st.num_nodes]).astype(
                    np.int32
                )
        finally:
            clear_marks(self._scratch.get(st.num_nodes), cat, st.num_nodes)
        return ids

    def suggestions(
        self, a: int, *, limit: int = 20, exclude: ArrayLike | None = None
    ) -> list[tuple[int, int]]:
        """People you may know: 2nd-degree members ranked by mutual count.

        Ranked by mutual connections (descending), ties by smaller id; ids in
        ``exclude`` (pending invitations, blocks, dismissals...) are left out.

        Returns
        -------
        list of (member_id, mutual_count)

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1, 1, 2, 3, 2], [2, 3, 4, 4, 5])
        >>> eng.suggestions(1)
        [(4, 2), (5, 1)]
        >>> eng.suggestions(1, exclude=[4])
        [(5, 1)]
        """
        a = check_id(a)
        ex = None if exclude is None else np.sort(_csr.as_ids(exclude, "exclude"))
        if limit <= 0:
            return []
        return self._store.read(self._k_suggestions, a, limit, ex)

    def _k_suggestions(
        self, st: State, _seq: int, a: int, limit: int, ex: I64 | None
    ) -> list[tuple[int, int]]:
        nv = nbrs(st, a)
        if nv.size == 0:
            return []
        cat, _ = gather(st, nv)
        if cat.size > st.num_nodes * self.dense_fraction / 8:
            ids, counts = _top_counted(cat, nv, a, ex, limit)
        else:
            ids, counts = _top_sorted(cat, nv, a, ex, limit)
        order = np.lexsort((ids, -counts))[:limit]
        return list(zip(ids[order].tolist(), counts[order].tolist(), strict=True))

    def intro_paths(self, a: int, b: int, *, limit: int = 5) -> list[tuple[int, ...]]:
        """Shortest introduction paths ``(a, ..., b)`` to a 2nd or 3rd-degree member.

        Best first: the intermediary next to ``a`` with the most mutual connections
        with ``a``; for 3-hop paths then the second intermediary with the most mutual
        connections with ``a``; then smaller ids. ``[]`` for a 1st-degree or
        out-of-network member.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1, 1, 2, 3, 2, 4], [2, 3, 3, 5, 4, 6])
        >>> eng.intro_paths(1, 5)
        [(1, 3, 5)]
        >>> eng.intro_paths(1, 6)
        [(1, 2, 4, 6)]
        """
        a, b = check_id(a), check_id(b)
        if limit <= 0:
            return []
        return self._store.read(self._k_intro_paths, a, b, limit)

    def _k_intro_paths(
        self, st: State, seq: int, a: int, b: int, limit: int
    ) -> list[tuple[int, ...]]:
        d = self._k_degree(st, seq, a, b)
        na, nb = nbrs(st, a), nbrs(st, b)
        if d == 2:
            xs = intersect(na, nb)
            m = self._k_mutual_counts(st, seq, a, xs.astype(np.int64))
            order = np.lexsort((xs, -m))[:limit]
            return [(a, int(x), b) for x in xs[order].tolist()]
        if d != 3:
            return []
        mark = self._scratch.get(st.num_nodes)
        set_marks(mark, nb, True)
        try:
            cat, lengths = gather(st, na)
            touching = segment_any(mark.take(cat), lengths)
        finally:
            set_marks(mark, nb, False)
        xs = na[touching]
        mx = self._k_mutual_counts(st, seq, a, xs.astype(np.int64))
        order = np.lexsort((xs, -mx))
        xs, mx = xs[order], mx[order]
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
            my = self._k_mutual_counts(st, seq, a, gy.astype(np.int64))
            o = np.lexsort((gy, gx, -my))
            for x, y in zip(gx[o].tolist(), gy[o].tolist(), strict=True):
                paths.append((a, x, y, b))
            i = j
        return paths[:limit]

    def reach(self, a: int) -> Reach:
        """Sizes of ``a``'s 1st, 2nd and 3rd-degree networks.

        The 1st and 2nd degree are exact. The 3rd degree is exact while the 2nd-degree
        members' neighbour lists hold at most ``exact_reach_work`` entries (4,000,000 by
        default); above that it is a HyperLogLog estimate (128 registers per member,
        standard error 1.04/sqrt(128) = 9.2 % of the 3-ball size), see docs/network.md.

        Examples
        --------
        >>> NetworkEngine.from_edges([1, 2, 2, 3], [2, 3, 4, 5]).reach(1)
        Reach(first=1, second=2, third=1, third_estimated=False, third_relative_error=0.0)
        """
        a = check_id(a)
        return self._store.read(self._k_reach, a)

    def _k_reach(self, st: State, _seq: int, a: int) -> Reach:
        nv = nbrs(st, a)
        if nv.size == 0:
            return Reach(0, 0, 0, False, 0.0)
        mark = self._scratch.get(st.num_nodes)
        ids, second, cat = self._second(st, a, nv)
        try:
            if ids is None:
                ids = np.flatnonzero(mark[: st.num_nodes]).astype(np.int32)
            work = volume(st, ids)
            if work <= self.exact_reach_work:
                set_marks(mark, nv, True)
                mark[a] = True
                # The 2-ball is marked; mark its neighbours too and count the new marks.
                cat3, _ = gather(st, ids)
                set_marks(mark, cat3, True)
                ball3 = int(np.count_nonzero(mark[: st.num_nodes]))
                third = ball3 - (1 + int(nv.size) + second)
                return Reach(int(nv.size), second, third, False, 0.0)
        finally:
            mark[:] = False
        sketch = self._store.sketch(st)
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
        return Reach(int(nv.size), second, third, True, float(min(rel, math.inf)))

    def build_sketches(self) -> None:
        """Build the HyperLogLog sketches now rather than on the first estimated reach.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1], [2])
        >>> eng.build_sketches()
        >>> eng.nbytes > 40
        True
        """
        self._store.read(lambda st, _seq: self._store.sketch(st))

    def degree_histogram(self) -> I64:
        """``h[k]`` = number of node ids with exactly ``k`` connections.

        Examples
        --------
        >>> NetworkEngine.from_edges([1, 1], [2, 3]).degree_histogram().tolist()
        [1, 2, 1]
        """

        def run(st: State, _seq: int) -> I64:
            deg = np.zeros(st.num_nodes, dtype=np.int64)
            deg[: st.n_base] = np.diff(st.indptr)
            for k, row in st.overlay.items():
                deg[k] = row.size
            return np.bincount(deg).astype(np.int64)

        return self._store.read(run)

    def csr(self) -> tuple[I64, I32]:
        """The whole graph at one moment as read-only CSR arrays ``(indptr, indices)``.

        Row ``i`` (``indices[indptr[i]:indptr[i + 1]]``) is member ``i``'s sorted
        connections, for every id below :attr:`num_nodes`. The base arrays are handed
        out without a copy when no change is pending in the overlay; otherwise the
        overlay is merged into fresh arrays (the engine itself is left as it is).
        Changes made meanwhile are not seen, and never block on this call.

        Examples
        --------
        >>> eng = NetworkEngine.from_edges([1], [2])
        >>> eng.connect(2, 3)
        >>> indptr, indices = eng.csr()
        >>> indptr.tolist(), indices.tolist()
        ([0, 0, 1, 3, 4], [2, 1, 3, 2])
        """
        return self._store.csr()

    def cache_info(self) -> dict[str, int]:
        """Cached viewers and their bytes.

        Examples
        --------
        >>> NetworkEngine.from_edges([1], [2]).cache_info()
        {'viewers': 0, 'bytes': 0, 'capacity': 4096}
        """
        return self._cache.info()
