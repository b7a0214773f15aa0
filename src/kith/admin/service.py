"""What administrators do to members: find them, suspend and reactivate them, delete
a spam account, and lift an "I don't know this person" restriction.

Suspension reuses the one rule that hides a deleted member: ``is_active`` is false,
so every list, search, suggestion, profile and conversation that leaves out inactive
members leaves the suspended one out too, and they cannot sign in. Nothing of theirs
is removed: their connections leave every process's network engine (one
``remove_member`` outbox row) and come back on reactivation (one ``connect`` row per
connection to an active member). Every action writes its audit entry
(:mod:`kith.community.audit`) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, insert, literal, or_, select, update
from sqlalchemy.orm import aliased

from kith.accounts.deletion import delete_account
from kith.accounts.sessions import end_sessions
from kith.community import audit
from kith.connections.queries import lock_members, stored_connection_count
from kith.errors import Conflict, Forbidden, Invalid, NotFound
from kith.models import Connection, JoinRequest, Member, NetworkOutbox
from kith.pagination import Page, PageRequest, paginate_rows
from kith.uow import Ctx

MAX_ID = 2**31 - 1
QUERY_MAX = 200
STATUSES = ("all", "active", "suspended", "applicant", "restricted")


def member_not_found() -> NotFound:
    return NotFound("There is no such member.", code="member_not_found")


def get_member(ctx: Ctx, member_id: int) -> Member:
    """A member an administrator may act on: any account that is not deleted."""
    if not 1 <= member_id <= MAX_ID:
        raise member_not_found()
    member = ctx.session.get(Member, member_id)
    if member is None or member.deleted_at is not None:
        raise member_not_found()
    return member


def standing(member: Member, now: datetime) -> str:
    """``active``, ``suspended``, ``applicant`` (waiting for approval) or ``deleted``."""
    if member.deleted_at is not None:
        return "deleted"
    if member.suspended_at is not None:
        return "suspended"
    if not member.is_active:
        return "applicant"
    return "active"


def _label(member: Member) -> str:
    return f"{member.name} ({member.handle})"


@dataclass(frozen=True)
class MemberRow:
    member: Member
    standing: str
    restricted: bool


def find_members(
    ctx: Ctx, admin: Member, req: PageRequest, *, query: str = "", status: str = "all"
) -> Page[MemberRow]:
    """Members whose name, handle or email address contains ``query``, newest first,
    of one standing (``status``) or all; deleted accounts are not listed."""
    audit.require_admin(admin)
    if status not in STATUSES:
        raise Invalid(f"Choose a status among {', '.join(STATUSES)}.", code="invalid_status")
    if "\x00" in query or len(query) > QUERY_MAX:
        raise Invalid("That search is not valid.", code="invalid_query")
    now = ctx.clock.now()
    stmt = select(Member).where(Member.deleted_at.is_(None))
    words = query.strip().lower()
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        full = func.lower(Member.first_name + " " + Member.last_name)
        stmt = stmt.where(
            or_(
                full.like(like, escape="\\"),
                Member.handle.like(like, escape="\\"),
                func.lower(Member.email).like(like, escape="\\"),
            )
        )
    if status == "active":
        stmt = stmt.where(Member.is_active.is_(True))
    elif status == "suspended":
        stmt = stmt.where(Member.suspended_at.is_not(None))
    elif status == "applicant":
        stmt = stmt.where(Member.is_active.is_(False), Member.suspended_at.is_(None))
    elif status == "restricted":
        stmt = stmt.where(Member.invite_restricted_until > now)
    stmt = stmt.order_by(Member.created_at.desc(), Member.id.desc())
    rows, total = paginate_rows(ctx.session, stmt, req)
    items = [
        MemberRow(
            m,
            standing(m, now),
            m.invite_restricted_until is not None and m.invite_restricted_until > now,
        )
        for (m,) in rows
    ]
    return Page(items, total, req.page, req.per_page)


def _not_self(admin: Member, member: Member, what: str) -> None:
    if admin.id == member.id:
        raise Forbidden(f"You cannot {what} your own account here.", code="not_yourself")


def suspend(ctx: Ctx, admin: Member, member_id: int, reason: str) -> Member:
    """Suspend a member: they cannot sign in (every session and token ends) and
    vanish wherever a deleted member does, until reactivated."""
    audit.require_admin(admin)
    why = audit.clean_reason(reason)
    member = get_member(ctx, member_id)
    _not_self(admin, member, "suspend")
    lock_members(ctx.session, member.id, deleting=True)
    ctx.session.refresh(member)
    if member.suspended_at is not None:
        raise Conflict(f"{member.name} is already suspended.", code="already_suspended")
    if not member.is_active:
        raise Conflict(
            f"{member.name} has not been approved yet; decline their request instead.",
            code="awaiting_approval",
        )
    member.is_active = False
    member.suspended_at = ctx.clock.now()
    end_sessions(ctx, member)
    if stored_connection_count(ctx.session, member.id):
        _outbox(ctx, select(literal("remove_member"), literal(member.id), literal(0)))
    audit.record(
        ctx, admin, "member_suspended", "member", member.id, label=_label(member), reason=why
    )
    return member


def reactivate(ctx: Ctx, admin: Member, member_id: int, reason: str) -> Member:
    """End a suspension: the member signs in again and everything of theirs is back,
    their connections in the network engine too."""
    audit.require_admin(admin)
    why = audit.clean_reason(reason)
    member = get_member(ctx, member_id)
    lock_members(ctx.session, member.id, deleting=True)
    ctx.session.refresh(member)
    if member.suspended_at is None:
        raise Conflict(f"{member.name} is not suspended.", code="not_suspended")
    member.is_active = True
    member.suspended_at = None
    ctx.session.flush()
    _restore_edges(ctx, member.id)
    audit.record(
        ctx, admin, "member_reactivated", "member", member.id, label=_label(member), reason=why
    )
    return member


def _outbox(ctx: Ctx, rows: object) -> None:
    """Write engine changes (``kind, a, b`` rows of a select) to the outbox, in this
    transaction; this process's engine follows after the commit."""
    now = ctx.clock.now()
    source = rows.add_columns(literal(now, NetworkOutbox.created_at.type))  # type: ignore[attr-defined]
    ctx.session.execute(insert(NetworkOutbox).from_select(["kind", "a", "b", "created_at"], source))
    if ctx.network_changed is not None:
        ctx.on_commit(ctx.network_changed)


