"""REST endpoints for follows."""

from __future__ import annotations

from fastapi import APIRouter, status

from kith.connections.schemas import MemberPage
from kith.follows import service
from kith.members.service import get_member, view_member
from kith.members.summaries import summarize
from kith.models import Member
from kith.pagination import Page
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["follows"])


def _page(ctx: Ctx, viewer: Member, page: Page[Member]) -> MemberPage:
    return MemberPage.of(
        page,
        items=summarize(ctx, viewer, page.items),
    )


@router.put("/follows/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def follow(handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    """Follow a member (idempotent)."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.follow(ctx, member, view_member(ctx, member, handle))


@router.delete("/follows/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def unfollow(handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    """Stop following a member; a connection stays."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.unfollow(ctx, member, get_member(ctx, handle))


@router.get("/followers")
def followers(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> MemberPage:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return _page(ctx, member, service.followers(ctx, member, page_request(ctx, page, per_page)))


@router.get("/following")
def following(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> MemberPage:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return _page(ctx, member, service.following(ctx, member, page_request(ctx, page, per_page)))
