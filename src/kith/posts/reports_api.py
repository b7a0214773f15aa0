"""REST endpoints: report a post or a comment; the administrators' reports queue."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, status

from kith.posts import reports
from kith.posts.reports_schemas import (
    CommentId,
    ModerationOut,
    ModerationPage,
    PostId,
    ReportedId,
    ReportedItemOut,
    ReportIn,
    ReportOut,
    ReportQueuePage,
)
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["reports"])

Kind = Literal["posts", "comments"]


def _subject(kind: Kind) -> reports.Subject:
    return "post" if kind == "posts" else "comment"


@router.post("/posts/{post_id}/reports", status_code=status.HTTP_201_CREATED)
def report_post(
    post_id: PostId, body: ReportIn, kith: KithDep, member_id: ApiMemberId
) -> ReportOut:
    """Report a post you can see (once). The author never learns who reported it."""
    with kith.uow() as ctx:
        row = reports.report(
            ctx, me(ctx, member_id), "post", post_id, reason=body.reason, detail=body.detail
        )
        return ReportOut.of(row)


@router.post("/comments/{comment_id}/reports", status_code=status.HTTP_201_CREATED)
def report_comment(
    comment_id: CommentId, body: ReportIn, kith: KithDep, member_id: ApiMemberId
) -> ReportOut:
    """Report a comment you can see (once)."""
    with kith.uow() as ctx:
        row = reports.report(
            ctx, me(ctx, member_id), "comment", comment_id, reason=body.reason, detail=body.detail
        )
        return ReportOut.of(row)


@router.get("/reports")
def report_queue(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> ReportQueuePage:
    """Administrators: reported posts and comments with open reports, the longest
    waiting first, with how many reported each and why (never who)."""
    with kith.uow(write=False) as ctx:
        admin = me(ctx, member_id)
        result = reports.queue(ctx, admin, page_request(ctx, page, per_page))
        return ReportQueuePage.of(result, [ReportedItemOut.of(i) for i in result.items])


@router.post("/reports/{kind}/{item_id}/remove")
def remove_reported(
    kind: Kind, item_id: ReportedId, kith: KithDep, member_id: ApiMemberId
) -> ModerationOut:
    """Administrators: delete the reported item, tell its author, resolve its reports."""
    with kith.uow() as ctx:
        action = reports.remove(ctx, me(ctx, member_id), _subject(kind), item_id)
        return ModerationOut.of(action)


@router.post("/reports/{kind}/{item_id}/dismiss")
def dismiss_reported(
    kind: Kind, item_id: ReportedId, kith: KithDep, member_id: ApiMemberId
) -> ModerationOut:
    """Administrators: resolve the reports on an item and leave it."""
    with kith.uow() as ctx:
        action = reports.dismiss(ctx, me(ctx, member_id), _subject(kind), item_id)
        return ModerationOut.of(action)


@router.get("/reports/actions")
def moderation_actions(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> ModerationPage:
    """Administrators: every decision on reported content, newest first."""
    with kith.uow(write=False) as ctx:
        result = reports.actions(ctx, me(ctx, member_id), page_request(ctx, page, per_page))
        return ModerationPage.of(result, [ModerationOut.of(a) for a in result.items])
