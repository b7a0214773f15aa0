"""Introduction request parameters and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool

from kith.introductions import service
from kith.introductions.lists import AskOptions, Candidate, Side, Summary
from kith.members.schemas import MemberSummary
from kith.models import IntroductionRequest, Member
from kith.uow import Ctx
from kith.web.paging import Paged
from kith.web.params import id_path

IntroductionId = Annotated[int, id_path("introduction")]
Role = Literal["requester", "intermediary", "target"]


class IntroductionIn(BaseModel):
    intermediary: str = Field(description="Handle of your connection who knows them")
    to: str = Field(description="Handle of the member to be introduced to (2nd degree)")
    final: str | None = Field(
        None,
        description="For a 3rd-degree member: their handle; ``to`` is then the next "
        "member on the way, a connection of theirs",
    )
    note: str = Field("", description="Why, for the intermediary (≤ KITH_INTRODUCTION_NOTE_MAX)")
    message: str = Field(
        "", description="For the member you want to meet (≤ KITH_INVITATION_NOTE_MAX)"
    )
    email: str | None = Field(
        None, description="Their email address, when their setting or a restriction asks"
    )


class ForwardIn(BaseModel):
    note: str = Field("", description="Your own note for the member you introduce them to")


class ReplyIn(BaseModel):
    body: str = Field(description="Your message to the member who asked")


class IntroductionSettings(BaseModel):
    accepts_requests: StrictBool = Field(
        description="Whether members may ask you for introductions"
    )


class IntroductionOut(BaseModel):
    """One request as the viewer may read it. ``status`` by role — requester: waiting,
    not_forwarded, forwarded, no_reply, connected, withdrawn (a silent decline, an
    ignored request and one that ended read alike); intermediary: pending, lapsed,
    declined, withdrawn, forwarded, connected; target: pending, expired, accepted,
    declined."""

    id: int
    role: Role
    status: str
    requester: MemberSummary
    intermediary: MemberSummary
    target: MemberSummary
    final_target: MemberSummary | None = Field(
        None, description="Whom the requester hopes to reach in the end (3rd degree)"
    )
    note: str | None = Field(None, description="The requester's note to the intermediary")
    message: str = Field(description="The requester's message for the member to meet")
    forward_note: str | None = Field(None, description="The intermediary's note, once forwarded")
    created_at: datetime | None = Field(None, description="When asked (not shown to the target)")
    forwarded_at: datetime | None = None
    thank: bool = Field(False, description="Requester: the prompt to thank the intermediary")

    @classmethod
    def of(cls, ctx: Ctx, req: IntroductionRequest, viewer: Member) -> IntroductionOut:
        role: Role
        if viewer.id == req.requester_id:
            role, status = "requester", service.requester_status(ctx, req)
        elif viewer.id == req.intermediary_id:
            role, status = "intermediary", service.intermediary_status(ctx, req)
        else:
            role, status = "target", service.target_status(ctx, req)
        return cls(
            id=req.id,
            role=role,
            status=status,
            requester=MemberSummary.of(req.requester),
            intermediary=MemberSummary.of(req.intermediary),
            target=MemberSummary.of(req.target),
            final_target=MemberSummary.of(req.final_target) if req.final_target else None,
            note=req.note if role != "target" else None,
            message=req.message,
            forward_note=req.forward_note if req.forwarded_at is not None else None,
            created_at=req.created_at if role != "target" else None,
            forwarded_at=req.forwarded_at,
            thank=role == "requester" and req.status == "accepted" and req.thanked_at is None,
        )


class IntroductionPage(Paged):
    items: list[IntroductionOut]


class SideOut(BaseModel):
    """How the intermediary knows one side, from their own private records."""

    member: MemberSummary
    connected_at: datetime | None
    context: str
    how_we_met: str
    tier: str | None
    last_interaction_at: datetime | None

    @classmethod
    def of(cls, side: Side) -> SideOut:
        return cls(
            member=MemberSummary.of(side.member),
            connected_at=side.connected_at,
            context=side.context,
            how_we_met=side.how_we_met,
            tier=side.tier,
            last_interaction_at=side.last_interaction_at,
        )


class AskedOut(IntroductionOut):
    sides: list[SideOut] = Field(description="The requester and the target, as you know them")


class CandidateOut(BaseModel):
    intermediary: MemberSummary
    to: MemberSummary = Field(description="Whom they would introduce you to")
    tier: str | None = Field(description="Your tier for them")
    last_interaction_at: datetime | None
    mutual_connections: int

    @classmethod
    def of(cls, c: Candidate) -> CandidateOut:
        return cls(
            intermediary=MemberSummary.of(c.intermediary),
            to=MemberSummary.of(c.via),
            tier=c.tier,
            last_interaction_at=c.last_interaction_at,
            mutual_connections=c.mutual,
        )


class AskOptionsOut(BaseModel):
    """Who can introduce you to a member, best placed first."""

    target: MemberSummary
    degree: int
    candidates: list[CandidateOut]
    open_request_id: int | None
    email_required: bool

    @classmethod
    def of(cls, options: AskOptions) -> AskOptionsOut:
        return cls(
            target=MemberSummary.of(options.target),
            degree=options.degree,
            candidates=[CandidateOut.of(c) for c in options.candidates],
            open_request_id=options.open_request.id if options.open_request else None,
            email_required=options.email_required,
        )


class SummaryOut(BaseModel):
    year: int
    made_for_others: int = Field(description="Introductions you forwarded that connected")
    people_connected: int = Field(description="Members you brought together this way")
    forwarded: int
    received: int = Field(description="Connections you made through an introduction")
    asked: int

    @classmethod
    def of(cls, s: Summary) -> SummaryOut:
        return cls(
            year=s.year,
            made_for_others=s.made_for_others,
            people_connected=s.people_connected,
            forwarded=s.forwarded,
            received=s.received,
            asked=s.asked,
        )
