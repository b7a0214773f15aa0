"""REST endpoints for written recommendations. Anything the caller may not see is
``recommendation_not_found`` from each."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import APIRouter, Query, status

from kith.members.schemas import MemberSummary
from kith.members.service import view_member
from kith.members.summaries import summarize
from kith.models import Member, Recommendation
from kith.recommendations import service
from kith.recommendations.schemas import (
    BOX_DOC,
    RecommendationId,
    RecommendationOut,
    RecommendationPage,
    RecommendationPatch,
    RequestIn,
    RevisionIn,
    WriteIn,
)
from kith.recommendations.views import RecView, box_page, profile_page, view_of
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["recommendations"])


def _people(ctx: Ctx, viewer: Member, views: Sequence[RecView]) -> dict[int, MemberSummary]:
    members = {m.id: m for v in views for m in (v.author, v.recipient)}
    listed = list(members.values())
    return {m.id: s for m, s in zip(listed, summarize(ctx, viewer, listed), strict=True)}


def _out(ctx: Ctx, viewer: Member, rec: Recommendation) -> RecommendationOut:
    view = view_of(rec, viewer.id)
    return RecommendationOut.of(view, _people(ctx, viewer, [view]))


@router.get("/recommendations")
def list_box(
    kith: KithDep,
    member_id: ApiMemberId,
    box: str = Query("to_write", max_length=20, description=BOX_DOC),
    page: PageNo = 1,
    per_page: PerPage = None,
) -> RecommendationPage:
    """One box of your recommendations, newest first. Refusal: `invalid_box`."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = box_page(ctx, viewer, box, page_request(ctx, page, per_page))
        return RecommendationPage.of_views(found, _people(ctx, viewer, found.items))


@router.post("/recommendations/requests", status_code=status.HTTP_201_CREATED)
def request_one(body: RequestIn, kith: KithDep, member_id: ApiMemberId) -> RecommendationOut:
    """Ask a connection for a recommendation about one of your positions or schools.
    Refusals: `member_not_found`, `not_connected`, `invalid_relationship`,
    `position_not_found`, `message_too_long`, `recommendation_already_requested`."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        about = service.About(body.position_id, body.education_id)
        rec = service.request(ctx, viewer, body.handle, body.relationship, about, body.message)
        return _out(ctx, viewer, rec)


@router.post("/recommendations", status_code=status.HTTP_201_CREATED)
def write_one(body: WriteIn, kith: KithDep, member_id: ApiMemberId) -> RecommendationOut:
    """Write a recommendation for a connection who did not ask: sent for their approval,
    or kept as a draft (`send: false`). Refusals: `member_not_found`, `not_connected`,
    `invalid_relationship`, `position_not_found`, `recommendation_too_long`,
    `recommendation_empty`, `recommendation_already_requested`."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        about = service.About(body.position_id, body.education_id)
        rec = service.write(
            ctx, viewer, body.handle, body.relationship, body.body, about, send=body.send
        )
        return _out(ctx, viewer, rec)


@router.get("/recommendations/{rec_id:int}")
def get_one(rec_id: RecommendationId, kith: KithDep, member_id: ApiMemberId) -> RecommendationOut:
    """One recommendation, as you read it."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, service.find(ctx, viewer, rec_id))


@router.patch("/recommendations/{rec_id:int}")
def edit_one(
    rec_id: RecommendationId, body: RecommendationPatch, kith: KithDep, member_id: ApiMemberId
) -> RecommendationOut:
    """Write, edit or send your recommendation (an accepted one that is edited waits
    for approval again). Refusals: `not_recommendation_author`, `not_connected`,
    `recommendation_too_long`, `recommendation_empty`, `recommendation_closed`."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        rec = service.edit(
            ctx, viewer, rec_id, body=body.body, relation=body.relationship, send=body.send
        )
        return _out(ctx, viewer, rec)


Answer = Callable[[Ctx, Member, int], Recommendation]


def _answer(kith: KithDep, member_id: int, rec_id: int, action: Answer) -> RecommendationOut:
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, action(ctx, viewer, rec_id))


@router.post("/recommendations/{rec_id:int}/accept")
def accept(rec_id: RecommendationId, kith: KithDep, member_id: ApiMemberId) -> RecommendationOut:
    """Accept a recommendation waiting for your approval: it shows on your profile.
    Refusals: `not_recommendation_recipient`, `recommendation_closed`."""
    return _answer(kith, member_id, rec_id, service.accept)


@router.post("/recommendations/{rec_id:int}/revise")
def revise(
    rec_id: RecommendationId, body: RevisionIn, kith: KithDep, member_id: ApiMemberId
) -> RecommendationOut:
    """Ask the writer for a revision, saying what. Refusals: `note_empty`,
    `message_too_long`, `not_recommendation_recipient`, `recommendation_closed`."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, service.ask_revision(ctx, viewer, rec_id, body.note))


@router.post("/recommendations/{rec_id:int}/decline", status_code=status.HTTP_204_NO_CONTENT)
def decline(rec_id: RecommendationId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Decline it, silently: the writer still reads it as sent, and nobody is told."""
    with kith.uow() as ctx:
        service.decline(ctx, me(ctx, member_id), rec_id)


@router.post("/recommendations/{rec_id:int}/hide")
def hide(rec_id: RecommendationId, kith: KithDep, member_id: ApiMemberId) -> RecommendationOut:
    """Hide an accepted recommendation from your profile."""
    return _answer(kith, member_id, rec_id, lambda c, m, i: service.set_hidden(c, m, i, True))


@router.post("/recommendations/{rec_id:int}/show")
def show(rec_id: RecommendationId, kith: KithDep, member_id: ApiMemberId) -> RecommendationOut:
    """Show a hidden recommendation on your profile again."""
    return _answer(kith, member_id, rec_id, lambda c, m, i: service.set_hidden(c, m, i, False))


@router.post("/recommendations/{rec_id:int}/withdraw", status_code=status.HTTP_204_NO_CONTENT)
def withdraw(rec_id: RecommendationId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Take back your recommendation, or a request of yours not yet answered.
    Refusal: `recommendation_closed`."""
    with kith.uow() as ctx:
        service.withdraw(ctx, me(ctx, member_id), rec_id)


@router.get("/members/{handle}/recommendations")
def member_recommendations(
    handle: str,
    kith: KithDep,
    member_id: ApiMemberId,
    direction: str = Query("received", max_length=10, description="received or given"),
    page: PageNo = 1,
    per_page: PerPage = None,
) -> RecommendationPage:
    """The recommendations a member received or gave that profiles show: accepted, not
    hidden, between two members who are connected now. Refusal: `invalid_direction`."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        found = profile_page(ctx, viewer, member, direction, page_request(ctx, page, per_page))
        return RecommendationPage.of_views(found, _people(ctx, viewer, found.items))
