"""The introductions part of a member's archive: the requests they made, those made
of them, and the introductions forwarded to them, each as their part in it lets them
read it (a silent decline stays silent in the archive too).

One statement whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from kith.introductions import service
from kith.introductions.lists import whole
from kith.models import IntroductionRequest, Member
from kith.uow import Ctx

#: The statements :func:`introductions_archive` runs.
INTRODUCTIONS_QUERY_COUNT = 1

IR = IntroductionRequest
Person = Callable[[str | None, str | None, str | None], Any]


def _strings(*values: Any) -> tuple[str | None, ...]:
    return tuple(None if v is None else str(v) for v in values)


def introductions_archive(
    ctx: Ctx, me: int, person: Person, when: Callable[[datetime | None], str | None]
) -> dict[str, list[dict[str, Any]]]:
    """``made``, ``asked`` (of the member, as intermediary) and ``received`` (forwarded
    to them), oldest first."""
    r, i, t, f = (aliased(Member) for _ in range(4))
    rows = ctx.session.execute(
        select(
            IR,
            whole().label("whole"),
            *(m.first_name for m in (r, i, t, f)),
            *(m.last_name for m in (r, i, t, f)),
            *(m.handle for m in (r, i, t, f)),
        )
        .join(r, r.id == IR.requester_id)
        .join(i, i.id == IR.intermediary_id)
        .join(t, t.id == IR.target_id)
        .outerjoin(f, f.id == IR.final_target_id)
        .where(or_(IR.requester_id == me, IR.intermediary_id == me, IR.target_id == me))
        .order_by(IR.created_at, IR.id)
    ).all()
    out: dict[str, list[dict[str, Any]]] = {"made": [], "asked": [], "received": []}
    for row in rows:
        req, is_whole = row[0], bool(row[1])
        firsts, lasts, handles = row[2:6], row[6:10], row[10:14]
        names = [person(*_strings(firsts[n], lasts[n], handles[n])) for n in range(4)]
        entry: dict[str, Any] = {
            "requester": names[0],
            "intermediary": names[1],
            "to": names[2],
            "hoping_to_reach": names[3],
            "message": req.message,
            "forward_note": req.forward_note if req.forwarded_at else "",
            "forwarded_at": when(req.forwarded_at),
        }
        if req.requester_id == me:
            made = {
                **entry,
                "status": service.requester_status(ctx, req),
                "note": req.note,
                "created_at": when(req.created_at),
            }
            out["made"].append(made)
        elif req.intermediary_id == me:
            if req.status == "ended" or (req.status == "pending" and not is_whole):
                continue
            asked = {
                **entry,
                "status": service.intermediary_status(ctx, req),
                "note": req.note,
                "created_at": when(req.created_at),
            }
            out["asked"].append(asked)
        elif req.forwarded_at is not None and req.status in (
            "forwarded",
            "accepted",
            "ignored",
            "reported",
        ):
            if req.status == "forwarded" and not is_whole:
                continue
            out["received"].append({**entry, "status": service.target_status(ctx, req)})
    return out
