"""REST endpoints for messaging."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from kith.errors import KithError
from kith.members.service import get_member
from kith.messaging import service
from kith.messaging.schemas import (
    ConversationId,
    ConversationOut,
    ConversationPage,
    ConversationSummary,
    MessageIn,
    MessageOut,
    Unread,
)
from kith.models import Conversation, Member
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage, Refusal

router = APIRouter(tags=["messaging"])


@router.get("/messages")
def conversations(
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
    box: Annotated[
        service.Box,
        Query(description="inbox, or requests waiting for you"),
        Refusal("invalid_box", "Choose the inbox or requests."),
    ] = "inbox",
) -> ConversationPage:
    """Your conversations, most recent first."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        result = service.list_conversations(ctx, member, page_request(ctx, page, per_page), box=box)
        return ConversationPage.of(
            result,
            items=[
                ConversationSummary.of(ctx, member, e.conversation, e.other, e.last)
                for e in result.items
            ],
            unread=service.unread_count(ctx, member),
        )


@router.get("/messages/unread")
def unread(kith: KithDep, member_id: ApiMemberId) -> Unread:
    """The header's count: unread messages, and requests waiting for an answer."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return Unread(
            unread=service.unread_count(ctx, member), requests=service.request_count(ctx, member)
        )


@router.post("/messages", status_code=status.HTTP_201_CREATED)
def send(body: MessageIn, kith: KithDep, member_id: ApiMemberId) -> MessageOut:
    """Send a message to a connection, or a message request to a current coworker."""
    with kith.uow() as ctx:
        sender = me(ctx, member_id)
        # The service refuses blocked pairs itself: member_blocked for the blocker,
        # member_not_found for the blocked.
        recipient = get_member(ctx, body.to)
        message = service.send_message(ctx, sender, recipient, body.body)
        return MessageOut.of(message, sender, {sender.id: sender.handle})


def _conversation(ctx: Ctx, member: Member, conversation_id: int) -> tuple[Conversation, Member]:
    conversation = service.get_conversation(ctx, member, conversation_id)
    other = ctx.session.get_one(Member, conversation.other_id(member.id))
    return conversation, other


def _can_write(ctx: Ctx, member: Member, other: Member, conversation: Conversation) -> bool:
    try:
        service.permission(ctx, member, other, conversation)
    except KithError:
        return False
    return True


@router.get("/messages/{conversation_id:int}")
def conversation(
    conversation_id: ConversationId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> ConversationOut:
    """One conversation, a page of messages at a time (page 1 is the newest)."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        conv, other = _conversation(ctx, member, conversation_id)
        result = service.messages(ctx, member, conv, page_request(ctx, page, per_page))
        handles = {member.id: member.handle, other.id: other.handle}
        last = result.items[-1] if result.items and result.page == 1 else None
        return ConversationOut.of(
            result,
            items=[MessageOut.of(m, member, handles) for m in result.items],
            conversation=ConversationSummary.of(ctx, member, conv, other, last),
            can_write=_can_write(ctx, member, other, conv),
        )


@router.post("/messages/{conversation_id:int}/read")
def read(conversation_id: ConversationId, kith: KithDep, member_id: ApiMemberId) -> Unread:
    """Mark the conversation read; answers the new unread counts."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        conv, _ = _conversation(ctx, member, conversation_id)
        service.mark_read(ctx, member, conv)
        return Unread(
            unread=service.unread_count(ctx, member), requests=service.request_count(ctx, member)
        )


@router.post("/messages/{conversation_id:int}/accept")
def accept(
    conversation_id: ConversationId, kith: KithDep, member_id: ApiMemberId
) -> ConversationSummary:
    """Accept a message request: you can then both write freely."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        conv = service.accept_request(ctx, member, conversation_id)
        other = ctx.session.get_one(Member, conv.other_id(member.id))
        return ConversationSummary.of(ctx, member, conv, other, None)


@router.post("/messages/{conversation_id:int}/decline", status_code=status.HTTP_204_NO_CONTENT)
def decline(conversation_id: ConversationId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Decline a message request silently."""
    with kith.uow() as ctx:
        service.decline_request(ctx, me(ctx, member_id), conversation_id)
