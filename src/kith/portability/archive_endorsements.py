"""The endorsements part of a member's archive: both directions on Kith, and those
read from a LinkedIn export (marked imported: they were never given on Kith).

Three statements whatever their number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kith.models import Endorsement, ImportedEndorsement, Member, Skill
from kith.uow import Ctx

#: The statements :func:`endorsements_archive` runs.
ENDORSEMENTS_QUERY_COUNT = 3


def endorsements_archive(ctx: Ctx, me: int, person: Any, when: Any) -> dict[str, list[Any]]:
    """``{"received": [...], "given": [...], "imported": [...]}``, oldest first.

    ``person(first, last, handle)`` names another member; ``when`` formats a time."""

    def kith_side(mine: Any, theirs: Any) -> list[dict[str, Any]]:
        rows = ctx.session.execute(
            select(
                Skill.name,
                Member.first_name,
                Member.last_name,
                Member.handle,
                Endorsement.created_at,
                Endorsement.hidden,
            )
            .join(Skill, Skill.id == Endorsement.skill_id)
            .join(Member, Member.id == theirs)
            .where(mine == me)
            .order_by(Endorsement.created_at, Endorsement.id)
        )
        return [
            {
                "skill": skill,
                "member": person(first, last, handle),
                "at": when(at),
                "hidden": bool(hidden),
            }
            for skill, first, last, handle, at, hidden in rows
        ]

    imported = ctx.session.scalars(
        select(ImportedEndorsement)
        .where(ImportedEndorsement.member_id == me)
        .order_by(ImportedEndorsement.id)
    )
    return {
        "received": kith_side(Endorsement.recipient_id, Endorsement.endorser_id),
        "given": kith_side(Endorsement.endorser_id, Endorsement.recipient_id),
        "imported": [
            {
                "imported": True,
                "source": "linkedin",
                "direction": e.direction,
                "skill": e.skill_name,
                "name": e.other_name,
                "url": e.other_url or None,
                "on": when(e.endorsed_on),
                "status": e.status,
            }
            for e in imported
        ],
    }
