"""Messaging request and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kith.config import Settings
from kith.members.schemas import MemberSummary
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
