"""The network engine's public face: :class:`NetworkEngine` delegating to its parts.

The state and its changes live in ``_state``, the 2nd-degree cache and its
background builds in ``_cache``, the query kernels in ``_kernels`` (pairs and pages)
and ``_reach`` (a member's wider network).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _csr, _kernels, _reach
from ._cache import BallCache, Builder
from ._csr import I32, I64
from ._kernels import OUT_OF_NETWORK
from ._reach import DEFAULT_EXACT_REACH_WORK
from ._sets import Scratch
from ._state import State, Store, check_id, degree_histogram, nbrs, read_snapshot, volume

__all__ = ["OUT_OF_NETWORK", "NetworkEngine", "Reach"]

# degrees(): a viewer whose connections hold more adjacency entries than this is answered
# without a 2nd-degree set on a cache miss, and the set is built in the background.
DEFAULT_INLINE_BALL_VOLUME = 150_000


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
        return self._store.read(lambda st, _seq: _kernels.is_connected(st, a, b))

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
        return self._store.read(lambda st, _seq: _kernels.degree(st, self._scratch, a, b))

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
        return self._store.read(self._degrees, v, t)

    def _degrees(self, st: State, seq: int, v: int, t: I64) -> NDArray[np.int8]:
        """A page of degrees; on a cache miss, ``v``'s 2-ball is built now or later."""
        nv = nbrs(st, v)
        if nv.size == 0 or t.size == 0:
            return np.zeros(t.size, dtype=np.int8)
        if int(t.max()) >= st.num_nodes:  # ids never seen are out of network
            out = np.zeros(t.size, dtype=np.int8)
            known = np.flatnonzero(t < st.num_nodes)
            out[known] = self._degrees(st, seq, v, t[known])
            return out
        ball = self._cache.get(v)
        if ball is None:
            if volume(st, nv) > self.inline_ball_volume:
                if self._cache.size > 0:
                    self._builder.queue(v)
            else:
                ball = self._cache.get_or_build(self._store, st, seq, self._scratch, v)
        return _kernels.degrees(st, self._scratch, v, nv, t, ball)

    def mutual_count(self, a: int, b: int) -> int:
        """Number of shared connections of ``a`` and ``b``.

        Examples
        --------
        >>> NetworkEngine.from_edges([1, 1, 2, 2], [3, 4, 3, 4]).mutual_count(1, 2)
        2
        """
        a, b = check_id(a), check_id(b)
        return self._store.read(lambda st, _seq: _kernels.mutual_count(st, self._scratch, a, b))

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
        return self._store.read(lambda st, _seq: _kernels.mutual_counts(st, self._scratch, v, t))

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
        return self._store.read(lambda st, _seq: _kernels.mutual(st, a, b, offset, limit))

    def second_degree(self, a: int) -> I32:
        """Members at distance exactly 2 from ``a``, sorted.

        Examples
        --------
        >>> NetworkEngine.from_edges([1, 2, 2, 3], [2, 3, 4, 5]).second_degree(1).tolist()
        [3, 4]
        """
        a = check_id(a)
        return self._store.read(
            lambda st, _seq: _reach.second_degree(st, self._scratch, a, self.dense_fraction)
        )

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
        return self._store.read(
            lambda st, _seq: _reach.suggestions(st, a, limit, ex, self.dense_fraction)
        )

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
        return self._store.read(
            lambda st, _seq: _kernels.intro_paths(st, self._scratch, a, b, limit)
        )

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
        counts = self._store.read(
            lambda st, _seq: _reach.reach(
                st,
                self._scratch,
                a,
                exact_work=self.exact_reach_work,
                dense_fraction=self.dense_fraction,
                sketch_of=self._store.sketch,
            )
        )
        return Reach(*counts)

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
        return self._store.read(lambda st, _seq: degree_histogram(st))

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
