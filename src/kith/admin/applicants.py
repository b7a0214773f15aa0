"""Requests to join (``join_mode='approval'``): administrators approve or decline them.

An applicant's account exists, inactive, from the moment they apply. Approving it
makes it a member like any other. Declining it removes the account (it had nothing
yet: no connection, no post, no session) and keeps the request, with its reason, as
the record; the applicant is not told, and signing in says only that the address or
password is not right.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from kith import search_index
from kith.accounts.verification import send_verification
from kith.community import audit
from kith.errors import NotFound
from kith.models import JoinRequest, Member
from kith.pagination import Page, PageRequest, paginate_rows
from kith.relationships.linking import match_new_member
from kith.uow import Ctx

MAX_ID = 2**31 - 1


def request_not_found() -> NotFound:
    return NotFound(
        "There is no such request waiting; another administrator may have decided it.",
        code="join_request_not_found",
    )


def pending(ctx: Ctx, admin: Member, req: PageRequest) -> Page[JoinRequest]:
    """Requests waiting for a decision, oldest first."""
    audit.require_admin(admin)
    stmt = (
        select(JoinRequest)
        .where(JoinRequest.status == "pending")
        .order_by(JoinRequest.created_at, JoinRequest.id)
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def _waiting(ctx: Ctx, request_id: int) -> tuple[JoinRequest, Member]:
    if not 1 <= request_id <= MAX_ID:
        raise request_not_found()
    request = ctx.session.scalar(
        select(JoinRequest).where(JoinRequest.id == request_id).with_for_update()
    )
    if request is None or request.status != "pending" or request.member_id is None:
        raise request_not_found()
    member = ctx.session.get_one(Member, request.member_id)
    return request, member


def approve(ctx: Ctx, admin: Member, request_id: int, reason: str = "") -> Member:
    """Let the applicant in: their account becomes active, they can sign in, and the
    link that confirms their address is mailed to them."""
    audit.require_admin(admin)
    why = audit.clean_reason(reason, required=False)
    request, member = _waiting(ctx, request_id)
    request.status = "approved"
    request.decided_at = ctx.clock.now()
    request.decided_by_id = admin.id
    request.reason = why
    member.is_active = True
    ctx.session.flush()
    match_new_member(ctx, member)
    send_verification(ctx, member)  # their address is confirmed now, as at an open sign-up
    audit.record(
        ctx, admin, "applicant_approved", "member", member.id, label=request.email, reason=why
    )
    return member


def decline(ctx: Ctx, admin: Member, request_id: int, reason: str) -> JoinRequest:
    """Turn the applicant down, with a reason kept for administrators only."""
    audit.require_admin(admin)
    why = audit.clean_reason(reason)
    request, member = _waiting(ctx, request_id)
    request.status = "declined"
    request.decided_at = ctx.clock.now()
    request.decided_by_id = admin.id
    request.reason = why
    request.member_id = None
    ctx.session.flush()
    search_index.forget(ctx.session, member.id)
    ctx.session.execute(delete(Member).where(Member.id == member.id))
    ctx.session.expunge(member)
    audit.record(
        ctx,
        admin,
        "applicant_declined",
        "join_request",
        request.id,
        label=request.email,
        reason=why,
    )
    return request
