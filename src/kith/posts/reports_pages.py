"""Pages: report a post or a comment; the administrators' reports queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from kith.errors import KithError
from kith.graph.cards import person
from kith.models import REPORT_REASONS
from kith.posts import reports
from kith.posts.audience import visible_post
from kith.posts.reports_schemas import CommentId, PostId, ReportedId
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, nav_for, redirect, render

router = APIRouter()

Text = Annotated[str, Form()]

REASON_WORDS = {
    "spam": "Spam or a scam",
    "harassment": "Harassment or bullying",
    "hate": "Hateful speech",
    "violence": "Violence or threats",
    "misinformation": "False or misleading information",
    "other": "Something else",
}
assert set(REASON_WORDS) == set(REPORT_REASONS)


def _report_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    subject: reports.Subject,
    item_id: int,
    *,
    error: str = "",
    status: int = 200,
    chosen: str = "",
    detail: str = "",
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        if subject == "post":
            target = visible_post(ctx, member.id, item_id)
            author, body, post_id = target.author, target.body, target.id
        else:
            comment = reports.visible_comment(ctx, member.id, item_id)
            author, body, post_id = comment.author, comment.body, comment.post_id
        context: dict[str, Any] = {
            "subject": subject,
            "item_id": item_id,
            "post_id": post_id,
            "author": person(author),
            "excerpt": reports.excerpt(body, words=40),
            "reasons": REASON_WORDS,
            "chosen": chosen,
            "detail": detail,
            "detail_max": reports.DETAIL_MAX,
            "error": error,
        }
        nav = nav_for(ctx, member)
    return render(request, "posts/report.html", context, nav=nav, status=status)


def _send_report(
    request: Request,
    kith: KithDep,
    member_id: int,
    subject: reports.Subject,
    item_id: int,
    reason: str,
    detail: str,
) -> Response:
    try:
        with kith.uow() as ctx:
            reports.report(ctx, me(ctx, member_id), subject, item_id, reason=reason, detail=detail)
    except KithError as exc:
        if exc.code in ("post_not_found", "comment_not_found"):
            raise
        return _report_page(
            request,
            kith,
            member_id,
            subject,
            item_id,
            error=exc.message,
            status=exc.status,
            chosen=reason,
            detail=detail,
        )
    with kith.uow(write=False) as ctx:
        nav = nav_for(ctx, me(ctx, member_id))
    return render(request, "posts/report_sent.html", {"subject": subject}, nav=nav)


@router.get("/posts/{post_id}/report")
def report_post_form(
    request: Request, post_id: PostId, kith: KithDep, member_id: MemberId
) -> Response:
    """Why are you reporting this post? (The author never learns who reported it.)"""
    return _report_page(request, kith, member_id, "post", post_id)


@router.post("/posts/{post_id}/report")
def report_post(
    request: Request,
    post_id: PostId,
    kith: KithDep,
    member_id: MemberId,
    reason: Text = "",
    detail: Text = "",
) -> Response:
    return _send_report(request, kith, member_id, "post", post_id, reason, detail)


@router.get("/comments/{comment_id}/report")
def report_comment_form(
    request: Request, comment_id: CommentId, kith: KithDep, member_id: MemberId
) -> Response:
    return _report_page(request, kith, member_id, "comment", comment_id)


@router.post("/comments/{comment_id}/report")
def report_comment(
    request: Request,
    comment_id: CommentId,
    kith: KithDep,
    member_id: MemberId,
    reason: Text = "",
    detail: Text = "",
) -> Response:
    return _send_report(request, kith, member_id, "comment", comment_id, reason, detail)


@router.get("/reports")
def report_queue(
    request: Request, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    """Administrators: the reported posts and comments, the longest waiting first."""
    with kith.uow(write=False) as ctx:
        admin = me(ctx, member_id)
        result = reports.queue(ctx, admin, page_request(ctx, page))
        items = [
            {
                "subject": i.subject,
                "id": i.id,
                "post_id": i.post_id,
                "author": person(i.author),
                "body": i.body,
                "created_at": i.created_at,
                "first_reported_at": i.first_reported_at,
                "reporters": i.reporters,
                "reasons": [(REASON_WORDS.get(r, r), n) for r, n in i.reasons],
                "details": i.details,
            }
            for i in result.items
        ]
        nav = nav_for(ctx, admin)
    context = {"items": items, "page": result, "base": "/reports?"}
    return render(request, "posts/reports.html", context, nav=nav)


@router.post("/reports/{kind}/{item_id}/remove")
def remove_reported(
    request: Request, kind: str, item_id: ReportedId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        reports.remove(ctx, me(ctx, member_id), _subject(kind), item_id)
    return redirect(request, "/reports")


@router.post("/reports/{kind}/{item_id}/dismiss")
def dismiss_reported(
    request: Request, kind: str, item_id: ReportedId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        reports.dismiss(ctx, me(ctx, member_id), _subject(kind), item_id)
    return redirect(request, "/reports")


def _subject(kind: str) -> reports.Subject:
    if kind == "posts":
        return "post"
    if kind == "comments":
        return "comment"
    raise reports.report_not_found()
