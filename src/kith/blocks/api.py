"""REST endpoints for blocks."""

from __future__ import annotations

from fastapi import APIRouter, status

from kith.blocks import service
from kith.connections.schemas import MemberPage
from kith.members.schemas import MemberSummary
from kith.members.service import get_member
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["blocks"])


@router.put("/blocks/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def block(handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    """Block a member: silent and mutual; removes any connection, follows and
    open invitations between you."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        # Blocking again is harmless; the service hides members who blocked you.
        service.block(ctx, member, get_member(ctx, handle))


@router.delete("/blocks/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def unblock(handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.unblock(ctx, member, service.find_blocked(ctx, member, handle))


@router.get("/blocks")
def blocked(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> MemberPage:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        result = service.blocked_members(ctx, member, page_request(ctx, page, per_page))
        return MemberPage.of(
            result,
            items=[MemberSummary.of(m) for m, _ in result.items],  # no badges for the blocked
        )
