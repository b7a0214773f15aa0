"""Endorsing a connection's skills, and the recipient's choices about what they receive.

The connection rule lives in :func:`shown_by`: an endorsement is shown, counted and
notified only while its endorser is a current connection of its recipient (a block
removes the connection, so it hides it too). Nothing is rewritten when a connection
goes or comes back: the rows stay and the rule reads the connection state each time.

Counts are exact under concurrency because they are never stored: the endorsement
row is the truth (one per endorser, recipient and skill, by unique constraint,
inserted with ``ON CONFLICT DO NOTHING``) and a count is counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ColumnElement, delete, func, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite

from kith.connections.queries import connection_between, lock_members
from kith.db import planned_for_values
from kith.errors import Forbidden, Invalid, NotFound
from kith.models import (
    Connection,
    Endorsement,
    EndorsementPrompt,
    EndorsementSetting,
    ImportedEndorsement,
    Member,
    MemberSkill,
    Notification,
    Skill,
    SkillChoice,
)
from kith.notifications.service import notify
from kith.uow import Ctx

TOP_SKILLS_MAX = 3
_ID_MAX = 2**31 - 1  # ids beyond any row's (as the API bounds them)


def not_connected() -> NotFound:
    return NotFound("Only your 1st-degree connections can be endorsed.", code="not_connected")


def skill_not_found() -> NotFound:
    return NotFound("There is no such skill on this profile to endorse.", code="skill_not_found")


def endorsements_off(name: str) -> Forbidden:
    return Forbidden(f"{name} does not receive endorsements.", code="endorsements_off")


def endorsement_not_found() -> NotFound:
    return NotFound("There is no such endorsement of yours.", code="endorsement_not_found")


# -- the connection rule ------------------------------------------------------------


def connected_ids(member_id: int | ColumnElement[int]) -> Any:
    """SQL: the ids of ``member_id``'s current connections."""
    return union_all(
        select(Connection.member_hi_id).where(Connection.member_lo_id == member_id),
        select(Connection.member_lo_id).where(Connection.member_hi_id == member_id),
    )


def shown_by(recipient_id: int) -> ColumnElement[bool]:
    """SQL: endorsements of ``recipient_id`` that are shown: not hidden by them, and
    given by someone who is their connection now."""
    return (
        (Endorsement.recipient_id == recipient_id)
        & Endorsement.hidden.is_(False)
        & Endorsement.endorser_id.in_(connected_ids(recipient_id))
    )


def shown_to(viewer_id: int | None, recipient_id: int) -> ColumnElement[bool]:
    """SQL: endorsements of ``recipient_id`` as ``viewer_id`` sees them. Hiding one is
    silent: its endorser still sees their own (while a connection), as if not hidden."""
    shown = shown_by(recipient_id)
    if viewer_id is None or viewer_id == recipient_id:
        return shown
    own = (
        (Endorsement.recipient_id == recipient_id)
        & (Endorsement.endorser_id == viewer_id)
        & Endorsement.endorser_id.in_(connected_ids(recipient_id))
    )
    return shown | own


def skill_count(ctx: Ctx, member_id: int, skill_id: int, viewer_id: int | None = None) -> int:
    """How many endorsements of one skill of a member are shown (to ``viewer_id``)."""
    return int(
        ctx.session.scalar(
            select(func.count())
            .select_from(Endorsement)
            .where(shown_to(viewer_id, member_id), Endorsement.skill_id == skill_id)
        )
        or 0
    )


def counts_between(ctx: Ctx, owner_id: int, other_ids: Sequence[int]) -> dict[int, int]:
    """For each of ``other_ids``: how many endorsements between them and ``owner_id``
    (both directions) are shown now, and so would be hidden if they disconnected."""
    if not other_ids:
        return {}
    others = list(other_ids)
    on_profile = (
        select(MemberSkill.member_id)
        .where(
            MemberSkill.member_id == Endorsement.recipient_id,
            MemberSkill.skill_id == Endorsement.skill_id,
        )
        .exists()
    )
    other = func.coalesce(
        func.nullif(Endorsement.recipient_id, owner_id), Endorsement.endorser_id
    ).label("other")
    rows = ctx.session.execute(
        select(other, func.count())
        .where(
            Endorsement.hidden.is_(False),
            on_profile,
            or_(
                (Endorsement.recipient_id == owner_id) & Endorsement.endorser_id.in_(others),
                (Endorsement.endorser_id == owner_id) & Endorsement.recipient_id.in_(others),
            ),
        )
        .group_by(other)
    )
    found = {int(m): int(n) for m, n in rows}
    return {m: found.get(m, 0) for m in others}


