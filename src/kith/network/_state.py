"""The graph's state and its changes: CSR base, copy-on-write overlay, sequence lock.

Every query reads one immutable :class:`State` through :meth:`Store.read`; changes
build new neighbour lists, then store them between two increments of the sequence
number, so a reader sees one version of the graph or retries. See ``docs/network.md``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from . import _csr, _hll, _snapshot
from ._csr import EMPTY, I32, I64, MAX_ID

T = TypeVar("T")

SNAPSHOT_VERSION = 1

OnChange = Callable[[list[I32], list[int]], None]
"""Called inside a change with the rows whose members' 2-balls it may alter, and ids."""


@dataclass(frozen=True, slots=True)
class State:
    """One consistent view: readers take a reference once and use only it."""

    indptr: I64
    indices: I32
    n_base: int
    overlay: dict[int, I32]
    num_nodes: int
    sketch: NDArray[np.uint8] | None = None


def check_id(x: int, name: str = "member id") -> int:
    """``x`` as an int member id, or ``ValueError``."""
    v = int(x)
    if v != x or v < 0 or v > MAX_ID:
        raise ValueError(f"{name} must be an integer in 0..{MAX_ID}, got {x!r}")
    return v


def frozen(arr: I32) -> I32:
    """``arr``, made read-only (overlay rows are never modified once stored)."""
    arr.flags.writeable = False
    return arr


def nbrs(st: State, a: int) -> I32:
    """The sorted neighbour list of ``a``: its overlay row, else its base slice."""
    row = st.overlay.get(a)
    if row is not None:
        return row
    if a < st.n_base:
        ip = st.indptr
        return st.indices[ip[a] : ip[a + 1]]
    return EMPTY


