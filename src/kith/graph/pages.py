"""Network pages: the connections a viewer shares with a member."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.graph import service
from kith.graph.cards import people, person
from kith.members.service import view_member
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, nav_for, render

router = APIRouter()


@router.get("/in/{handle}/mutual")
def mutual(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    """The connections the viewer shares with a member."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        req = page_request(ctx, page)
        result = service.mutual_connections(ctx, viewer, member, req)
        context = {
            "member": person(member),
            "people": people(ctx, viewer, result.items),
            "page": result,
            "base": f"/in/{member.handle}/mutual?",
        }
        nav = nav_for(ctx, viewer)
    return render(request, "graph/mutual.html", context, nav=nav)
