"""The notifications page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.graph.cards import person
from kith.notifications import service
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, nav_for, redirect, render

router = APIRouter()


@router.get("/notifications")
def notifications(
    request: Request, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    """The member's notifications. Opening the page marks them seen (read): the header
    badge clears, and those that were new are marked "New" on this view."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        req = page_request(ctx, page)
        result = service.list_notifications(ctx, member, req)
        items = [
            {
                "id": n.id,
                "kind": n.kind,
                "at": n.created_at,
                "unread": n.read_at is None,
                "actor": None if n.actor is None else person(n.actor),
                "detail": n.detail,
                "post_id": n.post_id,
                "introduction_id": n.introduction_id,
                "group_id": n.group_id,
                "comment_id": n.comment_id,
                "recommendation_id": n.recommendation_id,
                "others": service.group_size(n) - 1,
                "skill": n.skill.name if n.skill is not None else "",
            }
            for n in result.items
        ]
        if any(item["unread"] for item in items) or service.unread_count(ctx, member):
            service.mark_read(ctx, member)
        nav = nav_for(ctx, member)
    return render(
        request,
        "notifications/list.html",
        {"items": items, "page": result, "base": "/notifications?"},
        nav=nav,
    )


@router.post("/notifications/read")
def mark_all_read(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        service.mark_read(ctx, me(ctx, member_id))
    return redirect(request, "/notifications")
