"""REST endpoints for notifications."""

from __future__ import annotations

from fastapi import APIRouter

from kith.members.summaries import summarize
from kith.notifications import service
from kith.notifications.schemas import Marked, NotificationId, NotificationOut, NotificationPage
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["notifications"])


@router.get("/notifications")
def notifications(
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
    unread: bool = False,
) -> NotificationPage:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        result = service.list_notifications(
            ctx, member, page_request(ctx, page, per_page), unread_only=unread
        )
        actors = list({n.actor.id: n.actor for n in result.items if n.actor}.values())
        found = dict(zip((a.id for a in actors), summarize(ctx, member, actors), strict=True))
        return NotificationPage.of(
            result,
            items=[
                NotificationOut.of(n, found[n.actor.id] if n.actor else None) for n in result.items
            ],
            unread=service.unread_count(ctx, member),
        )


@router.post("/notifications/read")
def mark_all_read(kith: KithDep, member_id: ApiMemberId) -> Marked:
    with kith.uow() as ctx:
        return Marked(marked=service.mark_read(ctx, me(ctx, member_id)))


@router.post("/notifications/{notification_id:int}/read")
def mark_read(notification_id: NotificationId, kith: KithDep, member_id: ApiMemberId) -> Marked:
    with kith.uow() as ctx:
        return Marked(marked=service.mark_read(ctx, me(ctx, member_id), notification_id))
