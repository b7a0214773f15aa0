"""REST endpoints for invitations and connections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from kith.connections import service
from kith.connections.schemas import (
    ConnectionOut,
    ConnectionPage,
    InvitationId,
    InvitationIn,
    InvitationOut,
    InvitationPage,
    InvitationSent,
)
from kith.graph.service import Badge, badges, mutual_count
from kith.members.schemas import MemberSummary
from kith.members.service import get_member, view_member
from kith.models import Invitation, Member
from kith.pagination import Page
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage, Refusal

router = APIRouter(tags=["connections"])

SORT = Refusal("invalid_sort", "Sort connections by 'recent' or 'name'.")


def _invitation_page(ctx: Ctx, page: Page[Invitation], viewer: Member) -> InvitationPage:
    ids = {i.sender_id for i in page.items} | {i.recipient_id for i in page.items}
    found = badges(ctx, viewer, sorted(ids))
    return InvitationPage.of(
        page,
        items=[InvitationOut.of(ctx, i, viewer, found) for i in page.items],
    )


@router.post("/invitations", status_code=status.HTTP_201_CREATED)
def send_invitation(
    body: InvitationIn, kith: KithDep, member_id: ApiMemberId, response: Response
) -> InvitationSent:
    """Invite a member to connect. If they already invited you, this accepts theirs
    (the response then says ``connected: true``, with status 200)."""
    with kith.uow() as ctx:
        sender = me(ctx, member_id)
        # The service refuses blocked pairs itself: member_blocked for the blocker,
        # member_not_found for the blocked.
        recipient = get_member(ctx, body.to)
        result = service.send_invitation(
            ctx, sender, recipient, note=body.note, context=body.context, email=body.email
        )
        if result.connection is not None:
            response.status_code = status.HTTP_200_OK
        return InvitationSent(
            invitation=InvitationOut.of(ctx, result.invitation, sender),
            connected=result.connection is not None,
        )


@router.get("/invitations/received")
def received(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> InvitationPage:
    """Pending invitations to you, newest first."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        req = page_request(ctx, page, per_page)
        return _invitation_page(ctx, service.received_invitations(ctx, member, req), member)


@router.get("/invitations/sent")
def sent(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> InvitationPage:
    """Your invitations that are still pending (withdraw them from here)."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        req = page_request(ctx, page, per_page)
        return _invitation_page(ctx, service.sent_invitations(ctx, member, req), member)


@router.get("/invitations/{invitation_id:int}")
def get_invitation(
    invitation_id: InvitationId, kith: KithDep, member_id: ApiMemberId
) -> InvitationOut:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return InvitationOut.of(ctx, service.get_invitation(ctx, member, invitation_id), member)


@router.post("/invitations/{invitation_id:int}/accept")
def accept(invitation_id: InvitationId, kith: KithDep, member_id: ApiMemberId) -> ConnectionOut:
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        connection = service.accept_invitation(ctx, member, invitation_id)
        invitation = service.get_invitation(ctx, member, invitation_id)
        # The engine learns of the connection after the commit; say what it will be.
        return ConnectionOut.of(
            MemberSummary.of(
                invitation.sender,
                Badge(1, mutual_count(ctx, member, invitation.sender)),
            ),
            connection,
            invited_by_you=False,
        )


@router.post("/invitations/{invitation_id:int}/ignore")
def ignore(invitation_id: InvitationId, kith: KithDep, member_id: ApiMemberId) -> InvitationOut:
    """Ignore silently: the sender keeps seeing it as pending until it expires."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        return InvitationOut.of(ctx, service.ignore_invitation(ctx, member, invitation_id), member)


@router.post("/invitations/{invitation_id:int}/report")
def report(invitation_id: InvitationId, kith: KithDep, member_id: ApiMemberId) -> InvitationOut:
    """ "I don't know this person": the sender can never invite you again."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        return InvitationOut.of(ctx, service.report_unknown(ctx, member, invitation_id), member)


@router.post("/invitations/{invitation_id:int}/withdraw")
def withdraw(invitation_id: InvitationId, kith: KithDep, member_id: ApiMemberId) -> InvitationOut:
    """Withdraw your invitation; you can invite the same member again after 21 days."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        return InvitationOut.of(
            ctx, service.withdraw_invitation(ctx, member, invitation_id), member
        )


def _connection_page(
    ctx: Ctx, page: Page[service.ConnectionEntry], owner: Member, viewer: Member
) -> ConnectionPage:
    found = badges(ctx, viewer, [e.member.id for e in page.items])
    return ConnectionPage.of(
        page,
        items=[
            ConnectionOut.of(
                MemberSummary.of(e.member, found[e.member.id]),
                e.connection,
                invited_by_you=e.connection.inviter_id == owner.id,
            )
            for e in page.items
        ],
    )


@router.get("/connections")
def my_connections(
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
    sort: Annotated[service.ConnectionSort, Query(description="recent or name"), SORT] = "recent",
    q: Annotated[str, Query(max_length=100, description="Filter by name or headline")] = "",
) -> ConnectionPage:
    """Your connections, recently added first or by last name."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        req = page_request(ctx, page, per_page)
        entries = service.list_connections(ctx, member, member, req, sort=sort, query=q)
        return _connection_page(ctx, entries, member, member)


@router.get("/members/{handle}/connections")
def member_connections(
    handle: str,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
    sort: Annotated[service.ConnectionSort, Query(), SORT] = "recent",
) -> ConnectionPage:
    """Another member's connections, if they show them to you."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        owner = view_member(ctx, viewer, handle)
        req = page_request(ctx, page, per_page)
        entries = service.list_connections(ctx, viewer, owner, req, sort=sort)
        return _connection_page(ctx, entries, owner, viewer)


@router.delete("/connections/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def remove(handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    """Remove a connection silently (the follows both ways go too)."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.remove_connection(ctx, member, get_member(ctx, handle))
