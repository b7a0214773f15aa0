"""Endorsements in the insights: a member's top skills and who endorses them by
degree (My insights), and the community's most endorsed skills by industry
(Community insights). Counts follow the connection rule: only endorsements given by
a current connection of their recipient are shown, so only those are counted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, case, func, select

from kith.endorsements.service import shown_by
from kith.graph.service import DEGREE_LABELS, degrees
from kith.models import Connection, Endorsement, Member, MemberSkill, Skill
from kith.uow import Ctx

TOP_SKILLS = 5
INDUSTRIES_SHOWN = 8
SKILLS_PER_INDUSTRY = 5


@dataclass(frozen=True)
class MyEndorsements:
    top: list[tuple[str, int]]  # the member's skills by shown endorsements
    by_degree: list[tuple[str, int]]  # endorsers now: 1st (shown), 2nd, 3rd, out of network
    endorsers: int


def my_endorsements(ctx: Ctx, member: Member) -> MyEndorsements:
    """The member's top skills by endorsements, and who endorsed them by degree now
    (an endorser who is no longer a connection is 2nd, 3rd or out of network, and
    their endorsements are hidden until you reconnect)."""
    count = func.count()
    top = ctx.session.execute(
        select(Skill.name, count)
        .select_from(Endorsement)
        .join(Skill, Skill.id == Endorsement.skill_id)
        .join(
            MemberSkill,
            (MemberSkill.member_id == Endorsement.recipient_id)
            & (MemberSkill.skill_id == Endorsement.skill_id),
        )
        .where(shown_by(member.id))
        .group_by(Skill.id, Skill.name)
        .order_by(count.desc(), Skill.name)
        .limit(TOP_SKILLS)
    ).all()
    endorsers = np.unique(
        np.fromiter(
            ctx.session.scalars(
                select(Endorsement.endorser_id).where(
                    Endorsement.recipient_id == member.id, Endorsement.hidden.is_(False)
                )
            ),
            dtype=np.int64,
        )
    )
    found = degrees(ctx, member, endorsers) if endorsers.size else np.zeros(0, np.int8)
    by_degree = [
        (DEGREE_LABELS[d], int(np.count_nonzero(found == d)))
        for d in (1, 2, 3, 0)
        if np.count_nonzero(found == d)
    ]
    return MyEndorsements([(str(n), int(c)) for n, c in top], by_degree, int(endorsers.size))


def community_skills(ctx: Ctx) -> list[tuple[str, list[tuple[str, int]]]]:
    """The community's most endorsed skills in each of its most endorsing industries:
    (industry, [(skill, endorsements)]), one statement over the shown endorsements."""
    lo = case(
        (Endorsement.recipient_id < Endorsement.endorser_id, Endorsement.recipient_id),
        else_=Endorsement.endorser_id,
    )
    hi = case(
        (Endorsement.recipient_id < Endorsement.endorser_id, Endorsement.endorser_id),
        else_=Endorsement.recipient_id,
    )
    connected = (
        select(Connection.id)
        .where(and_(Connection.member_lo_id == lo, Connection.member_hi_id == hi))
        .exists()
    )
    count = func.count()
    rows = ctx.session.execute(
        select(Member.industry, Skill.name, count)
        .select_from(Endorsement)
        .join(Member, Member.id == Endorsement.recipient_id)
        .join(Skill, Skill.id == Endorsement.skill_id)
        .where(Endorsement.hidden.is_(False), Member.industry != "", connected)
        .group_by(Member.industry, Skill.id, Skill.name)
        .order_by(count.desc(), Skill.name)
    ).all()
    by_industry: dict[str, list[tuple[str, int]]] = {}
    totals: dict[str, int] = {}
    for industry, skill, n in rows:
        totals[industry] = totals.get(industry, 0) + int(n)
        listed = by_industry.setdefault(industry, [])
        if len(listed) < SKILLS_PER_INDUSTRY:
            listed.append((str(skill), int(n)))
    biggest = sorted(totals, key=lambda i: (-totals[i], i))[:INDUSTRIES_SHOWN]
    return [(i, by_industry[i]) for i in biggest]
