"""Skills in people search: the skill filter and facet, and the endorsements a result
holds from the searcher's own connections ("Python — endorsed by 3 of your
connections"), which rank it higher.

Which endorsers are the searcher's connections comes from the network engine (their
neighbour list), and an endorsement counts only while its endorser is a connection of
its recipient (the connection rule of :mod:`kith.endorsements.service`), also read
from the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select

from kith.endorsements.service import pairs
from kith.graph import service as graph
from kith.idlists import id_in
from kith.members.service import entity_key
from kith.models import Endorsement, Member, MemberSkill, Skill
from kith.search_index import tokens
from kith.uow import Ctx

IdArray = np.ndarray[Any, np.dtype[np.int64]]

#: Points a result gains for its skill endorsed by the searcher's connections, in full
#: from ENDORSED_FULL of them (docs/search.md).
ENDORSED_WEIGHT = 1.0
ENDORSED_FULL = 10


def skill_ids(ctx: Ctx, values: Sequence[str]) -> dict[int, str]:
    """The skills ``values`` name (case and spacing aside): id -> name."""
    keys = [k for k in (entity_key(v) for v in values) if k]
    if not keys:
        return {}
    rows = ctx.session.execute(select(Skill.id, Skill.name).where(Skill.key.in_(keys)))
    return {int(i): str(n) for i, n in rows}


def keyword_skills(ctx: Ctx, keywords: str) -> dict[int, str]:
    """Skills the keywords name as a whole ("python", "machine learning")."""
    return skill_ids(ctx, [keywords]) if tokens(keywords) else {}


def members_with(ctx: Ctx, skills: Sequence[int]) -> IdArray:
    """The members who list one of ``skills``, sorted."""
    stmt = select(MemberSkill.member_id).where(MemberSkill.skill_id.in_(list(skills)))
    ids = np.fromiter(ctx.session.connection().scalars(stmt), dtype=np.int64)
    return np.unique(ids)


@dataclass(frozen=True)
class NetworkEndorsements:
    """For each result (aligned with the ids asked about): how many of the searcher's
    connections endorsed it for one of the skills, and that skill's name."""

    counts: IdArray
    skills: dict[int, str]  # member id -> the skill most endorsed by the connections

    def line(self, member_id: int, n: int) -> str:
        if not n or member_id not in self.skills:
            return ""
        noun = "connection" if n == 1 else "connections"
        return f"{self.skills[member_id]} — endorsed by {n} of your {noun}"

    def points(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        return ENDORSED_WEIGHT * np.minimum(self.counts, ENDORSED_FULL) / ENDORSED_FULL


def network_endorsements(
    ctx: Ctx, viewer: Member, ids: IdArray, skills: dict[int, str]
) -> NetworkEndorsements:
    """Endorsements of ``skills`` on the members ``ids`` given by the viewer's current
    connections, each still shown on its recipient's profile."""
    counts = np.zeros(ids.size, dtype=np.int64)
    if not skills or not ids.size:
        return NetworkEndorsements(counts, {})
    eng = graph.engine(ctx)
    mine = eng.neighbors(viewer.id).astype(np.int64)
    if not mine.size:
        return NetworkEndorsements(counts, {})
    rows = ctx.session.execute(
        select(Endorsement.recipient_id, Endorsement.skill_id, Endorsement.endorser_id)
        .join(
            MemberSkill,
            (MemberSkill.member_id == Endorsement.recipient_id)
            & (MemberSkill.skill_id == Endorsement.skill_id),
        )
        .where(
            Endorsement.skill_id.in_(list(skills)),
            Endorsement.hidden.is_(False),
            id_in(ctx, Endorsement.recipient_id, ids.tolist()),
        )
    ).all()
    if not rows:
        return NetworkEndorsements(counts, {})
    found = pairs(rows, 3)
    found = found[np.isin(found[:, 2], mine)]
    tally: dict[tuple[int, int], int] = {}
    for recipient, skill, endorser in found.tolist():
        if eng.is_connected(endorser, recipient):  # shown: a connection of its recipient
            tally[(recipient, skill)] = tally.get((recipient, skill), 0) + 1
    best: dict[int, tuple[int, int]] = {}
    for (recipient, skill), n in tally.items():
        if n > best.get(recipient, (0, 0))[0]:
            best[recipient] = (n, skill)
    position = {int(m): i for i, m in enumerate(ids.tolist())}
    for recipient, (n, _) in best.items():
        counts[position[recipient]] = n
    return NetworkEndorsements(counts, {m: skills[s] for m, (_, s) in best.items()})


def skill_facet(ctx: Ctx, ids: IdArray, size: int) -> list[tuple[str, int]]:
    """The skills most listed among the members ``ids``, with their counts."""
    if not ids.size:
        return []
    count = func.count(MemberSkill.member_id)
    stmt = (
        select(Skill.name, count)
        .join(Skill, Skill.id == MemberSkill.skill_id)
        .where(id_in(ctx, MemberSkill.member_id, ids.tolist()))
        .group_by(Skill.id, Skill.name)
        .order_by(count.desc(), Skill.name)
        .limit(size)
    )
    return [(str(name), int(n)) for name, n in ctx.session.execute(stmt)]
