"""REST endpoints for administrators (``/api/v1/admin``), and members' invitations of
colleagues (``/api/v1/join-invitations``). Every action answers ``admin_only`` to a
member who is not an administrator."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import Response

from kith.admin import applicants, service
from kith.admin.schemas import (
    AdminAuditPage,
    AdminMemberOut,
    AdminMemberPage,
    AuditEntryOut,
    ColleagueIn,
    CommunitySettingsIn,
    CommunitySettingsOut,
    InvitationId,
    JoinInvitationIn,
    JoinInvitationOut,
    JoinInvitationPage,
    JoinRequestOut,
    JoinRequestPage,
    MemberId,
    OptionalReasonIn,
    ReasonIn,
    RequestId,
)
from kith.community import audit, invitations
from kith.community import settings as community
from kith.models import Member
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(prefix="/admin", tags=["administration"])
members_router = APIRouter(tags=["invitations to join"])

Text = Annotated[str, Query(max_length=200)]


@router.get("/members")
def find_members(
    kith: KithDep,
    member_id: ApiMemberId,
    q: Text = "",
    status: Annotated[
        Literal["all", "active", "suspended", "applicant", "restricted"], Query()
    ] = "all",
    page: PageNo = 1,
    per_page: PerPage = None,
) -> AdminMemberPage:
    """Members whose name, handle or email address contains ``q``, newest first; of one
    standing (``status``; ``restricted``: under an "I don't know this person"
    restriction) or all."""
    with kith.uow(write=False) as ctx:
        found = service.find_members(
            ctx, me(ctx, member_id), page_request(ctx, page, per_page), query=q, status=status
        )
        return AdminMemberPage.of(found, [AdminMemberOut.of(r) for r in found.items])


def _row(kith: KithDep, member: Member) -> AdminMemberOut:
    return AdminMemberOut.of(
        service.MemberRow(member, service.standing(member, kith.clock.now()), False)
    )


@router.post("/members/{target_id}/suspend")
def suspend(
    target_id: MemberId, body: ReasonIn, kith: KithDep, member_id: ApiMemberId
) -> AdminMemberOut:
    """Suspend a member: signed out everywhere, unable to sign in, and hidden wherever
    a deleted member is, until reactivated. The reason goes into the audit log."""
    with kith.uow() as ctx:
        member = service.suspend(ctx, me(ctx, member_id), target_id, body.reason)
        return _row(kith, member)


@router.post("/members/{target_id}/reactivate")
def reactivate(
    target_id: MemberId, body: ReasonIn, kith: KithDep, member_id: ApiMemberId
) -> AdminMemberOut:
    """End a suspension: the member and everything of theirs are back."""
    with kith.uow() as ctx:
        member = service.reactivate(ctx, me(ctx, member_id), target_id, body.reason)
        return _row(kith, member)


@router.post("/members/{target_id}/delete", status_code=status.HTTP_204_NO_CONTENT)
def delete_member(
    target_id: MemberId, body: ReasonIn, kith: KithDep, member_id: ApiMemberId
) -> None:
    """Delete a spam account, as its owner deleting it would (it cannot be undone)."""
    with kith.uow() as ctx:
        service.delete_spam(ctx, me(ctx, member_id), target_id, body.reason)


@router.post("/members/{target_id}/lift-restriction")
def lift_restriction(
    target_id: MemberId, body: ReasonIn, kith: KithDep, member_id: ApiMemberId
) -> AdminMemberOut:
    """End a member's "I don't know this person" restriction; earlier reports no longer
    count toward a new one."""
    with kith.uow() as ctx:
        member = service.lift_restriction(ctx, me(ctx, member_id), target_id, body.reason)
        return _row(kith, member)


@router.get("/join-requests")
def join_requests(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> JoinRequestPage:
    """Sign-ups waiting for approval, the longest waiting first."""
    with kith.uow(write=False) as ctx:
        found = applicants.pending(ctx, me(ctx, member_id), page_request(ctx, page, per_page))
        return JoinRequestPage.of(found, [JoinRequestOut.of(r) for r in found.items])


@router.post("/join-requests/{request_id}/approve")
def approve(
    request_id: RequestId,
    kith: KithDep,
    member_id: ApiMemberId,
    body: OptionalReasonIn | None = None,
) -> AdminMemberOut:
    """Let the applicant in: they can sign in from now on."""
    with kith.uow() as ctx:
        reason = body.reason if body else ""
        member = applicants.approve(ctx, me(ctx, member_id), request_id, reason)
        return _row(kith, member)


@router.post("/join-requests/{request_id}/decline", status_code=status.HTTP_204_NO_CONTENT)
def decline(request_id: RequestId, body: ReasonIn, kith: KithDep, member_id: ApiMemberId) -> None:
    """Turn the applicant down; the reason is for administrators only (the applicant is
    not told, and signing in only says the address or password is not right)."""
    with kith.uow() as ctx:
        applicants.decline(ctx, me(ctx, member_id), request_id, body.reason)


@router.get("/settings")
def get_settings(kith: KithDep, member_id: ApiMemberId) -> CommunitySettingsOut:
    """The community settings in force."""
    with kith.uow(write=False) as ctx:
        audit.require_admin(me(ctx, member_id))
        return CommunitySettingsOut.of(community.current(ctx))


@router.patch("/settings")
def update_settings(
    body: CommunitySettingsIn, kith: KithDep, member_id: ApiMemberId
) -> CommunitySettingsOut:
    """Change some settings (all are checked before any is written); what changed goes
    into the audit log."""
    with kith.uow() as ctx:
        after = community.update(ctx, me(ctx, member_id), body.changes(), reason=body.reason)
        return CommunitySettingsOut.of(after)


@router.get("/invitations")
def list_invitations(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> JoinInvitationPage:
    """Every invitation to join, newest first (codes are never shown again)."""
    with kith.uow(write=False) as ctx:
        admin = me(ctx, member_id)
        audit.require_admin(admin)
        found = invitations.listed(ctx, admin, page_request(ctx, page, per_page))
        now = ctx.clock.now()
        return JoinInvitationPage.of(found, [JoinInvitationOut.of(i, now) for i in found.items])


@router.post("/invitations", status_code=status.HTTP_201_CREATED)
def create_invitation(
    body: JoinInvitationIn, kith: KithDep, member_id: ApiMemberId
) -> JoinInvitationOut:
    """Make an invitation link and code for ``max_uses`` sign-ups within ``days``. The
    answer holds the code and link, this once: pass them on."""
    with kith.uow() as ctx:
        made = invitations.create_code(
            ctx,
            me(ctx, member_id),
            max_uses=body.max_uses,
            days=body.days,
            label=body.label,
            email=body.email,
        )
        return JoinInvitationOut.of(made.invitation, ctx.clock.now(), made)


@router.post("/invitations/{invitation_id}/revoke")
def revoke_invitation(
    invitation_id: InvitationId, kith: KithDep, member_id: ApiMemberId
) -> JoinInvitationOut:
    """Revoke an invitation: nobody can join with it any more."""
    with kith.uow() as ctx:
        admin = me(ctx, member_id)
        audit.require_admin(admin)
        invitation = invitations.revoke(ctx, admin, invitation_id)
        return JoinInvitationOut.of(invitation, ctx.clock.now())


@router.get("/audit")
def audit_log(
    kith: KithDep,
    member_id: ApiMemberId,
    action: Annotated[str, Query(max_length=40)] = "",
    page: PageNo = 1,
    per_page: PerPage = None,
) -> AdminAuditPage:
    """Every administrator action, newest first (``action``: only that kind)."""
    with kith.uow(write=False) as ctx:
        found = audit.entries(
            ctx, me(ctx, member_id), page_request(ctx, page, per_page), action=action or None
        )
        return AdminAuditPage.of(found, [AuditEntryOut.of(e) for e in found.items])


@router.get(
    "/audit/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/json": {}}}},
)
def export_audit(
    kith: KithDep, member_id: ApiMemberId, format: Literal["csv", "json"] = "csv"
) -> Response:
    """The whole audit log, oldest first, as CSV or JSON."""
    with kith.uow(write=False) as ctx:
        admin = me(ctx, member_id)
        if format == "json":
            body, media = audit.export_json(ctx, admin), "application/json"
        else:
            body, media = audit.export_csv(ctx, admin), "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="kith-audit.{format}"'},
    )


@members_router.post("/join-invitations", status_code=status.HTTP_201_CREATED)
def invite_colleague(body: ColleagueIn, kith: KithDep, member_id: ApiMemberId) -> JoinInvitationOut:
    """Invite a colleague to join, by email address (if the community lets members
    invite: else ``member_invites_off``). The answer holds the link and code to pass on,
    this once."""
    with kith.uow() as ctx:
        made = invitations.invite_colleague(ctx, me(ctx, member_id), body.email)
        return JoinInvitationOut.of(made.invitation, ctx.clock.now(), made)


@members_router.get("/join-invitations")
def my_invitations(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> JoinInvitationPage:
    """The colleagues you invited to join, newest first."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        found = invitations.listed(ctx, member, page_request(ctx, page, per_page), own=True)
        now = ctx.clock.now()
        return JoinInvitationPage.of(found, [JoinInvitationOut.of(i, now) for i in found.items])


@members_router.post("/join-invitations/{invitation_id}/revoke")
def revoke_mine(
    invitation_id: InvitationId, kith: KithDep, member_id: ApiMemberId
) -> JoinInvitationOut:
    """Withdraw an invitation you made."""
    with kith.uow() as ctx:
        invitation = invitations.revoke(ctx, me(ctx, member_id), invitation_id, own=True)
        return JoinInvitationOut.of(invitation, ctx.clock.now())
