"""Community figures computed from the network engine's CSR arrays.

Pure numpy: no SQL and no web imports. :func:`compute` takes the whole graph as
compressed sparse rows (``NetworkEngine.csr()``) plus one code per member for each
attribute the figures group by, and returns a JSON-ready dict. Every pass over the
adjacency runs in blocks of :data:`BLOCK_ENTRIES` entries, so memory stays at a few
hundred megabytes above the graph itself at 1,000,000 members.

Definitions
-----------
Connected components
    Minimum-label propagation with hooking and pointer jumping over the CSR: each
    member takes the smallest label among itself and its connections, the member
    whose label that was takes it too, and labels are then short-cut
    (``labels = labels[labels]``) until stable. Small-world graphs converge in a
    handful of passes.
Bridges
    Groups are industries. ``W[g, h]`` counts the connections between industries
    ``g`` and ``h``. A member ``v`` of industry ``g`` with ``c[v, h]`` connections in
    industry ``h`` holds the share ``c[v, h] / W[g, h]`` of all ties between the two
    industries; their *bridge score* is the sum of those shares over every other
    industry. A member who is the only tie between two industries scores at least
    1.0; a member whose cross-industry ties run along well-travelled routes scores
    near 0. It needs one member x industry count matrix (one pass; 1M x 26 int32 is
    about 100 MB), which is why industries and not companies are the groups: tens
    of thousands of companies would need a sparse matrix built by sorting 400M
    entries.

Examples
--------
>>> import numpy as np
>>> from kith.network import NetworkEngine
>>> eng = NetworkEngine.from_edges([1, 2, 4], [2, 3, 5], num_nodes=7)
>>> indptr, indices = eng.csr()
>>> labels = components(indptr, indices)
>>> labels[[1, 2, 3, 4, 5, 6]].tolist()
[1, 1, 1, 4, 4, 6]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Attributes", "Limits", "components", "compute", "percentile"]

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
B8 = NDArray[np.bool_]
F64 = NDArray[np.float64]

BLOCK_ENTRIES = 1 << 24  # adjacency entries per block of a pass (64 MB of int32)


@dataclass(frozen=True)
class Attributes:
    """One entry per node id (``0..n-1``); codes index the ``*_names`` lists, -1 = none.

    ``active`` marks the ids that are active members; everything else (gaps in the
    id space, deactivated accounts) is left out of every figure.
    """

    active: B8
    industry: I32
    industry_names: Sequence[str]
    stage: I32
    stage_names: Sequence[str]
    company: I32
    company_names: Sequence[str]
    school: I32
    school_names: Sequence[str]


@dataclass(frozen=True)
class Limits:
    barely_connected_max: int = 2
    welcome_listed: int = 50
    bridges_listed: int = 25
    top_groups: int = 10
    min_cohort: int = 10


# --------------------------------------------------------------------------- passes
def _blocks(indptr: I64, first: int, last: int, entries: int) -> Iterator[tuple[int, int]]:
    """Consecutive row ranges ``[r0, r1)`` of ``first..last`` holding about ``entries``
    adjacency entries each (a single row is never split)."""
    r0 = first
    while r0 < last:
        target = int(indptr[r0]) + entries
        r1 = int(np.searchsorted(indptr, target, side="right")) - 1
        r1 = min(max(r1, r0 + 1), last)
        yield r0, r1
        r0 = r1


def _pad(indptr: I64, n: int) -> I64:
    """``indptr`` extended with empty rows up to ``n`` rows."""
    if indptr.size - 1 >= n:
        return indptr
    tail = np.full(n - (indptr.size - 1), indptr[-1], dtype=indptr.dtype)
    return np.concatenate([indptr, tail])


def components(indptr: I64, indices: I32, *, block: int = BLOCK_ENTRIES) -> I32:
    """Connected-component label of every node: the smallest id in its component.

    Examples
    --------
    >>> import numpy as np
    >>> indptr = np.array([0, 1, 2, 2])
    >>> indices = np.array([1, 0], dtype=np.int32)
    >>> components(indptr, indices).tolist()
    [0, 0, 2]
    """
    n = int(indptr.size - 1)
    labels = np.arange(n, dtype=np.int32)
    if n == 0 or indices.size == 0:
        return labels
    deg = np.diff(indptr)
    while True:
        changed = False
        for r0, r1 in _blocks(indptr, 0, n, block):
            lo, hi = int(indptr[r0]), int(indptr[r1])
            if hi == lo:
                continue
            rows = np.arange(r0, r1)[deg[r0:r1] > 0]
            nbmin = np.minimum.reduceat(labels[indices[lo:hi]], indptr[rows] - lo)
            cur = labels[rows]
            better = nbmin < cur
            if better.any():
                changed = True
                # Hooking: the member whose label we replace takes the smaller one too.
                np.minimum.at(labels, cur[better], nbmin[better])
                labels[rows] = np.minimum(labels[rows], nbmin)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if not changed:
            return labels


def _scan(indptr: I64, indices: I32, n: int, block: int) -> Iterator[tuple[int, int, I32, I32]]:
    """Blocks of ``(r0, r1, src, dst)``: every directed adjacency entry once."""
    deg = np.diff(indptr)
    for r0, r1 in _blocks(indptr, 0, n, block):
        lo, hi = int(indptr[r0]), int(indptr[r1])
        if hi == lo:
            continue
        src = np.repeat(np.arange(r0, r1, dtype=np.int32), deg[r0:r1])
        yield r0, r1, src, indices[lo:hi]


# --------------------------------------------------------------------------- figures
def _cohort(values: I64) -> dict[str, Any]:
    """A cohort's connection counts as distinct values and running totals."""
    distinct, counts = np.unique(values, return_counts=True)
    return {
        "n": int(values.size),
        "values": distinct.tolist(),
        "at_most": np.cumsum(counts).tolist(),
    }


