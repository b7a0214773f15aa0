"""Pages under ``/admin`` for administrators (members, requests to join, invitations,
settings, the audit log; the reports queue at ``/reports`` joins them), and the page
where a member invites a colleague to join (``/invite``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kith.admin import applicants, service
from kith.admin.schemas import InvitationId, MemberId, RequestId
from kith.community import audit, invitations
from kith.community import settings as community
from kith.errors import Invalid, KithError
from kith.models import Member
from kith.posts.reports import open_count
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId as SignedIn
from kith.web.render import nav_for, redirect, render

router = APIRouter()

Text = Annotated[str, Form()]
Search = Annotated[str, Query(max_length=200)]

ACTIONS = {
    "member_suspended": "Suspended a member",
    "member_reactivated": "Reactivated a member",
    "member_deleted": "Deleted an account",
    "restriction_lifted": "Lifted a restriction",
    "applicant_approved": "Approved a request to join",
    "applicant_declined": "Declined a request to join",
    "invitation_created": "Made an invitation",
    "invitation_revoked": "Revoked an invitation",
    "settings_changed": "Changed settings",
    "post_removed": "Removed a reported post",
    "post_dismissed": "Dismissed reports on a post",
    "comment_removed": "Removed a reported comment",
    "comment_dismissed": "Dismissed reports on a comment",
}
JOIN_MODES = {
    "open": "Open: anyone can join",
    "domains": "Email domains: addresses at the domains below, or with an invitation",
    "invitation": "Invitation: only with an invitation link or code",
    "approval": "Approval: anyone can ask; an administrator approves each new member",
}
STATUS_WORDS = {
    "all": "All",
    "active": "Active",
    "suspended": "Suspended",
    "applicant": "Waiting for approval",
    "restricted": "Restricted",
}


def _admin(ctx: Ctx, member_id: int) -> Member:
    admin = me(ctx, member_id)
    audit.require_admin(admin)
    return admin


def _page(
    request: Request,
    ctx: Ctx,
    admin: Member,
    name: str,
    section: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> Response:
    context = {
        **context,
        "section": section,
        "open_reports": open_count(ctx),
        "waiting": applicants.pending(ctx, admin, page_request(ctx, 1, 1)).total,
    }
    return render(request, f"admin/{name}.html", context, nav=nav_for(ctx, admin), status=status)


@router.get("/admin")
def admin_home(kith: KithDep, member_id: SignedIn) -> Response:
    with kith.uow(write=False) as ctx:
        _admin(ctx, member_id)
    return RedirectResponse("/admin/members", status_code=303)


def _members_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    q: str,
    status: str,
    page: int,
    *,
    error: str = "",
    code: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        admin = _admin(ctx, member_id)
        status = status if status in service.STATUSES else "all"
        found = service.find_members(ctx, admin, page_request(ctx, page), query=q, status=status)
        context = {
            "rows": found.items,
            "page": found,
            "q": q,
            "status": status,
            "statuses": STATUS_WORDS,
            "error": error,
            "now": ctx.clock.now(),
            "base": f"/admin/members?q={q}&status={status}&",
        }
        return _page(request, ctx, admin, "members", "members", context, status=code)


@router.get("/admin/members")
def members(
    request: Request,
    kith: KithDep,
    member_id: SignedIn,
    q: Search = "",
    status: Annotated[str, Query(max_length=20)] = "all",
    page: PageNo = 1,
) -> Response:
    """Find members: by name, handle or email address, and by standing."""
    return _members_page(request, kith, member_id, q, status, page)


def _member_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    target_id: int,
    *,
    error: str = "",
    code: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        admin = _admin(ctx, member_id)
        target = service.get_member(ctx, target_id)
        now = ctx.clock.now()
        restricted = (
            target.invite_restricted_until is not None and target.invite_restricted_until > now
        )
        history = audit.about(ctx, admin, "member", target.id)
        context = {
            "m": target,
            "standing": service.standing(target, now),
            "restricted": restricted,
            "history": history,
            "actions": ACTIONS,
            "error": error,
        }
        return _page(request, ctx, admin, "member", "members", context, status=code)


@router.get("/admin/members/{target_id}")
def member(request: Request, target_id: MemberId, kith: KithDep, member_id: SignedIn) -> Response:
    """One member: their standing, the actions on them, and what was done before."""
    return _member_page(request, kith, member_id, target_id)


@router.post("/admin/members/{target_id}/{action}")
def member_action(
    request: Request,
    target_id: MemberId,
    action: str,
    kith: KithDep,
    member_id: SignedIn,
    reason: Text = "",
) -> Response:
    """Suspend, reactivate, delete, or lift a restriction, with a reason."""
    steps = {
        "suspend": service.suspend,
        "reactivate": service.reactivate,
        "lift-restriction": service.lift_restriction,
    }
    try:
        with kith.uow() as ctx:
            admin = me(ctx, member_id)
            if action == "delete":
                service.delete_spam(ctx, admin, target_id, reason)
            elif action in steps:
                steps[action](ctx, admin, target_id, reason)
            else:
                raise service.member_not_found()
    except KithError as exc:
        if exc.code in ("member_not_found", "admin_only"):
            raise
        return _member_page(request, kith, member_id, target_id, error=exc.message, code=exc.status)
    if action == "delete":
        return redirect(request, "/admin/members")
    return redirect(request, f"/admin/members/{target_id}")


def _requests_page(
    request: Request, kith: KithDep, member_id: int, page: int, *, error: str = "", code: int = 200
) -> Response:
    with kith.uow(write=False) as ctx:
        admin = _admin(ctx, member_id)
        found = applicants.pending(ctx, admin, page_request(ctx, page))
        context = {
            "requests": found.items,
            "page": found,
            "base": "/admin/join-requests?",
            "error": error,
        }
        return _page(request, ctx, admin, "requests", "requests", context, status=code)


@router.get("/admin/join-requests")
def join_requests(
    request: Request, kith: KithDep, member_id: SignedIn, page: PageNo = 1
) -> Response:
    """Requests to join waiting for a decision, the longest waiting first."""
    return _requests_page(request, kith, member_id, page)


@router.post("/admin/join-requests/{request_id}/{decision}")
def decide(
    request: Request,
    request_id: RequestId,
    decision: str,
    kith: KithDep,
    member_id: SignedIn,
    reason: Text = "",
) -> Response:
    try:
        with kith.uow() as ctx:
            admin = me(ctx, member_id)
            if decision == "approve":
                applicants.approve(ctx, admin, request_id, reason)
            elif decision == "decline":
                applicants.decline(ctx, admin, request_id, reason)
            else:
                raise applicants.request_not_found()
    except KithError as exc:
        if exc.code == "admin_only":
            raise
        return _requests_page(request, kith, member_id, 1, error=exc.message, code=exc.status)
    return redirect(request, "/admin/join-requests")


def _invitations_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    page: int,
    *,
    made: invitations.Made | None = None,
    form: dict[str, str] | None = None,
    error: str = "",
    code: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        admin = _admin(ctx, member_id)
        found = invitations.listed(ctx, admin, page_request(ctx, page))
        now = ctx.clock.now()
        context = {
            "invitations": [(i, invitations.state(i, now)) for i in found.items],
            "page": found,
            "base": "/admin/invitations?",
            "made": made,
            "form": form or {"max_uses": "1", "days": "14", "label": "", "email": ""},
            "error": error,
        }
        return _page(request, ctx, admin, "invitations", "invitations", context, status=code)


@router.get("/admin/invitations")
def invitation_list(
    request: Request, kith: KithDep, member_id: SignedIn, page: PageNo = 1
) -> Response:
    """Invitation links and codes: make one, see how each was used, revoke one."""
    return _invitations_page(request, kith, member_id, page)


def _number(value: str, what: str, code: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise Invalid(f"Please give {what} as a number.", code=code) from None


@router.post("/admin/invitations")
def make_invitation(
    request: Request,
    kith: KithDep,
    member_id: SignedIn,
    max_uses: Text = "1",
    days: Text = "14",
    label: Text = "",
    email: Text = "",
) -> Response:
    form = {"max_uses": max_uses, "days": days, "label": label, "email": email}
    try:
        with kith.uow() as ctx:
            made = invitations.create_code(
                ctx,
                me(ctx, member_id),
                max_uses=_number(max_uses, "the number of uses", "invalid_max_uses"),
                days=_number(days, "the number of days", "invalid_expiry"),
                label=label,
                email=email.strip() or None,
            )
    except KithError as exc:
        if exc.code == "admin_only":
            raise
        return _invitations_page(
            request, kith, member_id, 1, form=form, error=exc.message, code=exc.status
        )
    return _invitations_page(request, kith, member_id, 1, made=made)


@router.post("/admin/invitations/{invitation_id}/revoke")
def revoke_invitation(
    request: Request, invitation_id: InvitationId, kith: KithDep, member_id: SignedIn
) -> Response:
    with kith.uow() as ctx:
        admin = _admin(ctx, member_id)
        invitations.revoke(ctx, admin, invitation_id)
    return redirect(request, "/admin/invitations")


def _settings_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    *,
    saved: bool = False,
    error: str = "",
    code: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        admin = _admin(ctx, member_id)
        context = {"s": community.current(ctx), "modes": JOIN_MODES, "saved": saved, "error": error}
        return _page(request, ctx, admin, "settings", "settings", context, status=code)


@router.get("/admin/settings")
def settings_form(
    request: Request, kith: KithDep, member_id: SignedIn, saved: str = ""
) -> Response:
    """Who may join, whether profiles are public, and sign-in rules."""
    return _settings_page(request, kith, member_id, saved=saved == "1")


@router.post("/admin/settings")
def save_settings(
    request: Request,
    kith: KithDep,
    member_id: SignedIn,
    join_mode: Text = "",
    allowed_domains: Text = "",
    members_may_invite: Text = "",
    public_profiles: Text = "",
    sso_only: Text = "",
    admin_two_factor_required: Text = "",
    reason: Text = "",
) -> Response:
    changes = {
        "join_mode": join_mode,
        "allowed_domains": allowed_domains,
        "members_may_invite": members_may_invite == "on",
        "public_profiles": public_profiles == "on",
        "sso_only": sso_only == "on",
        "admin_two_factor_required": admin_two_factor_required == "on",
    }
    try:
        with kith.uow() as ctx:
            community.update(ctx, me(ctx, member_id), changes, reason=reason)
    except KithError as exc:
        if exc.code == "admin_only":
            raise
        return _settings_page(request, kith, member_id, error=exc.message, code=exc.status)
    return redirect(request, "/admin/settings?saved=1")


@router.get("/admin/audit")
def audit_page(
    request: Request,
    kith: KithDep,
    member_id: SignedIn,
    action: Annotated[str, Query(max_length=40)] = "",
    page: PageNo = 1,
) -> Response:
    """Every administrator action, newest first: who, what, when and why."""
    with kith.uow(write=False) as ctx:
        admin = _admin(ctx, member_id)
        found = audit.entries(ctx, admin, page_request(ctx, page), action=action or None)
        context = {
            "entries": found.items,
            "page": found,
            "action": action,
            "actions": ACTIONS,
            "base": f"/admin/audit?action={action}&",
        }
        return _page(request, ctx, admin, "audit", "audit", context)


@router.get("/admin/audit/export.{fmt}")
def audit_export(fmt: str, kith: KithDep, member_id: SignedIn) -> Response:
    """The whole audit log as CSV or JSON."""
    with kith.uow(write=False) as ctx:
        admin = me(ctx, member_id)
        if fmt == "json":
            body, media = audit.export_json(ctx, admin), "application/json"
        elif fmt == "csv":
            body, media = audit.export_csv(ctx, admin), "text/csv; charset=utf-8"
        else:
            raise KithError("Export as .csv or .json.", code="not_found", status=404)
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="kith-audit.{fmt}"'},
    )


def _invite_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    *,
    made: invitations.Made | None = None,
    email: str = "",
    error: str = "",
    code: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        allowed = community.current(ctx).members_may_invite or member.is_admin
        mine = invitations.listed(ctx, member, page_request(ctx, 1), own=True)
        now = ctx.clock.now()
        context = {
            "allowed": allowed,
            "made": made,
            "email": email,
            "error": error,
            "mine": [(i, invitations.state(i, now)) for i in mine.items],
        }
        nav = nav_for(ctx, member)
    return render(request, "admin/invite.html", context, nav=nav, status=code)


@router.get("/invite")
def invite_form(request: Request, kith: KithDep, member_id: SignedIn) -> Response:
    """Invite a colleague to join, by email address."""
    return _invite_page(request, kith, member_id)


@router.post("/invite")
def invite(request: Request, kith: KithDep, member_id: SignedIn, email: Text = "") -> Response:
    try:
        with kith.uow() as ctx:
            made = invitations.invite_colleague(ctx, me(ctx, member_id), email)
    except KithError as exc:
        return _invite_page(
            request, kith, member_id, email=email, error=exc.message, code=exc.status
        )
    return _invite_page(request, kith, member_id, made=made)


@router.post("/invite/{invitation_id}/revoke")
def revoke_mine(
    request: Request, invitation_id: InvitationId, kith: KithDep, member_id: SignedIn
) -> Response:
    with kith.uow() as ctx:
        invitations.revoke(ctx, me(ctx, member_id), invitation_id, own=True)
    return redirect(request, "/invite")
