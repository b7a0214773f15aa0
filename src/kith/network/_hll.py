"""HyperLogLog sketches of closed neighbourhoods, used to estimate 3rd-degree reach.

Every member id is hashed with splitmix64; the low ``P`` bits choose one of
``M = 2**P`` registers and the rank is the number of leading zeros of the remaining
``64 - P`` bits plus one. A node's sketch is the register-wise maximum over its
closed neighbourhood ``{y} | N(y)``, so the union of the sketches of every node in
the 2-ball of ``a`` is a sketch of the 3-ball of ``a``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

P = 7
M = 1 << P
STD_ERROR = 1.04 / math.sqrt(M)
_ALPHA = 0.7213 / (1.0 + 1.079 / M)
_CHUNK = 1 << 23

U8 = NDArray[np.uint8]


def hash_ids(ids: NDArray[np.int64]) -> tuple[NDArray[np.int64], U8]:
    """Return (register index, rank) for every id (splitmix64 finaliser)."""
    z = ids.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    reg = (z & np.uint64(M - 1)).astype(np.int64)
    w = z >> np.uint64(P)
    for shift in (1, 2, 4, 8, 16, 32):
        w = w | (w >> np.uint64(shift))
    bitlen = np.bitwise_count(w).astype(np.int64)
    rank = (64 - P) - bitlen + 1
    return reg, rank.astype(np.uint8)


def build(indptr: NDArray[np.int64], indices: NDArray[np.int32]) -> U8:
    """Sketch every row's closed neighbourhood: an ``(n, M)`` uint8 array."""
    n = indptr.size - 1
    nodes = np.arange(n, dtype=np.int64)
    reg, rank = hash_ids(nodes)
    out = np.zeros((n, M), dtype=np.uint8)
    flat = out.reshape(-1)
    flat[nodes * M + reg] = rank
    total = int(indptr[-1])
    # Rows are processed in chunks of about _CHUNK adjacency entries.
    row = 0
    while row < n:
        end = int(np.searchsorted(indptr, int(indptr[row]) + _CHUNK, side="right")) - 1
        end = max(end, row + 1)
        end = min(end, n)
        s, e = int(indptr[row]), int(indptr[end])
        if e > s:
            src = np.repeat(np.arange(row, end, dtype=np.int64), np.diff(indptr[row : end + 1]))
            dst = indices[s:e]
            np.maximum.at(flat, src * M + reg[dst], rank[dst])
        row = end
    del total
    return out


def row_of(node: int, neighbours: NDArray[np.int32]) -> U8:
    """The sketch of ``{node} | neighbours``."""
    ids = np.append(neighbours.astype(np.int64), node)
    reg, rank = hash_ids(ids)
    out = np.zeros(M, dtype=np.uint8)
    np.maximum.at(out, reg, rank)
    return out


def union_rows(sketch: U8, rows: NDArray[np.int64]) -> U8:
    """Register-wise maximum of ``sketch[rows]``, gathered in bounded chunks."""
    out = np.zeros(M, dtype=np.uint8)
    step = 1 << 15
    for s in range(0, rows.size, step):
        np.maximum(out, sketch[rows[s : s + step]].max(axis=0), out=out)
    return out


def estimate(registers: U8) -> float:
    """The HyperLogLog cardinality estimate, with the small-range correction."""
    harmonic = float(np.sum(np.ldexp(1.0, -registers.astype(np.int64))))
    e = _ALPHA * M * M / harmonic
    if e <= 2.5 * M:
        zeros = int(np.count_nonzero(registers == 0))
        if zeros:
            e = M * math.log(M / zeros)
    return e
