"""Messaging pages: the inbox and message requests beside the open conversation (two
panes on wide screens), a new message with a recipient picker, and the composer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from kith.errors import KithError
from kith.graph.cards import people, person
from kith.members.service import get_member
from kith.messaging import events, service, views
from kith.messaging.schemas import ConversationId
from kith.models import Member
from kith.pagination import PageRequest
from kith.relationships.reconnect import follow_up_with
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.params import PageNo
from kith.web.render import MemberId, is_htmx, nav_for, redirect, render

router = APIRouter()
router.include_router(events.router)
CONVERSATION_PAGE = 50
PICKER_SIZE = 20


def _box(box: str) -> service.Box:
    return "requests" if box == "requests" else "inbox"


def _events_url(box: str, other: str = "", after: int = 0) -> str:
    url = f"/messages/events?box={box}"
    return url + (f"&with={other}&after={after}" if other else "")


@router.get("/messages")
def inbox(
    request: Request, kith: KithDep, member_id: MemberId, box: str = "inbox", page: PageNo = 1
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        context = views.list_pane(ctx, member, _box(box), page)
        context["events_url"] = _events_url(context["box"])
        nav = nav_for(ctx, member)
    return render(request, "messaging/inbox.html", context, nav=nav)


def _notice(ctx: Ctx, member: Member, other: Member, allowed: service.Permission) -> str:
    if allowed.kind == "request" and allowed.company is not None:
        return (
            f"You are not connected with {other.first_name}. Your first message is sent "
            f"as a message request, because you both work at {allowed.company.name}; "
            "you can write again once they accept."
        )
    if allowed.kind == "request" and allowed.group is not None:
        return (
            f"You are not connected with {other.first_name}. Your first message is sent "
            f"as a message request, because you are both members of {allowed.group.name}; "
            "you can write again once they accept."
        )
    return ""


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
        notice = _notice(ctx, member, other, allowed)
    except KithError as exc:
        if exc.code == "member_not_found":
            raise
        notice, can_write = exc.message, False
    messages: list[dict[str, Any]] = []
    result = None
    if conversation is not None:
        req = PageRequest.of(page, CONVERSATION_PAGE, default=50, maximum=CONVERSATION_PAGE)
        result = service.messages(ctx, member, conversation, req)
        messages = [views.message(m, member) for m in result.items]
    follow = follow_up_with(ctx, member, other)
    box = service.box_of(member, conversation) if conversation is not None else "inbox"
    context = views.list_pane(ctx, member, box, size=views.LIST_SIZE)
    latest = conversation.last_seq if conversation is not None and page == 1 else 0
    context.update(
        {
            "other": people(ctx, member, [other])[0],
            "conversation": conversation,
            "open_id": conversation.id if conversation is not None else None,
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
            "events_url": _events_url(box, other.handle, latest) if page == 1 else "",
            "follow_up": None
            if follow is None
            else {
                "note": follow.note,
                "context": follow.context,
                "invited_by_you": follow.invited_by_you,
            },
        }
    )
    return context


@router.get("/messages/with/{handle}")
def conversation(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    page: PageNo = 1,
    text: str = "",
) -> Response:
    """The conversation with a member (opening it marks it read), with the composer,
    beside the conversation list on wide screens."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        other = service.partner(ctx, member, handle)
        context = _conversation_context(ctx, member, other, page, text)
        nav = nav_for(ctx, member)
    return render(request, "messaging/conversation.html", context, nav=nav)


