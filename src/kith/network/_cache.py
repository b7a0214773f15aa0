"""The 2nd-degree cache: viewers' distance-2 sets as bitsets, and their background builds.

:meth:`NetworkEngine.degrees` keeps the set of members at distance exactly 2 from a
viewer (an LRU of ``cache_size`` viewers); a change drops the sets it may alter. A
set too large to build inside a query is built by one background thread, in small
steps taken only while no query is running. See ``docs/network.md``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._csr import I32
from ._sets import B8, Scratch, clear_marks, member, set_marks
from ._state import State, Store, gather, nbrs

_BIT = np.array([1, 2, 4, 8, 16, 32, 64, 128], dtype=np.uint8)
# Background 2-ball builds scatter about this many adjacency entries per step (~0.1 ms,
# of which the concatenation, ~30 us, holds the interpreter) and take a step only while
# the engine is quiet; see NetworkEngine.background_quiet_s.
_BUILD_CHUNK_ENTRIES = 32_768
DEFAULT_BACKGROUND_QUIET_S = 0.001
DEFAULT_BACKGROUND_MAX_WAIT_S = 0.05


class Ball:
    """A cached distance-2 set as a little-endian bitset (``num_nodes / 8`` bytes).

    A bitset even when the set is small: 125 KB at 1M members stays in the core's
    cache while a page is answered, where scattering a small set into the 1 MB mark
    array and clearing it again costs more than the lookups.
    """

    __slots__ = ("bits",)

    def __init__(self, bits: NDArray[np.uint8]) -> None:
        self.bits = bits

    def contains(self, q: NDArray[Any]) -> B8:
        nbits = self.bits.size * 8
        if q.size and int(q.max()) >= nbits:  # ids added since the set was built
            out = np.zeros(q.size, dtype=np.bool_)
            ok = q < nbits
            out[ok] = self.contains(q[ok])
            return out
        return np.asarray((self.bits.take(q >> 3) & _BIT.take(q & 7)) != 0)

    @property
    def nbytes(self) -> int:
        return int(self.bits.nbytes)


def build_ball(st: State, mark: B8, v: int) -> Ball:
    """``v``'s distance-2 set in one pass: scatter its connections' lists, pack the marks."""
    nv = nbrs(st, v)
    n = st.num_nodes
    cat, _ = gather(st, nv)
    wide = cat.astype(np.intp)
    try:
        mark[wide] = True
        set_marks(mark, nv, False)
        mark[v] = False
        return Ball(np.packbits(mark[:n], bitorder="little"))
    finally:
        clear_marks(mark, wide, n)


class BallCache:
    """A bounded LRU of viewers' 2-balls, dropped when a change touches them."""

    def __init__(self, size: int) -> None:
        self.size = int(size)
        self._balls: OrderedDict[int, Ball] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, v: int) -> Ball | None:
        """``v``'s cached 2-ball (now the most recently used), or ``None``."""
        with self._lock:
            ball = self._balls.get(v)
            if ball is not None:
                self._balls.move_to_end(v)
            return ball

    def put(self, store: Store, seq: int, v: int, ball: Ball) -> bool:
        """Cache ``ball`` unless a change happened since ``seq`` was read."""
        if self.size > 0:
            with self._lock:
                if store.seq == seq:
                    self._balls[v] = ball
                    while len(self._balls) > self.size:
                        self._balls.popitem(last=False)
                    return True
        return False

    def get_or_build(self, store: Store, st: State, seq: int, scratch: Scratch, v: int) -> Ball:
        """``v``'s 2-ball from the cache, or built now from ``st`` and cached."""
        ball = self.get(v)
        if ball is None:
            ball = build_ball(st, scratch.get(st.num_nodes), v)
            self.put(store, seq, v, ball)
        return ball

    def invalidate(self, affected_nodes: list[I32], singles: list[int]) -> None:
        """Drop cached 2-balls of viewers in ``singles`` or any ``affected_nodes`` array."""
        with self._lock:
            if not self._balls:
                return
            keys = np.fromiter(self._balls.keys(), dtype=np.int64, count=len(self._balls))
            hit = np.isin(keys, np.asarray(singles, dtype=np.int64))
            for arr in affected_nodes:
                hit |= member(arr, keys)
            for k in keys[hit].tolist():
                del self._balls[k]

    def clear(self) -> None:
        """Forget every cached 2-ball."""
        with self._lock:
            self._balls.clear()

    def info(self) -> dict[str, int]:
        """Cached viewers, their bytes and the capacity."""
        with self._lock:
            return {
                "viewers": len(self._balls),
                "bytes": sum(b.nbytes for b in self._balls.values()),
                "capacity": self.size,
            }


