"""Messaging request and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kith.config import Settings
from kith.graph.service import badges
from kith.members.schemas import MemberSummary
from kith.models import Conversation, Member, Message
from kith.uow import Ctx
from kith.web.paging import Paged
from kith.web.params import WORDS, id_path, stated

ConversationId = Annotated[int, id_path("conversation")]


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: str = Field(description="The handle of the member to write to")
    body: str = Field(
        description="The message (at most KITH_MESSAGE_MAX characters)",
        json_schema_extra=stated(
            min_length=1,
            max_length=Settings.model_fields["message_max"].default,
            pattern=WORDS,
        ),
    )


class MessageOut(BaseModel):
    id: int
    conversation_id: int
    seq: int = Field(description="Position in the conversation, from 1")
    sender: str = Field(description="The sender's handle")
    from_you: bool
    body: str
    created_at: datetime

    @classmethod
    def of(cls, message: Message, viewer: Member, handles: dict[int, str]) -> MessageOut:
        """``message`` as ``viewer`` reads it; ``handles`` names the senders by id."""
        return cls(
            id=message.id,
            conversation_id=message.conversation_id,
            seq=message.seq,
            sender=handles.get(message.sender_id, ""),
            from_you=message.sender_id == viewer.id,
            body=message.body,
            created_at=message.created_at,
        )


class ConversationSummary(BaseModel):
    id: int
    with_member: MemberSummary = Field(alias="with")
    status: str = Field(
        description="open (connections), accepted (an accepted request), request "
        "(waiting for an answer)"
    )
    awaiting_your_answer: bool
    unread: int
    last_message: MessageOut | None
    last_message_at: datetime | None

    model_config = ConfigDict(populate_by_name=True)

    @classmethod
    def of(
        cls,
        ctx: Ctx,
        viewer: Member,
        conversation: Conversation,
        other: Member,
        last: Message | None,
    ) -> ConversationSummary:
        """The conversation as ``viewer`` sees it, with ``other``'s degree badge."""
        found = badges(ctx, viewer, [other.id])
        handles = {viewer.id: viewer.handle, other.id: other.handle}
        return cls(
            id=conversation.id,
            with_member=MemberSummary.of(other, found[other.id]),
            status="request" if conversation.status == "declined" else conversation.status,
            awaiting_your_answer=conversation.status == "request"
            and conversation.requested_by_id != viewer.id,
            unread=conversation.unread(viewer.id),
            last_message=None if last is None else MessageOut.of(last, viewer, handles),
            last_message_at=conversation.last_message_at,
        )


class ConversationPage(Paged):
    items: list[ConversationSummary]
    unread: int = Field(description="Unread messages and requests across all conversations")


class ConversationOut(Paged):
    conversation: ConversationSummary
    items: list[MessageOut]
    can_write: bool


class Unread(BaseModel):
    unread: int
    requests: int
