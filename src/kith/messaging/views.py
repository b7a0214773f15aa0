"""What the messaging pages and the event stream show: the conversation list's rows,
one message, the list pane. Shared so a row or a message looks the same whether it
came with the page or arrived live."""

from __future__ import annotations

from typing import Any

from kith.graph.cards import people
from kith.messaging import service
from kith.models import Member, Message
from kith.uow import Ctx
from kith.web.paging import page_request

LIST_SIZE = 20  # conversations in the list pane beside an open conversation


def rows(
    ctx: Ctx, member: Member, entries: list[service.ConversationEntry]
) -> list[dict[str, Any]]:
    cards = people(ctx, member, [e.other for e in entries])
    return [
        {
            "id": e.conversation.id,
            "who": card,
            "unread": e.unread,
            "status": e.conversation.status,
            "box": service.box_of(member, e.conversation),
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
        for e, card in zip(entries, cards, strict=True)
    ]


def message(m: Message, member: Member) -> dict[str, Any]:
    return {
        "id": f"message-{m.conversation_id}-{m.seq}",
        "body": m.body,
        "at": m.created_at,
        "mine": m.sender_id == member.id,
        "seq": m.seq,
    }


def list_pane(
    ctx: Ctx, member: Member, box: service.Box, page: int = 1, *, size: int | None = None
) -> dict[str, Any]:
    """The conversation list: one page of ``box``, with the requests waiting."""
    req = page_request(ctx, page, size)
    result = service.list_conversations(ctx, member, req, box=box)
    return {
        "box": box,
        "rows": rows(ctx, member, list(result.items)),
        "list_page": result,
        "requests": service.request_count(ctx, member),
        "list_base": f"/messages?box={box}&",
    }
