"""Demo endorsements that follow the demo's relationships: colleagues (members who
worked at the same company) endorse each other's skills often, other connections now
and then. Planned with numpy over every connection at once, written in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: How likely one member endorses a connection: a colleague, anyone else.
COLLEAGUE_RATE = 0.55
OTHER_RATE = 0.08
MOST_PER_PAIR = 3


def _by_member(pairs: Sequence[dict[str, Any]], column: str) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for row in pairs:
        out.setdefault(int(row["member_id"]), []).append(int(row[column]))
    return out


def plan_endorsements(
    rng: np.random.Generator,
    lo_ids: NDArray[np.int64],
    hi_ids: NDArray[np.int64],
    positions: Sequence[dict[str, Any]],
    skills: Sequence[dict[str, Any]],
    now: datetime,
) -> list[dict[str, Any]]:
    """Endorsement rows for the connections ``lo_ids[i]``–``hi_ids[i]``: each member
    endorses up to three of the other's skills, more likely between colleagues."""
    companies = {m: set(c) for m, c in _by_member(positions, "company_id").items()}
    skills_of = _by_member(skills, "skill_id")
    givers = np.concatenate([lo_ids, hi_ids])
    takers = np.concatenate([hi_ids, lo_ids])
    roll = rng.random(givers.size)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[int, int, int]] = set()
    for giver, taker, chance in zip(givers.tolist(), takers.tolist(), roll.tolist(), strict=True):
        colleagues = bool(companies.get(giver, set()) & companies.get(taker, set()))
        if chance >= (COLLEAGUE_RATE if colleagues else OTHER_RATE):
            continue
        theirs = skills_of.get(taker)
        if not theirs:
            continue
        count = int(rng.integers(1, min(MOST_PER_PAIR, len(theirs)) + 1))
        for k in rng.choice(len(theirs), size=count, replace=False).tolist():
            key = (taker, theirs[k], giver)
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "recipient_id": taker,
                    "skill_id": theirs[k],
                    "endorser_id": giver,
                    "hidden": False,
                    "created_at": now - timedelta(days=int(rng.integers(1, 700))),
                }
            )
    return rows
