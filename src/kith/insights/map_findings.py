"""What a network map tells, in words: the largest circles, the bridges between circles,
the circles one has not interacted with in a year, and the connections in no circle.

A *bridge* is a member through whom two circles touch that otherwise would not: every
connection between the two circles has them at one end (they belong to one of the
two), or no member of one circle is connected with a member of the other and they are
connected with both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kith.insights.map_labels import People
from kith.uow import Ctx

LARGEST_LISTED = 3
BRIDGES_LISTED = 5
QUIET_DAYS = 365
LOOSE_LISTED = 12


@dataclass(frozen=True)
class Bridge:
    member_id: int
    circle: int  # their own circle, -1 for none
    links: list[tuple[int, int]]  # the pairs of circles they link, lower first


@dataclass(frozen=True)
class QuietCircle:
    index: int
    last_interaction: datetime | None  # the latest with any of its members


@dataclass
class Findings:
    largest: list[int] = field(default_factory=list)  # circle indices, largest first
    bridges: list[Bridge] = field(default_factory=list)
    quiet: list[QuietCircle] = field(default_factory=list)
    loose: list[int] = field(default_factory=list)  # member ids in no circle (first few)
    loose_count: int = 0


def bridges(
    community: NDArray[np.int32], src: NDArray[np.int32], dst: NDArray[np.int32]
) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """``(point, own circle, circle pairs linked)`` for every bridge (see the module
    docstring), the ones linking most pairs first.

    >>> import numpy as np
    >>> c = np.array([0, 0, 0, 1, 1, 1, -1], dtype=np.int32)
    >>> s = np.array([0, 0, 1, 3, 3, 4, 2], dtype=np.int32)
    >>> d = np.array([1, 2, 2, 4, 5, 5, 3], dtype=np.int32)
    >>> bridges(c, s, d)
    [(2, 0, [(0, 1)]), (3, 1, [(0, 1)])]
    """
    k = int(community.max()) + 1 if community.size else 0
    if k < 2 or not src.size:
        return []
    cs, cd = community[src].astype(np.int64), community[dst].astype(np.int64)
    # Lines between each pair of circles (a k-by-k table, symmetric).
    crossing = (cs >= 0) & (cd >= 0) & (cs != cd)
    between = np.bincount(
        np.minimum(cs, cd)[crossing] * k + np.maximum(cs, cd)[crossing], minlength=k * k
    ).reshape(k, k)
    between = between + between.T
    # Each point's lines to each circle other than its own: (point, circle) -> lines.
    point = np.concatenate([src, dst]).astype(np.int64)
    other = np.concatenate([cd, cs])
    own = community[point].astype(np.int64)
    reach = (other >= 0) & (other != own)
    keys, lines = np.unique(point[reach] * k + other[reach], return_counts=True)
    p_of, c_of = keys // k, keys % k
    links: dict[int, set[tuple[int, int]]] = defaultdict(set)
    # They belong to one circle and every line between it and another is theirs.
    mine = community[p_of].astype(np.int64)
    alone = (mine >= 0) & (between[np.maximum(mine, 0), c_of] == lines)
    for p, a, b in zip(p_of[alone].tolist(), mine[alone].tolist(), c_of[alone].tolist(),
                       strict=True):  # fmt: skip
        links[p].add((min(a, b), max(a, b)))
    # They reach two circles that have no line between them at all.
    starts = np.flatnonzero(np.r_[True, p_of[1:] != p_of[:-1]])
    ends = np.r_[starts[1:], p_of.size]
    apart = between == 0
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if e - s < 2:
            continue
        reached = c_of[s:e]
        for i, j in np.argwhere(np.triu(apart[np.ix_(reached, reached)], 1)).tolist():
            a, b = int(reached[i]), int(reached[j])
            links[int(p_of[s])].add((min(a, b), max(a, b)))
    out = [(p, int(community[p]), sorted(found)) for p, found in links.items()]
    out.sort(key=lambda t: (-len(t[2]), t[0]))
    return out


def findings(
    ctx: Ctx,
    community: NDArray[np.int32],
    src: NDArray[np.int32],
    dst: NDArray[np.int32],
    ids: NDArray[np.int64],
    people: People,
    circles: dict[int, Any],
) -> Findings:
    """The map's findings (circle indices refer to ``circles``)."""
    out = Findings()
    by_size = sorted(circles.values(), key=lambda c: (-c.size, c.index))
    out.largest = [c.index for c in by_size[:LARGEST_LISTED]]
    out.bridges = [
        Bridge(int(ids[p]), own, links) for p, own, links in bridges(community, src, dst)
    ][:BRIDGES_LISTED]
    cutoff = ctx.clock.now() - timedelta(days=QUIET_DAYS)
    latest: dict[int, datetime] = {}
    for i, c in enumerate(community.tolist()):
        when = people.last_interaction.get(int(ids[i]))
        if c >= 0 and when is not None and (c not in latest or when > latest[c]):
            latest[c] = when
    out.quiet = [
        QuietCircle(c.index, latest.get(c.index))
        for c in by_size
        if c.index not in latest or latest[c.index] < cutoff
    ]
    loose = ids[community < 0]
    out.loose_count = int(loose.size)
    out.loose = loose[:LOOSE_LISTED].tolist()
    return out
