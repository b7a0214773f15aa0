"""REST endpoints: ask for an introduction, forward or decline one, accept one."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, status

from kith.connections.schemas import ConnectionOut
from kith.introductions import lists, service
from kith.introductions.schemas import (
    AskedOut,
    AskOptionsOut,
    ForwardIn,
    IntroductionId,
    IntroductionIn,
    IntroductionOut,
    IntroductionPage,
    IntroductionSettings,
    ReplyIn,
    SideOut,
    SummaryOut,
)
from kith.members.schemas import MemberSummary
from kith.members.service import get_member, view_member
from kith.models import IntroductionRequest, Member
from kith.pagination import Page, PageRequest
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["introductions"])


Listing = Callable[[Ctx, Member, PageRequest], Page[IntroductionRequest]]


def _listed(
    kith: Kith, member_id: int, page: int, per_page: int | None, listing: Listing
) -> IntroductionPage:
    """One page of one of the member's lists of requests."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = listing(ctx, viewer, page_request(ctx, page, per_page))
        return IntroductionPage.of(
            found, items=[IntroductionOut.of(ctx, r, viewer) for r in found.items]
        )


def _out(ctx: Ctx, req: IntroductionRequest, viewer: Member) -> AskedOut | IntroductionOut:
    base = IntroductionOut.of(ctx, req, viewer)
    if base.role != "intermediary":
        return base
    sides = [SideOut.of(s) for s in lists.sides(ctx, viewer, req)]
    return AskedOut(**base.model_dump(), sides=sides)


@router.get("/introductions/settings")
def introduction_settings(kith: KithDep, member_id: ApiMemberId) -> IntroductionSettings:
    """Whether members may ask you for introductions."""
    with kith.uow(write=False) as ctx:
        return IntroductionSettings(
            accepts_requests=service.accepts_requests(ctx, me(ctx, member_id))
        )


@router.put("/introductions/settings")
def update_introduction_settings(
    body: IntroductionSettings, kith: KithDep, member_id: ApiMemberId
) -> IntroductionSettings:
    """Turn introduction requests off (or on again): "Ask" then does not offer you."""
    with kith.uow() as ctx:
        accepts = service.set_accepts_requests(ctx, me(ctx, member_id), body.accepts_requests)
        return IntroductionSettings(accepts_requests=accepts)


@router.get("/introductions/summary")
def introduction_summary(kith: KithDep, member_id: ApiMemberId) -> SummaryOut:
    """This year's introductions: made for others, and received."""
    with kith.uow(write=False) as ctx:
        return SummaryOut.of(lists.summary(ctx, me(ctx, member_id)))


@router.get("/introductions/options/{handle}")
def introduction_options(handle: str, kith: KithDep, member_id: ApiMemberId) -> AskOptionsOut:
    """Who can introduce you to a 2nd or 3rd-degree member, best placed first (by your
    own relationship with each: tier, last interaction, shared connections)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return AskOptionsOut.of(lists.ask_options(ctx, viewer, view_member(ctx, viewer, handle)))


@router.post("/introductions", status_code=status.HTTP_201_CREATED)
def ask_for_introduction(
    body: IntroductionIn, kith: KithDep, member_id: ApiMemberId
) -> IntroductionOut:
    """Ask a connection to introduce you to one of theirs. At most
    KITH_INTRODUCTIONS_PER_WEEK a week (429 with Retry-After); one open per member."""
    with kith.uow() as ctx:
        requester = me(ctx, member_id)
        req = service.ask(
            ctx,
            requester,
            get_member(ctx, body.intermediary),
            get_member(ctx, body.to),
            final_target=get_member(ctx, body.final) if body.final else None,
            note=body.note,
            message=body.message,
            email=body.email,
        )
        return IntroductionOut.of(ctx, req, requester)


@router.get("/introductions/made")
def introductions_made(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> IntroductionPage:
    """The requests you made, newest first."""
    return _listed(kith, member_id, page, per_page, lists.made)


@router.get("/introductions/asked")
def introductions_asked(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> IntroductionPage:
    """The requests made of you, newest first."""
    return _listed(kith, member_id, page, per_page, lists.asked)


@router.get("/introductions/received")
def introductions_received(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> IntroductionPage:
    """Introductions forwarded to you, newest first."""
    return _listed(kith, member_id, page, per_page, lists.received)


@router.get("/introductions/{introduction_id}")
def get_introduction(
    introduction_id: IntroductionId, kith: KithDep, member_id: ApiMemberId
) -> AskedOut | IntroductionOut:
    """One request, as your part in it lets you read it (for the intermediary, with how
    they know each side)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, service.view(ctx, viewer, introduction_id), viewer)


@router.post("/introductions/{introduction_id}/withdraw")
def withdraw_introduction(
    introduction_id: IntroductionId, kith: KithDep, member_id: ApiMemberId
) -> IntroductionOut:
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, service.withdraw(ctx, viewer, introduction_id), viewer)


@router.post("/introductions/{introduction_id}/thanked")
def dismiss_thanks(
    introduction_id: IntroductionId, kith: KithDep, member_id: ApiMemberId
) -> IntroductionOut:
    """Close the prompt to thank the intermediary."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, service.dismiss_thanks(ctx, viewer, introduction_id), viewer)


@router.post("/introductions/{introduction_id}/forward")
def forward_introduction(
    introduction_id: IntroductionId, body: ForwardIn, kith: KithDep, member_id: ApiMemberId
) -> IntroductionOut:
    """Intermediary: forward the request with a note of your own."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, service.forward(ctx, viewer, introduction_id, body.note), viewer)


@router.post("/introductions/{introduction_id}/reply", status_code=status.HTTP_201_CREATED)
def reply_to_introduction(
    introduction_id: IntroductionId, body: ReplyIn, kith: KithDep, member_id: ApiMemberId
) -> IntroductionOut:
    """Intermediary: reply privately to the member who asked (a message in your
    conversation with them); the request stays open."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        service.reply(ctx, viewer, introduction_id, body.body)
        return _out(ctx, service.view(ctx, viewer, introduction_id), viewer)


@router.post("/introductions/{introduction_id}/decline")
def decline_introduction(
    introduction_id: IntroductionId, kith: KithDep, member_id: ApiMemberId
) -> IntroductionOut:
    """Intermediary: decline silently (the requester is never told)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, service.decline(ctx, viewer, introduction_id), viewer)


@router.post("/introductions/{introduction_id}/accept")
def accept_introduction(
    introduction_id: IntroductionId, kith: KithDep, member_id: ApiMemberId
) -> ConnectionOut:
    """Target: accept; you are connected, "Introduced by ..." on both sides."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        connection = service.accept(ctx, viewer, introduction_id)
        req = service.view(ctx, viewer, introduction_id)
        return ConnectionOut.of(MemberSummary.of(req.requester), connection, False)


@router.post("/introductions/{introduction_id}/ignore")
def ignore_introduction(
    introduction_id: IntroductionId, kith: KithDep, member_id: ApiMemberId
) -> IntroductionOut:
    """Target: decline silently."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, service.ignore(ctx, viewer, introduction_id), viewer)


@router.post("/introductions/{introduction_id}/unknown")
def unknown_introduction(
    introduction_id: IntroductionId, kith: KithDep, member_id: ApiMemberId
) -> IntroductionOut:
    """Target: "I don't know this person" (a silent decline; as for invitations)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, service.report_unknown(ctx, viewer, introduction_id), viewer)
