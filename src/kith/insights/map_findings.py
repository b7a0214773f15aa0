"""What a network map tells, in words: the largest circles, the bridges between circles,
the circles one has not interacted with in a year, and the connections in no circle.

A *bridge* is a member through whom two circles touch that otherwise would not: every
connection between the two circles has them at one end (they belong to one of the
two), or no member of one circle is connected with a member of the other and they are
connected with both.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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
    cs, cd = community[src], community[dst]
    between: Counter[tuple[int, int]] = Counter()
    touches: dict[int, Counter[int]] = defaultdict(Counter)  # point -> circle -> lines
    for u, v, a, b in zip(src.tolist(), dst.tolist(), cs.tolist(), cd.tolist(), strict=True):
        if a >= 0 and b >= 0 and a != b:
            between[(min(a, b), max(a, b))] += 1
        if b >= 0 and b != a:
            touches[u][b] += 1
        if a >= 0 and a != b:
            touches[v][a] += 1
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    for point, reached in touches.items():
        own = int(community[point])
        links: set[tuple[int, int]] = set()
        for other, lines in reached.items():
            if own >= 0 and between[(min(own, other), max(own, other))] == lines:
                links.add((min(own, other), max(own, other)))
        others = sorted(reached)
        for i, a in enumerate(others):
            for b in others[i + 1 :]:
                if between[(a, b)] == 0:
                    links.add((a, b))
        if links:
            out.append((point, own, sorted(links)))
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