def pairs(rows: Sequence[Sequence[int]], width: int = 2) -> NDArray[np.int64]:
    """Rows of ids as an ``(n, width)`` array, read without touching each row by name."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=width * len(rows))
    return flat.reshape(-1, width)


# -- settings and choices -----------------------------------------------------------


def receiving(ctx: Ctx, member_id: int) -> bool:
    setting = ctx.session.get(EndorsementSetting, member_id)
    return setting is None or setting.receiving


def _setting(ctx: Ctx, member_id: int) -> EndorsementSetting:
    setting = ctx.session.get(EndorsementSetting, member_id)
    if setting is None:
        setting = EndorsementSetting(member_id=member_id, receiving=True, prompts_shown=0)
        ctx.session.add(setting)
        ctx.session.flush()
    return setting


def set_receiving(ctx: Ctx, member: Member, on: bool) -> bool:
    """Stop or start receiving endorsements (those received stay as they are)."""
    lock_members(ctx.session, member.id)
    _setting(ctx, member.id).receiving = on
    ctx.session.flush()
    return on


def profile_skill(ctx: Ctx, member_id: int, skill_id: int) -> Skill:
    """One of the member's skills, or ``skill_not_found``."""
    if not 1 <= skill_id <= _ID_MAX:
        raise skill_not_found()
    skill = ctx.session.scalar(
        select(Skill)
        .join(MemberSkill, MemberSkill.skill_id == Skill.id)
        .where(MemberSkill.member_id == member_id, Skill.id == skill_id)
    )
    if skill is None:
        raise skill_not_found()
    return skill


def _choice(ctx: Ctx, member_id: int, skill_id: int) -> SkillChoice:
    choice = ctx.session.get(SkillChoice, (member_id, skill_id))
    if choice is None:
        choice = SkillChoice(member_id=member_id, skill_id=skill_id, closed=False)
        ctx.session.add(choice)
    return choice


def choices(ctx: Ctx, member_id: int) -> dict[int, SkillChoice]:
    rows = ctx.session.scalars(select(SkillChoice).where(SkillChoice.member_id == member_id))
    return {c.skill_id: c for c in rows}


def set_skill_closed(ctx: Ctx, member: Member, skill_id: int, closed: bool) -> None:
    """Close one of one's skills to endorsements (or open it again)."""
    profile_skill(ctx, member.id, skill_id)
    lock_members(ctx.session, member.id)
    _choice(ctx, member.id, skill_id).closed = closed
    ctx.session.flush()


def set_top_skills(ctx: Ctx, member: Member, skill_ids: Sequence[int]) -> list[int]:
    """Pin up to three of one's skills, in this order (an empty list unpins all)."""
    wanted = list(dict.fromkeys(skill_ids))
    if len(wanted) > TOP_SKILLS_MAX:
        raise Invalid(f"Choose at most {TOP_SKILLS_MAX} top skills.", code="too_many_top_skills")
    for skill_id in wanted:
        profile_skill(ctx, member.id, skill_id)
    lock_members(ctx.session, member.id)
    ctx.session.execute(
        update(SkillChoice)
        .where(SkillChoice.member_id == member.id)
        .values(top_rank=None)
        .execution_options(synchronize_session=False)
    )
    ctx.session.expire_all()
    for rank, skill_id in enumerate(wanted, start=1):
        _choice(ctx, member.id, skill_id).top_rank = rank
    ctx.session.flush()
    return wanted


def set_hidden(ctx: Ctx, member: Member, endorsement_id: int, hidden: bool) -> Endorsement:
    """Hide one endorsement one received (it stays, shown to the recipient alone), or
    show it again."""
    found = ctx.session.get(Endorsement, endorsement_id) if 1 <= endorsement_id <= _ID_MAX else None
    if found is None or found.recipient_id != member.id:
        raise endorsement_not_found()
    found.hidden = hidden
    ctx.session.flush()
    return found


# -- endorsing ----------------------------------------------------------------------


def _check_endorsable(ctx: Ctx, endorser: Member, recipient: Member, skill_id: int) -> Skill:
    if endorser.id == recipient.id:
        raise Invalid("You cannot endorse your own skills.", code="cannot_endorse_self")
    if connection_between(ctx.session, endorser.id, recipient.id) is None:
        raise not_connected()
    skill = profile_skill(ctx, recipient.id, skill_id)
    choice = ctx.session.get(SkillChoice, (recipient.id, skill_id))
    if choice is not None and choice.closed:
        raise skill_not_found()
    if not receiving(ctx, recipient.id):
        raise endorsements_off(recipient.first_name)
    return skill