def gather(
    st: State, nodes: NDArray[Any], limit: int | None = None, skip: int = 0
) -> tuple[I32, I64]:
    """Concatenated neighbour lists of ``nodes`` and their lengths.

    With ``limit``, only the first ``limit`` entries of each list; with ``skip``,
    all but the first ``skip``.

    The result is int32: look marks up with ``mark.take(cat)`` (as fast as intp
    indices) and scatter with ``_sets.set_marks`` (which widens to intp first).
    """
    if nodes.size == 0:
        return EMPTY, np.zeros(0, dtype=np.int64)
    nodes64 = nodes.astype(np.int64, copy=False)
    inb = nodes64 < st.n_base
    if inb.all():
        starts = st.indptr[nodes64]
        ends = st.indptr[nodes64 + 1]
    else:
        starts = np.zeros(nodes64.size, dtype=np.int64)
        ends = np.zeros(nodes64.size, dtype=np.int64)
        starts[inb] = st.indptr[nodes64[inb]]
        ends[inb] = st.indptr[nodes64[inb] + 1]
    if limit is not None:
        ends = np.minimum(ends, starts + limit)
    if skip:
        starts = np.minimum(starts + skip, ends)
    ind = st.indices
    parts = [ind[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    lengths = ends - starts
    ov = st.overlay
    if ov:
        for i, x in enumerate(nodes64.tolist()):
            row = ov.get(x)
            if row is not None:
                row = row[skip:limit]
                parts[i] = row
                lengths[i] = row.size
    if len(parts) == 1:
        return parts[0], lengths
    return np.concatenate(parts), lengths


def volume(st: State, nodes: I32) -> int:
    """Approximate total degree of ``nodes`` (base degrees; used to pick a side)."""
    x = nodes[nodes < st.n_base].astype(np.int64)
    return int((st.indptr[x + 1] - st.indptr[x]).sum()) + int(nodes.size)


def merged(st: State, overlay: dict[int, I32]) -> tuple[I64, I32, NDArray[np.uint8] | None]:
    """Base and ``overlay`` merged into a fresh CSR (and refreshed sketch)."""
    if not overlay and st.num_nodes == st.n_base:
        return st.indptr, st.indices, st.sketch
    indptr, indices = _csr.merge(st.indptr, st.indices, overlay, st.num_nodes)
    sketch = None
    if st.sketch is not None:
        sketch = np.zeros((st.num_nodes, _hll.M), dtype=np.uint8)
        sketch[: st.sketch.shape[0]] = st.sketch
        for node in range(st.sketch.shape[0], st.num_nodes):
            sketch[node] = _hll.row_of(node, EMPTY)
        for node, row in overlay.items():
            sketch[node] = _hll.row_of(node, row)
    return indptr, indices, sketch


def read_snapshot(
    path: str | os.PathLike[str], *, mmap: bool
) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """The arrays and header of a snapshot written by :meth:`Store.save`."""
    arrays, meta = _snapshot.read(path, mmap=mmap)
    if meta.get("format") != "kith-network" or meta.get("version") != SNAPSHOT_VERSION:
        raise ValueError("unsupported snapshot format")
    return arrays, meta


class Store:
    """The current :class:`State`, the changes to it and the sequence lock around them.

    A change takes the write lock, prepares its new rows, then increments ``seq``
    (odd: writing), stores them, calls ``on_change`` and increments ``seq`` again.
    """

    def __init__(
        self,
        indptr: I64,
        indices: I32,
        *,
        num_edges: int | None,
        num_nodes: int | None,
        sketch: NDArray[np.uint8] | None,
        on_change: OnChange,
    ) -> None:
        n_base = int(indptr.size - 1)
        # Rows are handed out as views: make sure callers cannot write through them.
        for arr in (indptr, indices, sketch):
            if arr is not None and arr.flags.writeable:
                arr.flags.writeable = False
        self.state = State(
            indptr=indptr,
            indices=indices,
            n_base=n_base,
            overlay={},
            num_nodes=max(n_base, int(num_nodes or 0)),
            sketch=sketch,
        )
        self.num_edges = int(indices.size // 2 if num_edges is None else num_edges)
        self.seq = 0
        self._on_change = on_change
        self._write_lock = threading.RLock()
        self._compact_lock = threading.Lock()
        self._sketch_lock = threading.Lock()
        # Queries in flight and when the last one ended: background builds wait for quiet.
        self.inflight: list[None] = []
        self.last_query = 0.0

    # ------------------------------------------------------------------ reading
    def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(state, seq, *args)`` on a consistent state (retry if a write overlapped).

        The query is counted as in flight meanwhile (background builds wait for
        quiet): one entry in ``inflight``, whose append and pop are atomic.
        """
        inflight = self.inflight
        inflight.append(None)
        try:
            for _ in range(4):
                seq = self.seq
                if seq & 1:
                    time.sleep(0)
                    continue
                st = self.state
                try:
                    result = fn(st, seq, *args)
                except Exception:
                    if self.seq == seq:
                        raise
                    continue
                if self.seq == seq:
                    return result
            with self._write_lock:
                return fn(self.state, self.seq, *args)
        finally:
            inflight.pop()
            self.last_query = time.monotonic()

    def quiet(self, quiet_s: float) -> bool:
        """No query in flight and none for ``quiet_s`` seconds."""
        return not self.inflight and time.monotonic() - self.last_query >= quiet_s

    def frozen_view(self) -> tuple[State, dict[int, I32], int]:
        """The state, a frozen copy of its overlay and the edge count, at one moment."""
        with self._write_lock:
            st = self.state
            return st, dict(st.overlay), self.num_edges

    # ------------------------------------------------------------------ changes
    def _grow(self, st: State, top: int) -> State:
        if top >= st.num_nodes:
            st = replace(st, num_nodes=top + 1)
            self.state = st
        return st

    def connect(self, a: int, b: int) -> None:
        """Record ``a - b`` (checked ids, ``a != b``); no-op if it exists."""
        with self._write_lock:
            st = self.state
            na, nb = nbrs(st, a), nbrs(st, b)
            pa = int(np.searchsorted(na, b))
            if pa < na.size and na[pa] == b:
                return
            pb = int(np.searchsorted(nb, a))
            new_a = frozen(np.insert(na, pa, np.int32(b)))
            new_b = frozen(np.insert(nb, pb, np.int32(a)))
            self.seq += 1
            try:
                st = self._grow(st, max(a, b))
                st.overlay[a] = new_a
                st.overlay[b] = new_b
                self.num_edges += 1
                self._on_change([na, nb], [a, b])
            finally:
                self.seq += 1

    def disconnect(self, a: int, b: int) -> None:
        """Remove ``a - b`` (checked ids); no-op if absent."""
        with self._write_lock:
            st = self.state
            na, nb = nbrs(st, a), nbrs(st, b)
            pa = int(np.searchsorted(na, b))
            if a == b or pa >= na.size or na[pa] != b:
                return
            pb = int(np.searchsorted(nb, a))
            new_a = frozen(np.delete(na, pa))
            new_b = frozen(np.delete(nb, pb))
            self.seq += 1
            try:
                st.overlay[a] = new_a
                st.overlay[b] = new_b
                self.num_edges -= 1
                self._on_change([na, nb], [a, b])
            finally:
                self.seq += 1

    def remove_node(self, a: int) -> None:
        """Drop every connection of ``a`` (a checked id)."""
        with self._write_lock:
            st = self.state
            na = nbrs(st, a)
            if na.size == 0:
                return
            rows = {}
            for x in na.tolist():
                nx_ = nbrs(st, x)
                rows[x] = frozen(np.delete(nx_, int(np.searchsorted(nx_, a))))
            # Viewers within distance 2 of a lose 2nd-degree members.
            second, _ = gather(st, na)
            second = np.unique(second)
            self.seq += 1
            try:
                st.overlay.update(rows)
                st.overlay[a] = EMPTY
                self.num_edges -= int(na.size)
                self._on_change([na, second], [a])
            finally:
                self.seq += 1

    # ------------------------------------------------------------------ whole graph
    def compact(self) -> None:
        """Merge the overlay into a fresh base without blocking readers or writers.

        The new arrays are built from a frozen copy of the overlay while queries and
        changes go on; then, under the write lock, the new base is swapped in and
        only the overlay rows changed meanwhile are kept.
        """
        with self._compact_lock:
            st, overlay, _ = self.frozen_view()
            if not overlay and st.num_nodes == st.n_base:
                return
            indptr, indices, sketch = merged(st, overlay)
            for arr in (indptr, indices, sketch):
                if arr is not None:
                    arr.flags.writeable = False
            with self._write_lock:
                cur = self.state
                rest = {k: v for k, v in cur.overlay.items() if overlay.get(k) is not v}
                new = State(
                    indptr=indptr,
                    indices=indices,
                    n_base=int(indptr.size - 1),
                    overlay=rest,
                    num_nodes=cur.num_nodes,
                    sketch=sketch,
                )
                self.seq += 1
                self.state = new
                self.seq += 1

    def csr(self) -> tuple[I64, I32]:
        """The whole graph at one moment as read-only CSR arrays (no lock held long)."""
        st, overlay, _ = self.frozen_view()
        if not overlay and st.num_nodes == st.n_base:
            return st.indptr, st.indices
        indptr, indices = _csr.merge(st.indptr, st.indices, overlay, st.num_nodes)
        indptr.flags.writeable = False
        indices.flags.writeable = False
        return indptr, indices

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a snapshot of the graph as it is now (base and overlay merged), atomically."""
        st, overlay, num_edges = self.frozen_view()
        indptr, indices, sketch = merged(st, overlay)
        arrays: dict[str, NDArray[Any]] = {"indptr": indptr, "indices": indices}
        if sketch is not None:
            arrays["sketch"] = sketch
        meta = {
            "format": "kith-network",
            "version": SNAPSHOT_VERSION,
            "num_nodes": st.num_nodes,
            "num_edges": num_edges,
        }
        _snapshot.write(path, arrays, meta)

    def sketch(self, st: State) -> NDArray[np.uint8]:
        """The base's HyperLogLog sketches, built on first use (seconds at 1M members)."""
        if st.sketch is not None:
            return st.sketch
        with self._sketch_lock:
            cur = self.state
            if cur.indices is st.indices and cur.sketch is not None:
                return cur.sketch
            sketch = _hll.build(st.indptr, st.indices)
            sketch.flags.writeable = False
            with self._write_lock:
                if self.state.indices is st.indices:
                    self.state = replace(self.state, sketch=sketch)
            return sketch


def degree_histogram(st: State) -> I64:
    """``h[k]`` = number of node ids with exactly ``k`` connections."""
    deg = np.zeros(st.num_nodes, dtype=np.int64)
    deg[: st.n_base] = np.diff(st.indptr)
    for k, row in st.overlay.items():
        deg[k] = row.size
    return np.bincount(deg).astype(np.int64)