def _refused_reply(
    request: Request, kith: KithDep, member_id: int, handle: str, body: str, exc: KithError
) -> Response:
    """A refused reply keeps its text: beside the composer for htmx, in the page else."""
    if is_htmx(request):
        response = render(
            request,
            "_alert.html",
            {"message": exc.message, "kind": "error", "oob": False},
            status=exc.status,
            headers=exc.headers,
        )
        response.headers["HX-Retarget"] = "#composer-error"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    try:
        with kith.uow() as ctx:
            member = me(ctx, member_id)
            other = service.partner(ctx, member, handle)
            context = _conversation_context(ctx, member, other, 1, body)
            context.update({"error": exc.message, "can_write": True, "text": body})
            nav = nav_for(ctx, member)
    except KithError:  # no conversation page to go back to: the new-message page
        return _new_page(request, kith, member_id, to=handle, text=body, error=exc)
    return render(
        request,
        "messaging/conversation.html",
        context,
        nav=nav,
        status=exc.status,
        headers=exc.headers,
    )


@router.post("/messages/with/{handle}")
def send(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    body: Annotated[str, Form()] = "",
) -> Response:
    """Send a reply: with htmx the new message comes back to be appended in place."""
    try:
        with kith.uow() as ctx:
            member = me(ctx, member_id)
            other = get_member(ctx, handle)  # blocks: refused by the service, as over the API
            prompted = follow_up_with(ctx, member, other) is not None  # writing closes it
            sent = service.send_message(ctx, member, other, body)
            shown = views.message(sent, member)
            target = f"/messages/with/{other.handle}"
    except KithError as exc:
        if exc.code == "not_authenticated":
            raise
        return _refused_reply(request, kith, member_id, handle, body, exc)
    if is_htmx(request):
        return render(request, "messaging/_sent.html", {"m": shown, "prompted": prompted})
    return redirect(request, target)


def _new_context(ctx: Ctx, member: Member, q: str, to: str) -> dict[str, Any]:
    found = service.recipients(ctx, member, q, limit=PICKER_SIZE)
    cards = people(ctx, member, [m for m, _ in found])
    candidates = [
        {"who": card, "kind": allowed.kind} for card, (_, allowed) in zip(cards, found, strict=True)
    ]
    chosen: dict[str, Any] | None = None
    kind, notice, refusal = "", "", ""
    if to:
        try:
            other = service.partner(ctx, member, to)
            chosen = people(ctx, member, [other])[0]
            conversation = service.conversation_between(ctx, member.id, other.id)
            allowed = service.permission(ctx, member, other, conversation)
            kind = allowed.kind
            notice = _notice(ctx, member, other, allowed)
        except KithError as exc:
            refusal = exc.message
    return {
        "q": q[:100],
        "to": to[:60],
        "candidates": candidates,
        "chosen": chosen,
        "kind": kind,
        "notice": notice,
        "refusal": refusal,
        "message_max": ctx.settings.message_max,
        "events_url": _events_url("inbox"),
    }


def _new_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    *,
    q: str = "",
    to: str = "",
    text: str = "",
    error: KithError | None = None,
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        context = views.list_pane(ctx, member, "inbox", size=views.LIST_SIZE)
        context.update(_new_context(ctx, member, q, to))
        # A refused message keeps all its text, even past the limit it was refused for.
        context["text"] = text if error is not None else text[: ctx.settings.message_max]
        if error is not None:
            context["error"] = error.message
        nav = nav_for(ctx, member)
    status = error.status if error is not None else 200
    headers = error.headers if error is not None else None
    return render(request, "messaging/new.html", context, nav=nav, status=status, headers=headers)


@router.get("/messages/new")
def new_message(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    q: str = "",
    to: str = "",
    text: str = "",
) -> Response:
    """Start a conversation: search the members you may write to, choose one, write."""
    return _new_page(request, kith, member_id, q=q, to=to, text=text)


@router.post("/messages/new")
def send_new(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    to: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
) -> Response:
    """Send the first message (or a message request) and land in the conversation; a
    refusal shows the reason and keeps the text."""
    try:
        with kith.uow() as ctx:
            member = me(ctx, member_id)
            other = get_member(ctx, to)
            service.send_message(ctx, member, other, body)
            target = f"/messages/with/{other.handle}"
    except KithError as exc:
        if exc.code == "not_authenticated":
            raise
        return _new_page(request, kith, member_id, to=to, text=body, error=exc)
    return redirect(request, target)


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