def _restore_edges(ctx: Ctx, m: int) -> None:
    """One ``connect`` row per connection of ``m`` to a member who is active."""
    other = aliased(Member)
    joined = (
        select(literal("connect"), Connection.member_lo_id, Connection.member_hi_id)
        .join(
            other,
            or_(
                and_(Connection.member_lo_id == m, other.id == Connection.member_hi_id),
                and_(Connection.member_hi_id == m, other.id == Connection.member_lo_id),
            ),
        )
        .where(other.is_active.is_(True))
        .order_by(Connection.id)
    )
    if stored_connection_count(ctx.session, m):
        _outbox(ctx, joined)


def delete_spam(ctx: Ctx, admin: Member, member_id: int, reason: str) -> str:
    """Delete a spam account, as its owner deleting it would (a suspended one too);
    returns the name it had."""
    audit.require_admin(admin)
    why = audit.clean_reason(reason)
    member = get_member(ctx, member_id)
    _not_self(admin, member, "delete")
    label = _label(member)
    ctx.session.execute(
        update(JoinRequest)
        .where(JoinRequest.member_id == member.id, JoinRequest.status == "pending")
        .values(status="declined", decided_at=ctx.clock.now(), decided_by_id=admin.id, reason=why)
    )
    delete_account(ctx, member, confirmed=True)
    member.suspended_at = None  # a deleted account is no longer suspended: it is gone
    audit.record(ctx, admin, "member_deleted", "member", member.id, label=label, reason=why)
    return label


def lift_restriction(ctx: Ctx, admin: Member, member_id: int, reason: str) -> Member:
    """End a member's "I don't know this person" restriction; the reports made before
    now no longer count toward a new one."""
    audit.require_admin(admin)
    why = audit.clean_reason(reason)
    member = get_member(ctx, member_id)
    now = ctx.clock.now()
    until = member.invite_restricted_until
    if until is None or until <= now:
        raise Conflict(f"{member.name} is not restricted.", code="not_restricted")
    member.invite_restricted_until = None
    member.invite_restriction_lifted_at = now
    ctx.session.flush()
    audit.record(
        ctx,
        admin,
        "restriction_lifted",
        "member",
        member.id,
        label=_label(member),
        reason=why,
        detail={"was_until": until.isoformat()},
    )
    return member
