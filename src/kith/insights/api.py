"""REST endpoints: my insights, and the community's for administrators."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from kith.insights import service
from kith.insights.schemas import CommunityOut, MemberInsightsOut, RefreshOut
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(tags=["insights"])


@router.get("/me/insights")
def my_insights(kith: KithDep, member_id: ApiMemberId) -> MemberInsightsOut:
    """Your connection count against the published guidelines and this community,
    your network's composition, growth and reach, your invitations, and what would
    improve them."""
    with kith.uow(write=False) as ctx:
        found = service.member_insights(ctx, me(ctx, member_id))
        return MemberInsightsOut.of(found)


@router.get("/insights/community", responses={503: {"description": "Not computed yet"}})
def community(kith: KithDep, member_id: ApiMemberId) -> CommunityOut:
    """The community's figures at the last background computation (administrators)."""
    with kith.uow(write=False) as ctx:
        return CommunityOut.of(service.community_report(ctx, me(ctx, member_id)))


@router.post(
    "/insights/community/refresh",
    responses={202: {"model": RefreshOut, "description": "Queued for the background job"}},
)
def refresh(
    request: Request, response: Response, kith: KithDep, member_id: ApiMemberId
) -> RefreshOut:
    """Recompute the community figures: queued for the background job when one runs
    in this process, otherwise computed within the request (administrators)."""
    refresher = getattr(request.app.state, "insights_refresher", None)
    if refresher is not None:
        with kith.uow(write=False) as ctx:
            service.require_admin(me(ctx, member_id))
        refresher.request()
        response.status_code = status.HTTP_202_ACCEPTED
        return RefreshOut(state="queued")
    with kith.uow() as ctx:
        row = service.refresh_for(ctx, me(ctx, member_id))
        return RefreshOut.of(row)