def percentile(cohort: dict[str, Any], count: int) -> float:
    """Share (0-100) of a cohort's members with fewer connections than ``count``.

    Examples
    --------
    >>> import numpy as np
    >>> c = _cohort(np.array([1, 2, 2, 5]))
    >>> percentile(c, 2), percentile(c, 6), percentile(c, 0)
    (25.0, 100.0, 0.0)
    """
    values: list[int] = cohort["values"]
    at_most: list[int] = cohort["at_most"]
    i = int(np.searchsorted(np.asarray(values), count, side="left"))
    fewer = at_most[i - 1] if i > 0 else 0
    return 100.0 * fewer / max(int(cohort["n"]), 1)


def _cohorts(
    keys: I64, names: Sequence[str], deg: I64, min_cohort: int
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if keys.size == 0:
        return out
    order = np.argsort(keys, kind="stable")
    k_sorted, d_sorted = keys[order], deg[order]
    bounds = np.flatnonzero(np.diff(k_sorted)) + 1
    for part_k, part_d in zip(np.split(k_sorted, bounds), np.split(d_sorted, bounds), strict=True):
        if part_k.size >= min_cohort:
            out[names[int(part_k[0])]] = _cohort(part_d)
    return out


def _group_figures(
    codes: I32,
    names: Sequence[str],
    active: B8,
    top: int | None,
    matrix: I64,
    within: int,
    total: int,
) -> dict[str, Any]:
    """Members per group and ties between the ``top`` largest groups ("Other" last)."""
    k = matrix.shape[0] - 2  # last two rows: other groups, no group
    sizes = np.bincount(codes[active & (codes >= 0)], minlength=len(names))
    chosen = _top_groups(sizes, top) if top is not None else np.arange(len(names))
    ties = matrix[:k, :k].astype(np.float64)
    undirected = ties.copy()
    np.fill_diagonal(undirected, np.diag(ties) / 2)
    row = matrix[:k].sum(axis=1)
    internal = np.diag(matrix)[:k] // 2
    return {
        "names": [names[int(i)] for i in chosen],
        "members": [int(sizes[int(i)]) for i in chosen],
        "ties": undirected.astype(np.int64).tolist(),
        "internal": internal.tolist(),
        "external": (row - 2 * internal).tolist(),
        "within_share": within / total if total else 0.0,
        "groups": int((sizes > 0).sum()),
    }


def _top_groups(sizes: I64, top: int) -> I64:
    present = np.flatnonzero(sizes > 0)
    order = np.lexsort((present, -sizes[present]))
    return present[order][:top].astype(np.int64)


def _mapped(codes: I32, chosen: I64, n_groups: int) -> I64:
    """Codes renumbered: chosen groups 0..k-1, every other group k, none k+1."""
    k = chosen.size
    lookup = np.full(n_groups + 1, k, dtype=np.int64)
    lookup[chosen] = np.arange(k)
    lookup[n_groups] = k + 1  # index of code -1 after the shift below
    return lookup[np.where(codes >= 0, codes, n_groups)]


def compute(indptr: I64, indices: I32, attrs: Attributes, limits: Limits) -> dict[str, Any]:
    """Every community figure, as a JSON-ready dict (see ``docs/insights.md``).

    Examples
    --------
    >>> import numpy as np
    >>> from kith.network import NetworkEngine
    >>> indptr, indices = NetworkEngine.from_edges([1, 1], [2, 3], num_nodes=5).csr()
    >>> none = np.full(5, -1, dtype=np.int32)
    >>> attrs = Attributes(np.array([False, True, True, True, True]), none, [], none, [],
    ...                    none, [], none, [])
    >>> result = compute(indptr, indices, attrs, Limits(min_cohort=1))
    >>> result["members"], result["connections"], result["isolated"]
    (4, 2, 1)
    """
    n = int(attrs.active.size)
    indptr = _pad(indptr, n)[: n + 1]
    indices = indices[: int(indptr[-1])]
    active = attrs.active
    if bool((np.diff(indptr) > 0)[~active].any()):
        # Deactivated members normally have no connections left in the engine; if
        # some do, their connections are left out of every figure.
        indptr, indices = _only_active(indptr, indices, active)
    deg_all = np.diff(indptr).astype(np.int64)
    deg_all[~active] = 0
    deg = deg_all[active]
    members = int(active.sum())
    connections = int(deg.sum() // 2)
    ids = np.flatnonzero(active)

    labels = components(indptr, indices)
    comp_sizes = np.bincount(labels[active], minlength=n)
    largest = int(comp_sizes.max()) if members else 0
    connected_components = int(np.unique(labels[ids[deg > 0]]).size)

    # One pass over the adjacency: for every member, how many of their connections
    # are in each industry, in each of the largest companies and schools (the rest
    # pooled as "other" and "none"), and how many share their company and school.
    # Everything about the member's own side comes from repeating per-row values
    # (gathering by the source of each entry is several times slower).
    g_ind = len(attrs.industry_names)
    ind_codes = np.where(attrs.industry >= 0, attrs.industry, g_ind).astype(np.int64)
    company_sizes = np.bincount(
        attrs.company[active & (attrs.company >= 0)], minlength=len(attrs.company_names)
    )
    school_sizes = np.bincount(
        attrs.school[active & (attrs.school >= 0)], minlength=len(attrs.school_names)
    )
    top_companies = _top_groups(company_sizes, limits.top_groups)
    top_schools = _top_groups(school_sizes, limits.top_groups)
    comp_map = _mapped(attrs.company, top_companies, len(attrs.company_names))
    school_map = _mapped(attrs.school, top_schools, len(attrs.school_names))
    kc, ks = top_companies.size + 2, top_schools.size + 2
    per_member = np.zeros((n, g_ind + 1), dtype=np.int32)
    per_company = np.zeros((n, kc), dtype=np.int32)
    per_school = np.zeros((n, ks), dtype=np.int32)
    tables = (
        (per_member, _small(ind_codes), g_ind + 1),
        (per_company, _small(comp_map), kc),
        (per_school, _small(school_map), ks),
    )
    width = max(g_ind + 1, kc, ks)  # one row offset for all three tables
    # Company and school ids in the smallest type that holds them (0: none).
    identities = (
        _small(attrs.company.astype(np.int64) + 1),
        _small(attrs.school.astype(np.int64) + 1),
    )
    same = [0, 0]
    deg_rows = np.diff(indptr)
    # Reused buffers: on a busy machine, fresh large arrays cost more than the work.
    base = np.empty(0, dtype=np.int64)
    key = np.empty(0, dtype=np.int64)
    for r0, r1 in _blocks(indptr, 0, n, BLOCK_ENTRIES):
        lo, hi = int(indptr[r0]), int(indptr[r1])
        if hi == lo:
            continue
        counts = deg_rows[r0:r1]
        dst = indices[lo:hi]
        m, rows = hi - lo, r1 - r0
        if key.size < m:
            base = np.empty(m, dtype=np.int64)
            key = np.empty(m, dtype=np.int64)
        b, k = base[:m], key[:m]
        np.multiply(np.repeat(np.arange(rows, dtype=np.int64), counts), width, out=b)
        for table, codes, w in tables:
            np.add(b, codes.take(dst), out=k)
            found = np.bincount(k, minlength=rows * width).reshape(rows, width)
            table[r0:r1] += found[:, :w].astype(np.int32)
        for i, ident in enumerate(identities):
            mine = np.repeat(ident[r0:r1], counts)
            agree = mine == ident.take(dst)
            agree &= mine > 0
            same[i] += int(np.count_nonzero(agree))
    same_company, same_school = same
    entries = 2 * connections
    own_industry = per_member[np.flatnonzero(attrs.industry >= 0), :]
    same_industry = int(
        own_industry[np.arange(own_industry.shape[0]), attrs.industry[attrs.industry >= 0]].sum()
    )

    industries = _group_figures(
        attrs.industry,
        attrs.industry_names,
        active,
        None,
        _by_group(per_member, ind_codes, g_ind + 1, extra=1),
        same_industry,
        entries,
    )
    by_industry = [deg_all[active & (attrs.industry == g)] for g in range(g_ind)]
    industries["mean"] = [float(d.mean()) if d.size else 0.0 for d in by_industry]
    industries["median"] = [float(np.median(d)) if d.size else 0.0 for d in by_industry]

    stage_sizes = np.bincount(
        attrs.stage[active & (attrs.stage >= 0)], minlength=len(attrs.stage_names)
    )
    by_stage = [deg_all[active & (attrs.stage == s)] for s in range(len(attrs.stage_names))]

    barely = (deg >= 1) & (deg <= limits.barely_connected_max)
    lonely = ids[deg <= limits.barely_connected_max][::-1][: limits.welcome_listed]

    return {
        "members": members,
        "connections": connections,
        "mean": float(deg.mean()) if members else 0.0,
        "median": float(np.median(deg)) if members else 0.0,
        "max": int(deg.max()) if members else 0,
        "degree_histogram": _histogram(deg),
        "components": connected_components,
        "largest_component": largest,
        "largest_component_share": largest / members if members else 0.0,
        "isolated": int(np.count_nonzero(deg == 0)),
        "barely_connected": int(np.count_nonzero(barely)),
        "barely_connected_max": limits.barely_connected_max,
        "welcome": [[int(i), int(deg_all[i])] for i in lonely],
        "industries": industries,
        "companies": _group_figures(
            attrs.company,
            attrs.company_names,
            active,
            limits.top_groups,
            _by_group(per_company, comp_map, kc),
            same_company,
            entries,
        ),
        "schools": _group_figures(
            attrs.school,
            attrs.school_names,
            active,
            limits.top_groups,
            _by_group(per_school, school_map, ks),
            same_school,
            entries,
        ),
        "stages": {
            "names": list(attrs.stage_names),
            "members": stage_sizes.tolist(),
            "mean": [float(d.mean()) if d.size else 0.0 for d in by_stage],
            "median": [float(np.median(d)) if d.size else 0.0 for d in by_stage],
        },
        "bridges": _bridges(per_member, attrs, g_ind, limits.bridges_listed),
        "cohorts": _all_cohorts(attrs, ids, deg, limits.min_cohort),
    }


def _only_active(indptr: I64, indices: I32, active: B8) -> tuple[I64, I32]:
    """The CSR without the rows and entries of inactive members."""
    deg = np.diff(indptr)
    keep = np.repeat(active, deg) & active[indices]
    rows = np.repeat(np.arange(deg.size), deg)[keep]
    out = np.zeros(deg.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=deg.size), out=out[1:])
    return out, indices[keep]


def _small(codes: I64) -> NDArray[np.unsignedinteger[Any]]:
    """Codes in the smallest unsigned type that holds them (gathers move fewer bytes)."""
    top = int(codes.max()) if codes.size else 0
    dtype = np.uint8 if top < 1 << 8 else np.uint16 if top < 1 << 16 else np.uint32
    return codes.astype(dtype)


def _by_group(per_member: I32, codes: I64, width: int, *, extra: int = 0) -> I64:
    """Group x group connection counts (both directions) from per-member counts:
    row ``g`` sums the rows of the members whose own code is ``g``."""
    out = np.zeros((width + extra, width + extra), dtype=np.int64)
    for g in range(width):
        mask = codes == g
        if mask.any():
            out[g, :width] = per_member[mask].sum(axis=0, dtype=np.int64)
    return out


def _histogram(deg: I64) -> list[list[int]]:
    counts = np.bincount(deg) if deg.size else np.zeros(0, dtype=np.int64)
    present = np.flatnonzero(counts)
    return [[int(k), int(counts[k])] for k in present]


def _bridges(per_member: I32, attrs: Attributes, g_ind: int, listed: int) -> list[dict[str, Any]]:
    """Members holding the largest shares of the ties between industries."""
    if g_ind == 0:
        return []
    own = attrs.industry.astype(np.int64)
    known = attrs.active & (own >= 0)
    rows = np.flatnonzero(known)
    counts = per_member[rows, :g_ind].astype(np.float64)
    ties = np.zeros((g_ind, g_ind), dtype=np.float64)
    for g in range(g_ind):
        ties[g] = counts[own[rows] == g].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = np.where(ties > 0, 1.0 / ties, 0.0)
    np.fill_diagonal(inverse, 0.0)
    shares = counts * inverse[own[rows]]
    scores = shares.sum(axis=1)
    best = shares.argmax(axis=1) if rows.size else np.zeros(0, dtype=np.int64)
    order = np.lexsort((rows, -scores))
    out = []
    for i in order[:listed]:
        if scores[i] <= 0:
            break
        g, h = int(own[rows[i]]), int(best[i])
        out.append(
            {
                "id": int(rows[i]),
                "score": float(scores[i]),
                "industry": attrs.industry_names[g],
                "other_industry": attrs.industry_names[h],
                "ties_to_other": int(counts[i, h]),
                "pair_ties": int(ties[g, h]),
                "industries_reached": int(np.count_nonzero(counts[i] > 0)),
            }
        )
    return out


def _all_cohorts(
    attrs: Attributes, ids: I64, deg: I64, min_cohort: int
) -> dict[str, dict[str, dict[str, Any]]]:
    ind = attrs.industry[ids].astype(np.int64)
    stage = attrs.stage[ids].astype(np.int64)
    s = len(attrs.stage_names)
    both = (ind >= 0) & (stage >= 0)
    pair_names = [f"{i}|{st}" for i in attrs.industry_names for st in attrs.stage_names]
    return {
        "industry": _cohorts(ind[ind >= 0], attrs.industry_names, deg[ind >= 0], min_cohort),
        "stage": _cohorts(stage[stage >= 0], attrs.stage_names, deg[stage >= 0], min_cohort),
        "industry_stage": _cohorts(ind[both] * s + stage[both], pair_names, deg[both], min_cohort),
    }
