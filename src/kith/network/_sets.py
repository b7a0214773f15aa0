"""Sorted id arrays, per-segment reductions and the per-thread mark arrays."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._csr import EMPTY, I32, I64

B8 = NDArray[np.bool_]


class Scratch(threading.local):
    """Per-thread mark array, kept all-False between calls."""

    def __init__(self) -> None:
        self.mark: B8 = np.zeros(0, dtype=np.bool_)

    def get(self, n: int) -> B8:
        if self.mark.size < n:
            self.mark = np.zeros(max(n, int(self.mark.size * 1.25) + 1024), dtype=np.bool_)
        return self.mark


def set_marks(mark: B8, idx: NDArray[Any], value: bool) -> None:
    """``mark[idx] = value``; int32 indices are widened first (numpy scatters intp faster)."""
    if idx.dtype != np.intp and idx.size > 64:
        idx = idx.astype(np.intp)
    mark[idx] = value


def clear_marks(mark: B8, cat: NDArray[Any], num_nodes: int) -> None:
    """Unmark ``cat``, or the whole array when ``cat`` touched a large share of it."""
    if cat.size > num_nodes // 4:
        mark.fill(False)
    else:
        set_marks(mark, cat, False)


def member(sorted_ids: NDArray[Any], q: NDArray[Any]) -> B8:
    """``q[i] in sorted_ids`` for every i, by binary search."""
    if sorted_ids.size == 0 or q.size == 0:
        return np.zeros(q.size, dtype=np.bool_)
    pos = np.searchsorted(sorted_ids, q)
    pos[pos == sorted_ids.size] = 0
    return np.asarray(sorted_ids[pos] == q)


def intersect(x: I32, y: I32) -> I32:
    """Sorted intersection of two sorted unique arrays (binary search of the smaller)."""
    if x.size > y.size:
        x, y = y, x
    if x.size == 0:
        return EMPTY
    return x[member(y, x)]


def rle(sorted_vals: I32) -> tuple[I32, I64]:
    """Distinct values of a sorted array and how often each occurs."""
    if sorted_vals.size == 0:
        return EMPTY, np.zeros(0, dtype=np.int64)
    first = np.empty(sorted_vals.size, dtype=np.bool_)
    first[0] = True
    np.not_equal(sorted_vals[1:], sorted_vals[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, sorted_vals.size))
    return sorted_vals[starts], counts.astype(np.int64)


def _segment_starts(lengths: I64) -> tuple[I64, B8 | None]:
    """Start offsets of the non-empty segments, and which segments those are.

    The mask is ``None`` when no segment is empty (the common case).
    """
    ends = np.cumsum(lengths)
    starts = ends - lengths
    if int(lengths.min(initial=1)) > 0:
        return starts, None
    nonempty = lengths > 0
    return starts[nonempty], nonempty


def segment_any(hits: B8, lengths: I64) -> B8:
    """Whether each consecutive segment of the given lengths holds a true value.

    ``logical_or.reduceat`` over the non-empty segments: one pass over ``hits``.
    """
    out = np.zeros(lengths.size, dtype=np.bool_)
    if hits.size == 0:
        return out
    starts, nonempty = _segment_starts(lengths)
    if nonempty is None:
        return np.asarray(np.logical_or.reduceat(hits, starts))
    out[nonempty] = np.logical_or.reduceat(hits, starts)
    return out


def segment_count(hits: B8, lengths: I64) -> I64:
    """Number of true values in each consecutive segment of the given lengths."""
    out = np.zeros(lengths.size, dtype=np.int64)
    if hits.size == 0:
        return out
    starts, nonempty = _segment_starts(lengths)
    counts = np.add.reduceat(hits, starts, dtype=np.int64)
    if nonempty is None:
        return np.asarray(counts)
    out[nonempty] = counts
    return out