def _insert_ignoring_duplicate(ctx: Ctx, values: dict[str, Any]) -> bool:
    dialect = ctx.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Endorsement).values(**values).on_conflict_do_nothing().returning(Endorsement.id)
    return ctx.session.execute(stmt).scalar_one_or_none() is not None


def endorse(ctx: Ctx, endorser: Member, recipient: Member, skill_id: int) -> int:
    """Endorse one of a connection's skills (again is not an error); the skill's count."""
    _check_endorsable(ctx, endorser, recipient, skill_id)
    # The recipient's row orders the endorsements of one member (and so their grouped
    # notification); the endorser's orders their own actions.
    lock_members(ctx.session, endorser.id, recipient.id)
    values = {
        "recipient_id": recipient.id,
        "skill_id": skill_id,
        "endorser_id": endorser.id,
        "hidden": False,
        "created_at": ctx.clock.now(),
    }
    if _insert_ignoring_duplicate(ctx, values):
        _notify(ctx, recipient.id, endorser.id, skill_id)
    return skill_count(ctx, recipient.id, skill_id, endorser.id)


def unendorse(ctx: Ctx, endorser: Member, recipient: Member, skill_id: int) -> int:
    """Take back one's endorsement (nothing to take back is not an error); the count."""
    if endorser.id == recipient.id:
        raise Invalid("You cannot endorse your own skills.", code="cannot_endorse_self")
    profile_skill(ctx, recipient.id, skill_id)
    lock_members(ctx.session, endorser.id, recipient.id)
    ctx.session.execute(
        delete(Endorsement).where(
            Endorsement.recipient_id == recipient.id,
            Endorsement.skill_id == skill_id,
            Endorsement.endorser_id == endorser.id,
        )
    )
    return skill_count(ctx, recipient.id, skill_id, endorser.id)


def endorsed_by(ctx: Ctx, endorser_id: int, recipient_id: int) -> dict[int, bool]:
    """The skills of ``recipient_id`` that ``endorser_id`` endorsed: whether the
    recipient hid each (never told to the endorser: see :func:`shown_to`)."""
    rows = ctx.session.execute(
        select(Endorsement.skill_id, Endorsement.hidden).where(
            Endorsement.recipient_id == recipient_id, Endorsement.endorser_id == endorser_id
        )
    )
    return {int(skill_id): bool(hidden) for skill_id, hidden in rows}


def _notify(ctx: Ctx, member_id: int, actor_id: int, skill_id: int) -> None:
    """ "Ana endorsed you for Python": one unread notification per skill, its latest
    endorser its actor and ``detail`` the number of endorsers it stands for."""
    read_up_to = (
        select(func.max(Notification.read_at))
        .where(
            Notification.member_id == member_id,
            Notification.kind == "skill_endorsed",
            Notification.skill_id == skill_id,
        )
        .scalar_subquery()
    )
    # Planned for its values: a kept generic plan for this count (a semi-join with the
    # member's connections) took ten times as long on PostgreSQL.
    with planned_for_values(ctx.session):
        size = int(
            ctx.session.scalar(
                select(func.count())
                .select_from(Endorsement)
                .where(
                    shown_by(member_id),
                    Endorsement.skill_id == skill_id,
                    or_(read_up_to.is_(None), Endorsement.created_at > read_up_to),
                )
            )
            or 0
        )
    note = ctx.session.scalar(
        select(Notification).where(
            Notification.member_id == member_id,
            Notification.kind == "skill_endorsed",
            Notification.skill_id == skill_id,
            Notification.read_at.is_(None),
        )
    )
    if note is None:
        note = notify(ctx, member_id, "skill_endorsed", actor_id=actor_id)
        note.skill_id = skill_id
    elif note.actor_id != actor_id:
        note.actor_id = actor_id
        note.created_at = ctx.clock.now()
    note.detail = str(max(size, 1))
    ctx.session.flush()


# -- an account's end ---------------------------------------------------------------


def forget_member(ctx: Ctx, member_id: int) -> None:
    """Deleting an account: what it gave and received, its choices and its archive."""
    m = member_id
    ctx.session.execute(
        delete(Endorsement).where(or_(Endorsement.recipient_id == m, Endorsement.endorser_id == m))
    )
    ctx.session.execute(
        delete(EndorsementPrompt).where(
            or_(EndorsementPrompt.member_id == m, EndorsementPrompt.other_id == m)
        )
    )
    ctx.session.execute(delete(SkillChoice).where(SkillChoice.member_id == m))
    ctx.session.execute(delete(EndorsementSetting).where(EndorsementSetting.member_id == m))
    ctx.session.execute(delete(ImportedEndorsement).where(ImportedEndorsement.member_id == m))
