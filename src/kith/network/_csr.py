"""Compressed sparse rows: building, merging an overlay, gathering neighbour lists."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]

EMPTY: I32 = np.zeros(0, dtype=np.int32)
EMPTY.flags.writeable = False

MAX_ID = 2**31 - 2
_LOW32 = np.int64(0xFFFFFFFF)
_CHUNK = 1 << 24


def as_ids(values: ArrayLike, name: str) -> I64:
    """Return ``values`` as a flat int64 array of member ids, rejecting negatives."""
    arr = np.asarray(values)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(np.mod(arr, 1) == 0):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must hold integer member ids")
    out = arr.astype(np.int64, copy=False).ravel()
    if int(out.min()) < 0 or int(out.max()) > MAX_ID:
        raise ValueError(f"{name} holds an id outside 0..{MAX_ID}")
    return out


def build_csr(a: ArrayLike, b: ArrayLike, num_nodes: int | None) -> tuple[I64, I32, int]:
    """Build (indptr, indices, n) for the undirected graph given by pairs ``a[i]-b[i]``.

    Both directions are stored; self-loops and duplicates are dropped; every row is
    sorted. The work is one in-place sort of packed ``src << 32 | dst`` int64 keys.
    """
    aa = as_ids(a, "a")
    bb = as_ids(b, "b")
    if aa.shape != bb.shape:
        raise ValueError("a and b must have the same length")
    m = aa.size
    n = int(num_nodes or 0)
    if m:
        n = max(n, int(aa.max()) + 1, int(bb.max()) + 1)
    keys = np.empty(2 * m, dtype=np.int64)
    for s in range(0, m, _CHUNK):
        e = min(m, s + _CHUNK)
        x = aa[s:e]
        y = bb[s:e]
        keys[s:e] = (x << 32) | y
        keys[m + s : m + e] = (y << 32) | x
    del aa, bb
    keys.sort()
    counts = np.zeros(n, dtype=np.int64)
    indices = np.empty(2 * m, dtype=np.int32)
    filled = 0
    prev = np.int64(-1)
    for s in range(0, 2 * m, _CHUNK):
        chunk = keys[s : s + _CHUNK]
        keep = np.empty(chunk.size, dtype=np.bool_)
        keep[0] = chunk[0] != prev
        np.not_equal(chunk[1:], chunk[:-1], out=keep[1:])
        prev = chunk[-1]
        src = chunk >> 32
        dst = chunk & _LOW32
        keep &= src != dst
        src = src[keep]
        k = src.size
        indices[filled : filled + k] = dst[keep]
        filled += k
        counts += np.bincount(src, minlength=n)[:n]
    del keys
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    if filled < indices.size:
        indices = indices[:filled].copy()
    return indptr, indices, n


def merge(indptr: I64, indices: I32, overlay: Mapping[int, I32], num_nodes: int) -> tuple[I64, I32]:
    """Return a fresh CSR of ``num_nodes`` rows: base rows, replaced by overlay rows.

    Runs of untouched rows are copied with one slice assignment each, so the cost is
    one pass over the adjacency plus a Python step per overlay row.
    """
    n_base = indptr.size - 1
    deg = np.zeros(num_nodes, dtype=np.int64)
    deg[:n_base] = np.diff(indptr)
    keys = sorted(overlay)
    for k in keys:
        deg[k] = overlay[k].size
    new_indptr = np.zeros(num_nodes + 1, dtype=np.int64)
    np.cumsum(deg, out=new_indptr[1:])
    new_indices = np.empty(int(new_indptr[-1]), dtype=np.int32)

    def copy_run(lo: int, hi: int) -> None:
        hi = min(hi, n_base)
        if lo >= hi:
            return
        s, e = int(indptr[lo]), int(indptr[hi])
        d = int(new_indptr[lo])
        new_indices[d : d + (e - s)] = indices[s:e]

    nxt = 0
    for k in keys:
        copy_run(nxt, k)
        new_indices[int(new_indptr[k]) : int(new_indptr[k + 1])] = overlay[k]
        nxt = k + 1
    copy_run(nxt, n_base)
    return new_indptr, new_indices
