"""REST endpoints: shared connections, introduction paths, reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kith.connections.schemas import MemberPage
from kith.graph import service
from kith.graph.schemas import NetworkReachOut, PathsOut
from kith.members.service import view_member
from kith.members.summaries import summarize
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["network"])


@router.get("/members/{handle}/mutual")
def mutual(
    handle: str, kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> MemberPage:
    """Connections you share with this member, by name."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        other = view_member(ctx, viewer, handle)
        result = service.mutual_connections(ctx, viewer, other, page_request(ctx, page, per_page))
        return MemberPage.of(
            result,
            items=summarize(ctx, viewer, result.items),
        )


@router.get("/members/{handle}/paths")
def paths(
    handle: str,
    kith: KithDep,
    member_id: ApiMemberId,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> PathsOut:
    """How you're connected to a 2nd or 3rd-degree member: who can introduce you."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        other = view_member(ctx, viewer, handle)
        found = service.badge(ctx, viewer, other)
        found_paths = service.intro_paths(ctx, viewer, other, limit=limit)
        members = [summarize(ctx, viewer, path.members) for path in found_paths]
        return PathsOut.of(found, found_paths, members)


@router.get("/me/reach")
def reach(kith: KithDep, member_id: ApiMemberId) -> NetworkReachOut:
    """The sizes of your 1st, 2nd and 3rd-degree networks."""
    with kith.uow(write=False) as ctx:
        return NetworkReachOut.of(service.reach(ctx, me(ctx, member_id)))
