"""REST endpoints: my insights, and the community's for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from kith.insights import network_map, service
from kith.insights.map_schemas import NetworkMapOut, TagCircleIn, TagCircleOut
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


@router.get("/me/network-map")
def my_network_map(kith: KithDep, member_id: ApiMemberId) -> NetworkMapOut:
    """Your connections (nodes, with their circle and your tier for them), the
    connections among them that their connection lists let you see (edges), and the
    circles they form, each labelled by what its members share most, with what the map
    tells (largest circles, bridges, quiet circles, members in no circle)."""
    with kith.uow(write=False) as ctx:
        return NetworkMapOut.of(network_map.network_map(ctx, me(ctx, member_id)))


@router.post("/me/network-map/circles/{index}/tag")
def tag_circle(
    index: Annotated[int, Path(ge=0, le=1_000_000)],
    body: TagCircleIn,
    kith: KithDep,
    member_id: ApiMemberId,
) -> TagCircleOut:
    """Tag every member of one circle of the map you looked at (``version``), and
    optionally set a keep-in-touch cadence for the tag."""
    with kith.uow() as ctx:
        tag, tagged = network_map.tag_circle(
            ctx, me(ctx, member_id), index, body.version, body.tag, body.cadence_days
        )
        return TagCircleOut(
            tag_id=tag.id, tag=tag.name, tagged=tagged, cadence_days=tag.cadence_days
        )
