"""Gentle endorsement prompts: "Does Ana know Python?", asked about connections made
lately and beside "Due to reconnect".

A member sees at most ``endorsement_prompts_per_day`` a day: the ones answered or
dismissed today count against it, so answering one does not bring on an endless
supply. Never about a skill closed to endorsements, one the member already endorsed,
one they dismissed, or a member who does not receive endorsements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from kith.endorsements.service import connected_ids, endorse, profile_skill
from kith.errors import Invalid
from kith.models import (
    Connection,
    Endorsement,
    EndorsementPrompt,
    EndorsementSetting,
    Member,
    MemberSkill,
    Skill,
    SkillChoice,
)
from kith.uow import Ctx


@dataclass(frozen=True)
class Prompt:
    member: Member
    skill_id: int
    skill: str

    @property
    def question(self) -> str:
        return f"Does {self.member.first_name} know {self.skill}?"


def _today(ctx: Ctx) -> datetime:
    now = ctx.clock.now()
    return datetime.combine(now.date(), time(), tzinfo=now.tzinfo)


def acted_today(ctx: Ctx, member_id: int) -> int:
    """Prompts answered or dismissed today."""
    return int(
        ctx.session.scalar(
            select(func.count()).where(
                EndorsementPrompt.member_id == member_id,
                EndorsementPrompt.dismissed_at >= _today(ctx),
            )
        )
        or 0
    )


def prompts(ctx: Ctx, viewer: Member, candidates: Sequence[Member]) -> list[Prompt]:
    """Prompts about ``candidates`` (in their order), one skill each, within the day's
    allowance; only about current connections."""
    left = ctx.settings.endorsement_prompts_per_day - acted_today(ctx, viewer.id)
    ids = [m.id for m in candidates if m.id != viewer.id]
    if left <= 0 or not ids:
        return []
    connected = set(
        ctx.session.scalars(
            select(Member.id).where(Member.id.in_(ids), Member.id.in_(connected_ids(viewer.id)))
        )
    )
    closed_to = select(EndorsementSetting.member_id).where(
        EndorsementSetting.receiving.is_(False), EndorsementSetting.member_id.in_(ids)
    )
    rows = ctx.session.execute(
        select(MemberSkill.member_id, Skill.id, Skill.name, SkillChoice.top_rank)
        .join(Skill, Skill.id == MemberSkill.skill_id)
        .outerjoin(
            SkillChoice,
            (SkillChoice.member_id == MemberSkill.member_id)
            & (SkillChoice.skill_id == MemberSkill.skill_id),
        )
        .where(
            MemberSkill.member_id.in_([i for i in ids if i in connected]),
            MemberSkill.member_id.not_in(closed_to),
            SkillChoice.closed.is_not(True),
            ~select(Endorsement.id)
            .where(
                Endorsement.endorser_id == viewer.id,
                Endorsement.recipient_id == MemberSkill.member_id,
                Endorsement.skill_id == MemberSkill.skill_id,
            )
            .exists(),
            ~select(EndorsementPrompt.member_id)
            .where(
                EndorsementPrompt.member_id == viewer.id,
                EndorsementPrompt.other_id == MemberSkill.member_id,
                EndorsementPrompt.skill_id == MemberSkill.skill_id,
            )
            .exists(),
        )
    ).all()
    best: dict[int, tuple[int, str, int]] = {}
    for member_id, skill_id, name, rank in rows:
        key = (rank or 99, str(name).lower(), int(skill_id))
        if member_id not in best or key < best[member_id]:
            best[member_id] = key
    out: list[Prompt] = []
    for m in candidates:
        if m.id in best and len(out) < left:
            _, _, skill_id = best[m.id]
            name = next(str(n) for mid, sid, n, _r in rows if mid == m.id and sid == skill_id)
            out.append(Prompt(m, skill_id, name))
    return out


def recent_connections(ctx: Ctx, viewer: Member, limit: int = 10) -> list[Member]:
    """Connections made in the last ``endorsement_prompt_recent_days``, newest first."""
    since = ctx.clock.now() - timedelta(days=ctx.settings.endorsement_prompt_recent_days)
    other = func.coalesce(func.nullif(Connection.member_lo_id, viewer.id), Connection.member_hi_id)
    stmt = (
        select(Member)
        .join(Connection, Member.id == other)
        .where(
            (Connection.member_lo_id == viewer.id) | (Connection.member_hi_id == viewer.id),
            Connection.created_at >= since,
            Member.is_active.is_(True),
        )
        .order_by(Connection.created_at.desc(), Member.id)
        .limit(limit)
    )
    return list(ctx.session.scalars(stmt))


def answer(ctx: Ctx, viewer: Member, other: Member, skill_id: int, yes: bool) -> str:
    """Answer a prompt: yes endorses, no dismisses it for good; either way it is not
    asked again. The sentence to confirm it."""
    skill = profile_skill(ctx, other.id, skill_id)
    if yes:
        endorse(ctx, viewer, other, skill_id)
    elif viewer.id == other.id:
        raise Invalid("You cannot endorse your own skills.", code="cannot_endorse_self")
    dialect = ctx.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    ctx.session.execute(
        insert(EndorsementPrompt)
        .values(
            member_id=viewer.id, other_id=other.id, skill_id=skill_id, dismissed_at=ctx.clock.now()
        )
        .on_conflict_do_nothing()
    )
    if yes:
        return f"You endorsed {other.first_name} for {skill.name}"
    return "We won't ask about that again"
