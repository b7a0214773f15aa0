"""Messaging pages: the inbox, message requests, and one conversation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from kith.errors import KithError
from kith.graph.cards import people, person
from kith.members.service import get_member
from kith.messaging import service
from kith.messaging.schemas import ConversationId
from kith.models import Member
from kith.pagination import PageRequest
from kith.relationships.reconnect import follow_up_with
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, nav_for, redirect, render

router = APIRouter()
CONVERSATION_PAGE = 50


@router.get("/messages")
def inbox(
    request: Request, kith: KithDep, member_id: MemberId, box: str = "inbox", page: PageNo = 1
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        chosen: service.Box = "requests" if box == "requests" else "inbox"
        req = page_request(ctx, page)
        result = service.list_conversations(ctx, member, req, box=chosen)
        cards = people(ctx, member, [e.other for e in result.items])
        rows = [
            {
                "id": e.conversation.id,
                "who": card,
                "unread": e.unread,
                "status": e.conversation.status,
                "mine_pending": e.conversation.status in ("request", "declined")
                and e.conversation.requested_by_id == member.id,
                "last": None
                if e.last is None
                else {
                    "body": e.last.body,
                    "from_you": e.last.sender_id == member.id,
                    "at": e.last.created_at,
                },
            }
            for e, card in zip(result.items, cards, strict=True)
        ]
        context = {
            "box": chosen,
            "rows": rows,
            "page": result,
            "requests": service.request_count(ctx, member),
            "base": f"/messages?box={chosen}&",
        }
        nav = nav_for(ctx, member)
    return render(request, "messaging/inbox.html", context, nav=nav)


def _conversation_context(
    ctx: Ctx, member: Member, other: Member, page: int, text: str
) -> dict[str, Any]:
    conversation = service.conversation_between(ctx, member.id, other.id)
    if conversation is not None:
        conversation = service.get_conversation(ctx, member, conversation.id)
        service.mark_read(ctx, member, conversation)
    notice = ""
    can_write = True
    try:
        allowed = service.permission(ctx, member, other, conversation)
        if allowed.kind == "request" and allowed.company is not None:
            notice = (
                f"You are not connected with {other.first_name}. Your first message is sent "
                f"as a message request, because you both work at {allowed.company.name}; "
                "you can write again once they accept."
            )
    except KithError as exc:
        if exc.code == "member_not_found":
            raise
        notice, can_write = exc.message, False
    messages: list[dict[str, Any]] = []
    result = None
    if conversation is not None:
        req = PageRequest.of(page, CONVERSATION_PAGE, default=50, maximum=CONVERSATION_PAGE)
        result = service.messages(ctx, member, conversation, req)
        messages = [
            {"body": m.body, "at": m.created_at, "mine": m.sender_id == member.id, "seq": m.seq}
            for m in result.items
        ]
    follow = follow_up_with(ctx, member, other)
    return {
        "other": people(ctx, member, [other])[0],
        "conversation": conversation,
        "awaiting_answer": conversation is not None
        and conversation.status == "request"
        and conversation.requested_by_id != member.id,
        "messages": messages,
        "page": result,
        "base": f"/messages/with/{other.handle}?",
        "can_write": can_write,
        "notice": notice,
        "text": text[: ctx.settings.message_max],
        "message_max": ctx.settings.message_max,
        "follow_up": None
        if follow is None
        else {
            "note": follow.note,
            "context": follow.context,
            "invited_by_you": follow.invited_by_you,
        },
    }


@router.get("/messages/with/{handle}")
def conversation(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    page: PageNo = 1,
    text: str = "",
) -> Response:
    """The conversation with a member (opening it marks it read), with the composer."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        other = service.partner(ctx, member, handle)
        context = _conversation_context(ctx, member, other, page, text)
        nav = nav_for(ctx, member)
    return render(request, "messaging/conversation.html", context, nav=nav)


@router.post("/messages/with/{handle}")
def send(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    body: Annotated[str, Form()] = "",
) -> Response:
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        other = get_member(ctx, handle)  # blocks: refused by the service, as over the API
        service.send_message(ctx, member, other, body)
    return redirect(request, f"/messages/with/{other.handle}")


@router.post("/messages/{conversation_id}/{answer}")
def answer_request(
    request: Request,
    conversation_id: ConversationId,
    answer: str,
    kith: KithDep,
    member_id: MemberId,
) -> Response:
    """Accept or decline a message request."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        if answer == "accept":
            conv = service.accept_request(ctx, member, conversation_id)
            other = person(ctx.session.get_one(Member, conv.other_id(member.id)))
            target = f"/messages/with/{other['handle']}"
        elif answer == "decline":
            service.decline_request(ctx, member, conversation_id)
            target = "/messages?box=requests"
        else:
            raise KithError("There is nothing at this address.", code="not_found", status=404)
    return redirect(request, target)
