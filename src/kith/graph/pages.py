"""Network pages and the people cards every list of members uses: each card shows
how the viewer is connected to the member (degree badge, shared connections)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.graph import service
from kith.members.service import view_member
from kith.models import Member
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, nav_for, render

router = APIRouter()


def initials(member: Member) -> str:
    return (member.first_name[:1] + member.last_name[:1]).upper() or "?"


def person(member: Member, badge: service.Badge | None = None) -> dict[str, Any]:
    """A card's data. A former member (a deleted account) reads "Former member" and
    has no profile to link to and no place in the viewer's network."""
    former = member.deleted_at is not None
    if former:
        badge = None
    return {
        "handle": member.handle,
        "name": member.name,
        "first_name": member.first_name,
        "headline": member.headline,
        "initials": initials(member),
        "degree": badge.degree if badge else None,
        "degree_label": badge.label if badge and badge.degree is not None else "",
        "mutual": badge.mutual if badge else 0,
        "former": former,
    }


def people(ctx: Ctx, viewer: Member, members: Sequence[Member]) -> list[dict[str, Any]]:
    """Cards for a page of members, with degree and shared-connection counts computed
    in two vectorized engine calls."""
    found = service.badges(ctx, viewer, [m.id for m in members])
    return [person(m, found[m.id]) for m in members]


def network_context(ctx: Ctx, viewer: Member, member: Member) -> dict[str, Any]:
    """The profile's "how you're connected" part: badge, shared connections, paths."""
    badge = service.badge(ctx, viewer, member)
    shared_visible = service.can_see_shared(ctx, viewer, member)
    preview = (
        service.mutual_preview(ctx, viewer, [member]).get(member.id, [])
        if shared_visible and badge.mutual
        else []
    )
    paths = []
    if badge.degree in (2, 3):
        for path in service.intro_paths(ctx, viewer, member, limit=3):
            paths.append([person(m) for m in path.members])
    return {
        "degree": badge.degree,
        "degree_label": badge.label if badge.degree is not None else "",
        "mutual": badge.mutual if shared_visible else 0,
        "mutual_preview": [person(m) for m in preview],
        "paths": paths,
    }


def reach_context(ctx: Ctx, viewer: Member) -> dict[str, Any]:
    reach = service.reach(ctx, viewer)
    return {
        "first": reach.first,
        "second": reach.second,
        "third": reach.third,
        "third_estimated": reach.third_estimated,
        "third_error": round(reach.third_relative_error * 100),
    }


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
