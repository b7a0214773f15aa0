"""What each of the three members of an introduction reads of it, and when a request
has ended: the rules of silence (see :mod:`kith.introductions.service`), decided from
what is stored and the clock only; and the member's setting.

- the requester reads "waiting" until the request lapses and then "not forwarded",
  whether the intermediary declined, ignored it, lost a connection to either side, or
  a block between two of the three ended it; once forwarded, "forwarded" and then
  "no reply", whether the target declined, ignored it, said they don't know the
  requester, or never received it;
- the target sees nothing of a request before it is forwarded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, select

from kith.connections.queries import (
    block_exists,
    blocked_between,
    connection_between,
    said_unknown,
)
from kith.errors import NotFound
from kith.models import IntroductionOptOut, IntroductionRequest, Member
from kith.uow import Ctx

#: What the requester can read; the silent outcomes share their words.
REQUESTER_STATUSES = ("waiting", "not_forwarded", "forwarded", "no_reply", "connected", "withdrawn")
#: Stored states that are still open, before and after forwarding.
OPEN_BEFORE = ("pending",)
OPEN_AFTER = ("forwarded",)

IR = IntroductionRequest


def not_found() -> NotFound:
    return NotFound("There is no such introduction request.", code="introduction_not_found")


def get(ctx: Ctx, request_id: int) -> IntroductionRequest | None:
    """The request with this id; None for an id no row can have (ids are 32-bit)."""
    if not 0 < request_id < 2**31:
        return None
    return ctx.session.get(IR, request_id)


def lapse(ctx: Ctx) -> timedelta:
    return timedelta(days=ctx.settings.introduction_lapse_days)


def lapsed(ctx: Ctx, since: datetime) -> bool:
    return ctx.clock.now() >= since + lapse(ctx)


# -- what each of the three reads ------------------------------------------------------


def requester_status(ctx: Ctx, req: IntroductionRequest) -> str:
    """The request as its requester reads it: one of :data:`REQUESTER_STATUSES`."""
    if req.status == "accepted":
        return "connected"
    if req.status == "withdrawn":
        return "withdrawn"
    if req.forwarded_at is None:  # pending, declined, or ended before forwarding
        return "not_forwarded" if lapsed(ctx, req.created_at) else "waiting"
    return "no_reply" if lapsed(ctx, req.forwarded_at) else "forwarded"


def intermediary_status(ctx: Ctx, req: IntroductionRequest) -> str:
    """pending, lapsed, declined, withdrawn, forwarded or connected (the target's
    answer, unless it is yes, is never told)."""
    if req.status == "accepted":
        return "connected"
    if req.forwarded_at is not None:
        return "forwarded"
    if req.status == "pending":
        return "lapsed" if lapsed(ctx, req.created_at) else "pending"
    return req.status  # declined, withdrawn (ended ones are not shown)


def target_status(ctx: Ctx, req: IntroductionRequest) -> str:
    """pending, expired, accepted or declined (only for a request delivered to them)."""
    if req.status == "forwarded":
        assert req.forwarded_at is not None
        return "expired" if lapsed(ctx, req.forwarded_at) else "pending"
    if req.status == "accepted":
        return "accepted"
    return "declined"


# -- SQL: which requests are still whole ------------------------------------------------


def no_block_among_three() -> ColumnElement[bool]:
    requester, intermediary = IR.requester_id.expression, IR.intermediary_id.expression
    return and_(
        ~block_exists(requester, IR.intermediary_id),
        ~block_exists(requester, IR.target_id),
        ~block_exists(intermediary, IR.target_id),
    )


def ended(ctx: Ctx, req: IntroductionRequest) -> bool:
    """Whether the three members are no longer all there for this request (see the
    module docstring); the intermediary's connections count only before forwarding."""
    members = (req.requester, req.intermediary, req.target)
    if any(not m.is_active for m in members):
        return True
    s = ctx.session
    r, i, t = req.requester_id, req.intermediary_id, req.target_id
    if any(blocked_between(s, a, b) for a, b in ((r, i), (r, t), (i, t))):
        return True
    if req.forwarded_at is None:
        return (
            connection_between(s, req.intermediary_id, req.requester_id) is None
            or connection_between(s, req.intermediary_id, req.target_id) is None
        )
    return False


# -- the setting -----------------------------------------------------------------------


def accepts_requests(ctx: Ctx, member: Member) -> bool:
    return ctx.session.get(IntroductionOptOut, member.id) is None


def set_accepts_requests(ctx: Ctx, member: Member, accepts: bool) -> bool:
    """Turn introduction requests on or off; "Ask" does not offer a member who has
    turned them off. Requests already made stay in their list."""
    current = ctx.session.get(IntroductionOptOut, member.id)
    if accepts and current is not None:
        ctx.session.delete(current)
    elif not accepts and current is None:
        ctx.session.add(IntroductionOptOut(member_id=member.id, created_at=ctx.clock.now()))
    ctx.session.flush()
    return accepts


def opted_out(ctx: Ctx, member_ids: list[int]) -> set[int]:
    if not member_ids:
        return set()
    stmt = select(IntroductionOptOut.member_id).where(IntroductionOptOut.member_id.in_(member_ids))
    return set(ctx.session.scalars(stmt))


def blocked_with(ctx: Ctx, member_id: int, *others: int) -> bool:
    """Whether ``member_id`` and one of ``others`` blocked each other: to the member, the
    request of a member they cannot see is gone (once forwarded, a block between the
    two others changes nothing they can see)."""
    return any(blocked_between(ctx.session, member_id, other) for other in others)


def reported_by(ctx: Ctx, target_id: int, requester_id: int) -> bool:
    """Whether ``target_id`` ever said they don't know ``requester_id`` (on an
    invitation or on an introduction): the requester then never reaches them."""
    return said_unknown(ctx.session, target_id, requester_id)