class Builder:
    """Builds queued viewers' 2-balls in one background thread, while the engine is quiet."""

    def __init__(self, store: Store, cache: BallCache) -> None:
        self._store = store
        self._cache = cache
        self._scratch = Scratch()
        self.quiet_s = DEFAULT_BACKGROUND_QUIET_S
        self.max_wait_s = DEFAULT_BACKGROUND_MAX_WAIT_S
        self._queued: dict[int, None] = {}  # oldest first
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None

    def queue(self, v: int) -> None:
        """Queue a build of ``v``'s 2-ball (one worker thread while any are due)."""
        with self._cv:
            if v in self._queued or len(self._queued) >= self._cache.size:
                return
            self._queued[v] = None
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="kith-network-2nd-degree", daemon=True
                )
                self._thread.start()

    def wait(self, timeout: float | None) -> bool:
        """Wait until no build is queued; ``False`` on timeout."""
        with self._cv:
            return self._cv.wait_for(lambda: not self._queued, timeout)

    def _run(self) -> None:
        try:
            while True:
                with self._cv:
                    v = next(iter(self._queued), None)
                if v is None:
                    return
                try:
                    self._build(v)
                finally:
                    with self._cv:
                        self._queued.pop(v, None)
                        self._cv.notify_all()
        finally:
            with self._cv:
                self._thread = None
                if self._queued:  # a build failed: drop the rest, later queries retry
                    self._queued.clear()
                self._cv.notify_all()

    def _build(self, v: int) -> None:
        """Build and cache ``v``'s 2-ball step by step, each step when the engine is quiet.

        A change to the graph between two steps makes the partial set worthless: the
        build starts over (at most three times; a later query queues it again).
        """
        store = self._store
        for _ in range(3):
            seq = store.seq
            if seq & 1:
                time.sleep(0)
                continue
            st = store.state
            if self._cache.get(v) is not None:
                return
            try:
                ball = self._build_in_steps(st, seq, v)
            except Exception:
                if store.seq == seq:
                    raise
                continue  # a torn read: the graph changed underneath
            if ball is not None and self._cache.put(store, seq, v, ball):
                return

    def _build_in_steps(self, st: State, seq: int, v: int) -> Ball | None:
        """``v``'s 2-ball from ``st``, or ``None`` as soon as the graph changes."""
        nv = nbrs(st, v)
        n = st.num_nodes
        mark = self._scratch.get(n)
        step_at = time.monotonic()
        try:
            for lo, hi in _steps(st, nv):
                self._wait_for_quiet(step_at)
                if self._store.seq != seq:
                    return None
                cat, _ = gather(st, nv[lo:hi])
                set_marks(mark, cat, True)
                step_at = time.monotonic()
            self._wait_for_quiet(step_at)
            if self._store.seq != seq:
                return None
            set_marks(mark, nv, False)
            mark[v] = False
            return Ball(np.packbits(mark[:n], bitorder="little"))
        finally:
            mark.fill(False)

    def _wait_for_quiet(self, since: float) -> None:
        """Sleep until the engine is quiet, or ``max_wait_s`` after ``since``."""
        while not self._store.quiet(self.quiet_s):
            if time.monotonic() - since >= self.max_wait_s:
                return
            time.sleep(self.quiet_s)


def _steps(st: State, nv: I32) -> list[tuple[int, int]]:
    """Runs of ``nv`` whose lists hold about ``_BUILD_CHUNK_ENTRIES`` entries each.

    Base degrees count; an overlay row counts as its base row, which is close enough.
    """
    nv64 = nv.astype(np.int64)
    inb = nv64 < st.n_base
    deg = np.zeros(nv.size, dtype=np.int64)
    deg[inb] = st.indptr[nv64[inb] + 1] - st.indptr[nv64[inb]]
    cum = np.cumsum(deg)
    total = int(cum[-1]) if cum.size else 0
    cuts = np.searchsorted(cum, np.arange(_BUILD_CHUNK_ENTRIES, total, _BUILD_CHUNK_ENTRIES))
    bounds = [0, *(cuts + 1).tolist(), int(nv.size)]
    return [(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if lo < hi]
