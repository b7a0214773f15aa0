"""Block actions. A block is silent and mutual: the two can no longer see, find,
invite or follow each other; their connection, follows and the invitations that
read pending to their sender (open, ignored, reported or undelivered) go.
Only the blocker can unblock, and re-blocking the same member waits 48 hours."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, delete, or_, select

from kith.clock import moment_text
from kith.connections.queries import (
    active_block,
    connection_between,
    expiry_cutoff,
    lock_members,
    reads_pending_to_sender,
)
from kith.connections.service import drop_connection
from kith.errors import Conflict, Invalid, NotFound
from kith.models import Block, Follow, Invitation, Member
from kith.pagination import Page, PageRequest, paginate_rows
from kith.relationships.linking import forget_matches
from kith.uow import Ctx


def block(ctx: Ctx, blocker: Member, target: Member) -> Block:
    if blocker.id == target.id:
        raise Invalid("You can't block yourself.", code="self_block")
    existing = active_block(ctx.session, blocker.id, target.id)
    if existing is not None:
        return existing
    if not target.is_active or active_block(ctx.session, target.id, blocker.id) is not None:
        # A member who blocked you does not exist for you.
        raise NotFound("There is no such member.", code="member_not_found")
    now = ctx.clock.now()
    last_unblock = ctx.session.scalar(
        select(Block.unblocked_at)
        .where(
            Block.blocker_id == blocker.id,
            Block.blocked_id == target.id,
            Block.unblocked_at.is_not(None),
        )
        .order_by(Block.unblocked_at.desc())
        .limit(1)
    )
    wait = timedelta(hours=ctx.settings.reblock_wait_hours)
    if last_unblock is not None and last_unblock + wait > now:
        until = last_unblock + wait
        raise Conflict(
            f"You unblocked {target.name} recently; you can block them again after "
            f"{moment_text(until)}.",
            code="reblock_wait",
        )
    lock_members(ctx.session, blocker.id, target.id)
    row = Block(blocker_id=blocker.id, blocked_id=target.id, created_at=now)
    ctx.session.add(row)
    connection = connection_between(ctx.session, blocker.id, target.id)
    if connection is not None:
        drop_connection(ctx, connection)
    a, b = blocker.id, target.id
    ctx.session.execute(
        delete(Follow).where(
            or_(
                and_(Follow.follower_id == a, Follow.followee_id == b),
                and_(Follow.follower_id == b, Follow.followee_id == a),
            )
        )
    )
    lo, hi = min(a, b), max(a, b)
    # Every invitation either way that reads pending to its sender, whatever the
    # recipient answered (so a block reads the same after an ignore as after "I don't
    # know this person"); a reported one keeps ``reported_at``, so the report still
    # stands after an unblock.
    cutoff = expiry_cutoff(now, ctx.settings.invitation_expiry_days)
    open_invitations = ctx.session.scalars(
        select(Invitation).where(
            Invitation.pair_lo == lo,
            Invitation.pair_hi == hi,
            reads_pending_to_sender(cutoff),
        )
    )
    for invitation in open_invitations:
        invitation.status = "cancelled"
        invitation.responded_at = now
    forget_matches(ctx, a, b)
    ctx.session.flush()
    return row


def unblock(ctx: Ctx, blocker: Member, target: Member) -> None:
    row = active_block(ctx.session, blocker.id, target.id)
    if row is None:
        raise NotFound(f"You have not blocked {target.name}.", code="not_blocked")
    row.unblocked_at = ctx.clock.now()
    ctx.session.flush()


def blocked_members(ctx: Ctx, blocker: Member, req: PageRequest) -> Page[tuple[Member, Block]]:
    stmt = (
        select(Member, Block)
        .join(Block, Block.blocked_id == Member.id)
        .where(Block.blocker_id == blocker.id, Block.unblocked_at.is_(None))
        .order_by(Block.created_at.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([(r[0], r[1]) for r in rows], total, req.page, req.per_page)


def find_blocked(ctx: Ctx, blocker: Member, handle: str) -> Member:
    """The member behind ``handle`` as their blocker sees them (for unblocking)."""
    member = ctx.session.scalar(select(Member).where(Member.handle == handle.lower()))
    if member is None or active_block(ctx.session, blocker.id, member.id) is None:
        raise NotFound(f"You have not blocked '{handle}'.", code="not_blocked")
    return member
