"""REST endpoint: insights into one of your posts."""

from __future__ import annotations

from fastapi import APIRouter

from kith.posts import impressions
from kith.posts.insights import post_insights
from kith.posts.insights_schemas import PostInsightsOut
from kith.posts.reports_schemas import PostId
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(tags=["posts"])


@router.get("/posts/{post_id}/insights")
def insights(post_id: PostId, kith: KithDep, member_id: ApiMemberId) -> PostInsightsOut:
    """For the post's author: how many times it was seen and who engaged, by degree
    (1st, 2nd, 3rd and beyond). Impressions are written in batches, so the last few
    seconds' views may show a little later on another app process."""
    pending = impressions.counter(kith).pending(post_id)
    with kith.uow(write=False) as ctx:
        return PostInsightsOut.of(post_insights(ctx, me(ctx, member_id), post_id, pending))
