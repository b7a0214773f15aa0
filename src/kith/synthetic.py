"""A synthetic professional network: members, careers, schools and who knows whom.

Pure numpy and deterministic for a given seed. Used by the benchmark and by the
demo-data command (which turns these arrays into names, companies and schools).

Examples
--------
>>> net = generate_network(2000, mean_degree=40, seed=1)
>>> net.num_members, bool(net.a.size > 0), bool((net.a < net.b).all())
(2000, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["SyntheticNetwork", "generate_network"]

I16 = NDArray[np.int16]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]

CURRENT_YEAR = 2025
MAX_CONNECTIONS = 30_000
_BLOCK = 1 << 23

# Share of each member's connections made in each context.
_CONTEXTS = {"company": 0.45, "school": 0.15, "industry": 0.25, "random": 0.15}


@dataclass(frozen=True)
class SyntheticNetwork:
    """Arrays describing a generated community. Member ids are ``1..num_members``.

    Attributes
    ----------
    a, b : ndarray of int32
        Connection endpoints, ``a < b``, unique, sorted by ``(a, b)``.
    member_industry : ndarray of int16
        ``member_industry[i]`` is the industry of member ``i + 1``.
    member_degree_target : ndarray of int32
        The connection count each member was drawn to have (before de-duplication).
    position_member, position_company : ndarray of int32
        One row per position (1-5 per member), in career order.
    position_start, position_end : ndarray of int16
        Years; ``position_end`` is -1 for a current position.
    school_member, school_id : ndarray of int32
        One row per school attended (1-2 per member).
    school_start, school_end : ndarray of int16
    company_industry : ndarray of int16
        Industry of each company.
    num_companies, num_schools, num_industries : int

    Examples
    --------
    >>> net = generate_network(500, mean_degree=20, seed=3)
    >>> int(net.position_member.min()), int(net.position_member.max())
    (1, 500)
    """

    num_members: int
    a: I32
    b: I32
    member_industry: I16
    member_degree_target: I32
    position_member: I32
    position_company: I32
    position_start: I16
    position_end: I16
    school_member: I32
    school_id: I32
    school_start: I16
    school_end: I16
    company_industry: I16
    num_companies: int
    num_schools: int
    num_industries: int

    @property
    def num_edges(self) -> int:
        """Number of undirected connections.

        Examples
        --------
        >>> generate_network(100, mean_degree=10, seed=0).num_edges > 0
        True
        """
        return int(self.a.size)

    def degrees(self) -> I64:
        """Connection count per member (index ``i`` is member ``i + 1``).

        Examples
        --------
        >>> net = generate_network(300, mean_degree=12, seed=0)
        >>> int(net.degrees().sum()) == 2 * net.num_edges
        True
        """
        n = self.num_members + 1
        deg = np.bincount(self.a, minlength=n) + np.bincount(self.b, minlength=n)
        return deg[1:].astype(np.int64)


def _heavy_weights(rng: np.random.Generator, k: int, shape: float) -> NDArray[np.float64]:
    w: NDArray[np.float64] = rng.pareto(shape, k) + 1.0
    out: NDArray[np.float64] = w / w.sum()
    return out


def _target_degrees(rng: np.random.Generator, n: int, mean_degree: float) -> I64:
    """Lognormal body (median/mean about 0.81), a low-activity group and a heavy tail."""
    body = rng.lognormal(0.0, 0.64, n)
    low = rng.random(n) < 0.06
    body[low] = rng.lognormal(np.log(0.05), 0.9, int(low.sum()))
    hubs = rng.random(n) < 0.0006
    body[hubs] = (rng.pareto(1.3, int(hubs.sum())) + 1.0) * 8.0
    scale = mean_degree / float(np.minimum(body * mean_degree, MAX_CONNECTIONS).mean())
    for _ in range(3):  # capped mean is not linear in the scale; refine
        d = np.minimum(body * mean_degree * scale, MAX_CONNECTIONS)
        scale *= mean_degree / float(d.mean())
    d = np.minimum(body * mean_degree * scale, min(MAX_CONNECTIONS, n - 1))
    return np.maximum(np.floor(d + rng.random(n)), 1).astype(np.int64)


def _stoch_round(rng: np.random.Generator, x: NDArray[np.float64]) -> I64:
    return np.floor(x + rng.random(x.size)).astype(np.int64)


def _context_edges(
    rng: np.random.Generator,
    unit_member: I64,
    unit_group: I64,
    unit_order: I64,
    unit_stubs: I64,
    *,
    p_uniform: float,
    window: int,
) -> list[I64]:
    """Edges made inside groups: each stub links its member to a stub of the same group.

    Units (a member's presence in a group) are sorted by group then ``unit_order``
    (e.g. start year); a stub picks its partner either uniformly in the group
    (proportional to the partners' stub counts, Chung-Lu style) or near itself in
    that order (overlapping tenure / same class year). Returns packed
    ``min << 32 | max`` keys per block (self-pairs dropped, duplicates kept).
    """
    order = np.lexsort((unit_order, unit_group))
    member = unit_member[order]
    group = unit_group[order]
    stubs = unit_stubs[order]
    cum = np.cumsum(stubs)
    total = int(cum[-1]) if cum.size else 0
    if total == 0:
        return []
    starts = cum - stubs
    new_group = np.empty(group.size, dtype=np.bool_)
    new_group[0] = True
    np.not_equal(group[1:], group[:-1], out=new_group[1:])
    gid = np.cumsum(new_group) - 1
    g_first = np.flatnonzero(new_group)
    g_lo = starts[g_first]
    g_hi = np.append(g_lo[1:], total)
    out: list[I64] = []
    u0 = 0
    while u0 < member.size:
        u1 = int(np.searchsorted(cum, int(starts[u0]) + _BLOCK, side="right"))
        u1 = max(u1, u0 + 1)
        own_unit = np.repeat(np.arange(u0, u1), stubs[u0:u1])
        u0 = u1
        if own_unit.size == 0:
            continue
        own_idx = np.arange(int(starts[own_unit[0]]), int(starts[own_unit[0]]) + own_unit.size)
        g = gid[own_unit]
        lo, hi = g_lo[g], g_hi[g]
        pick = np.empty(own_unit.size, dtype=np.int64)
        uni = rng.random(own_unit.size) < p_uniform
        span = (hi - lo)[uni]
        pick[uni] = lo[uni] + (rng.random(span.size) * span).astype(np.int64)
        near = ~uni
        offs = np.rint(rng.standard_normal(int(near.sum())) * window).astype(np.int64)
        pick[near] = np.clip(own_idx[near] + offs, lo[near], hi[near] - 1)
        partner = member[np.searchsorted(cum, pick, side="right")]
        mine = member[own_unit]
        keep = mine != partner
        x, y = mine[keep], partner[keep]
        out.append((np.minimum(x, y) << 32) | np.maximum(x, y))
    return out


def _dedupe(parts: list[I64]) -> I64:
    keys = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    parts.clear()
    keys.sort()
    if keys.size == 0:
        return keys
    keep = np.empty(keys.size, dtype=np.bool_)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def generate_network(
    num_members: int,
    *,
    mean_degree: float = 420,
    seed: int = 0,
    num_industries: int | None = None,
    num_companies: int | None = None,
    num_schools: int | None = None,
) -> SyntheticNetwork:
    """Generate a believable professional network.

    Members belong to industries, have 1-5 positions at companies (heavy-tailed
    company sizes; start/end years) and 1-2 schools. Connections are made mostly
    with colleagues (overlapping tenure more likely), classmates (close years), people
    in the same industry, plus random long-range links. Connection counts follow a
    skewed, lognormal-like distribution: with ``mean_degree=420`` the median is near
    340, some members have a handful of connections and a few have thousands (capped
    at 30,000).

    Parameters
    ----------
    num_members : int
        Members, with ids ``1..num_members``.
    mean_degree : float
        Target mean connection count.
    seed : int
        Same seed, same network.
    num_industries, num_companies, num_schools : int, optional
        Override the defaults (25, members/25 and members/400, with small minimums).

    Returns
    -------
    SyntheticNetwork

    Examples
    --------
    >>> net = generate_network(2000, mean_degree=50, seed=7)
    >>> deg = net.degrees()
    >>> 30 < float(deg.mean()) < 60
    True
    >>> bool((net.a != net.b).all()) and int(net.b.max()) <= 2000
    True
    """
    n = int(num_members)
    if n < 2:
        raise ValueError("num_members must be at least 2")
    rng = np.random.default_rng(seed)
    k_ind = int(num_industries or max(1, min(25, n // 40)))
    k_comp = int(num_companies or max(5, n // 25))
    k_school = int(num_schools or max(3, n // 400))
    members = np.arange(1, n + 1, dtype=np.int64)

    ind_w = _heavy_weights(rng, k_ind, 2.0)
    member_industry = rng.choice(k_ind, n, p=ind_w).astype(np.int64)
    company_industry = rng.choice(k_ind, k_comp, p=ind_w).astype(np.int64)
    comp_w = _heavy_weights(rng, k_comp, 1.1)
    school_w = _heavy_weights(rng, k_school, 1.3)

    # Careers: graduation year, 1-5 positions splitting the years since.
    career = np.minimum(rng.gamma(2.0, 7.0, n).astype(np.int64), 45)
    grad = CURRENT_YEAR - career
    k_pos = 1 + np.minimum(rng.poisson(career / 8.0), 4)
    pos_member = np.repeat(members, k_pos)
    first = np.ones(pos_member.size, dtype=np.bool_)
    first[1:] = pos_member[1:] != pos_member[:-1]
    frac = rng.random(pos_member.size)
    frac[first] = 0.0
    order = np.lexsort((frac, pos_member))
    frac = frac[order]
    span = (CURRENT_YEAR - grad)[pos_member - 1]
    pos_start = grad[pos_member - 1] + np.floor(frac * span).astype(np.int64)
    last = np.ones(pos_member.size, dtype=np.bool_)
    last[:-1] = pos_member[1:] != pos_member[:-1]
    pos_end = np.empty_like(pos_start)
    pos_end[:-1] = pos_start[1:]
    ended = rng.random(pos_member.size) < 0.1
    pos_end[last] = np.where(
        ended[last],
        np.clip(pos_start[last] + 1 + rng.integers(0, 4, int(last.sum())), 0, CURRENT_YEAR - 1),
        -1,
    )
    pos_end[last] = np.where(pos_end[last] >= 0, np.maximum(pos_end[last], pos_start[last]), -1)
    # Company: in the member's industry 80 % of the time, weighted by company size.
    pos_ind = member_industry[pos_member - 1].copy()
    switch = rng.random(pos_member.size) < 0.2
    pos_ind[switch] = rng.choice(k_ind, int(switch.sum()), p=ind_w)
    by_ind = np.argsort(company_industry, kind="stable")
    cw = np.cumsum(comp_w[by_ind])
    ind_bounds = np.searchsorted(company_industry[by_ind], np.arange(k_ind + 1))
    lo_w = np.where(ind_bounds[:-1] > 0, cw[np.maximum(ind_bounds[:-1] - 1, 0)], 0.0)
    hi_w = np.where(ind_bounds[1:] > 0, cw[np.maximum(ind_bounds[1:] - 1, 0)], 0.0)
    empty_ind = hi_w[pos_ind] <= lo_w[pos_ind]
    u = lo_w[pos_ind] + rng.random(pos_member.size) * (hi_w[pos_ind] - lo_w[pos_ind])
    slot = np.minimum(np.searchsorted(cw, u, side="right"), k_comp - 1)
    pos_company = by_ind[slot]
    if empty_ind.any():
        pos_company[empty_ind] = rng.choice(k_comp, int(empty_ind.sum()), p=comp_w)

    # Schools: a first degree ending at graduation, 30 % a second one after it.
    two = rng.random(n) < 0.3
    sch_member = np.concatenate([members, members[two]])
    sch_id = rng.choice(k_school, sch_member.size, p=school_w).astype(np.int64)
    g1 = grad
    sch_start = np.concatenate([g1 - 4, g1[two]])
    sch_end = np.concatenate([g1, np.minimum(g1[two] + 2, CURRENT_YEAR)])
    sorder = np.lexsort((sch_start, sch_member))
    sch_member, sch_id, sch_start, sch_end = (
        sch_member[sorder],
        sch_id[sorder],
        sch_start[sorder],
        sch_end[sorder],
    )

    # Connections.
    target = _target_degrees(rng, n, mean_degree)
    half = target / 2.0
    tenure = np.maximum(np.where(pos_end < 0, CURRENT_YEAR, pos_end) - pos_start + 1, 1)
    share = tenure / np.bincount(pos_member, weights=tenure, minlength=n + 1)[pos_member]
    parts: list[I64] = []
    parts += _context_edges(
        rng,
        pos_member,
        pos_company,
        pos_start,
        _stoch_round(rng, half[pos_member - 1] * _CONTEXTS["company"] * share),
        p_uniform=0.35,
        window=1500,
    )
    sch_share = 1.0 / np.bincount(sch_member, minlength=n + 1)[sch_member]
    parts += _context_edges(
        rng,
        sch_member,
        sch_id,
        sch_start,
        _stoch_round(rng, half[sch_member - 1] * _CONTEXTS["school"] * sch_share),
        p_uniform=0.3,
        window=2000,
    )
    parts += _context_edges(
        rng,
        members,
        member_industry,
        grad,
        _stoch_round(rng, half * _CONTEXTS["industry"]),
        p_uniform=0.5,
        window=20000,
    )
    parts += _context_edges(
        rng,
        members,
        np.zeros(n, dtype=np.int64),
        members,
        _stoch_round(rng, half * _CONTEXTS["random"]),
        p_uniform=1.0,
        window=1,
    )
    keys = _dedupe(parts)
    # Top up members left short by duplicates within small companies and schools.
    deg = np.bincount(keys >> 32, minlength=n + 1) + np.bincount(keys & 0xFFFFFFFF, minlength=n + 1)
    deficit = np.maximum(target - deg[1:], 0)
    if deficit.sum() > 0.01 * target.sum():
        extra = _context_edges(
            rng,
            members,
            member_industry,
            grad,
            _stoch_round(rng, deficit * 0.5),
            p_uniform=0.6,
            window=20000,
        )
        keys = _dedupe([keys, *extra])
    a = (keys >> 32).astype(np.int32)
    b = (keys & 0xFFFFFFFF).astype(np.int32)
    del keys
    return SyntheticNetwork(
        num_members=n,
        a=a,
        b=b,
        member_industry=member_industry.astype(np.int16),
        member_degree_target=target.astype(np.int32),
        position_member=pos_member.astype(np.int32),
        position_company=pos_company.astype(np.int32),
        position_start=pos_start.astype(np.int16),
        position_end=pos_end.astype(np.int16),
        school_member=sch_member.astype(np.int32),
        school_id=sch_id.astype(np.int32),
        school_start=sch_start.astype(np.int16),
        school_end=sch_end.astype(np.int16),
        company_industry=company_industry.astype(np.int16),
        num_companies=k_comp,
        num_schools=k_school,
        num_industries=k_ind,
    )
