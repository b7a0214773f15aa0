"""Invitation and connection request and response models."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kith.config import Settings
from kith.connections.service import status_for
from kith.graph.service import Badge, badges
from kith.members.schemas import MemberSummary
from kith.models import Connection, Invitation, Member
from kith.uow import Ctx
from kith.web.paging import Paged
from kith.web.params import id_path, stated

InvitationId = Annotated[int, id_path("invitation")]
_DEFAULTS = Settings.model_fields


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: str = Field(description="The handle of the member to invite")
    note: str = Field(
        "",
        description="A personal note (at most KITH_INVITATION_NOTE_MAX characters)",
        json_schema_extra=stated(max_length=_DEFAULTS["invitation_note_max"].default),
    )
    context: str = Field(
        "",
        description="How you know each other, e.g. 'We worked together at Acme'",
        json_schema_extra=stated(max_length=_DEFAULTS["invitation_context_max"].default),
    )
    email: str | None = Field(
        None, description="Their email address, when their settings or a restriction require it"
    )


class InvitationOut(BaseModel):
    id: int
    sender: MemberSummary
    recipient: MemberSummary
    note: str
    context: str
    status: str = Field(description="As you may see it: ignoring is silent to the sender")
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(
        cls,
        ctx: Ctx,
        invitation: Invitation,
        viewer: Member,
        found: dict[int, Badge] | None = None,
    ) -> InvitationOut:
        """The invitation as ``viewer`` may see it; ``found`` holds the badges of both
        sides when the caller looked them up for a whole page."""
        if found is None:
            found = badges(ctx, viewer, [invitation.sender_id, invitation.recipient_id])
        return cls(
            id=invitation.id,
            sender=MemberSummary.of(invitation.sender, found.get(invitation.sender_id)),
            recipient=MemberSummary.of(invitation.recipient, found.get(invitation.recipient_id)),
            note=invitation.note,
            context=invitation.context,
            status=status_for(ctx, invitation, viewer.id),
            created_at=invitation.created_at,
            expires_at=invitation.created_at + timedelta(days=ctx.settings.invitation_expiry_days),
        )


class InvitationSent(BaseModel):
    invitation: InvitationOut
    connected: bool = Field(description="True when it crossed their invitation and connected you")


class ConnectionOut(BaseModel):
    member: MemberSummary
    connected_since: datetime
    context: str
    invited_by_you: bool

    @classmethod
    def of(
        cls, member: MemberSummary, connection: Connection, invited_by_you: bool
    ) -> ConnectionOut:
        """``connection`` as seen from one side, ``member`` being the other."""
        return cls(
            member=member,
            connected_since=connection.created_at,
            context=connection.context,
            invited_by_you=invited_by_you,
        )


class InvitationPage(Paged):
    items: list[InvitationOut]


class ConnectionPage(Paged):
    items: list[ConnectionOut]


class MemberPage(Paged):
    items: list[MemberSummary]
