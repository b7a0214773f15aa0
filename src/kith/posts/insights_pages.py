"""Page: insights into one of your posts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.graph.cards import person
from kith.models import REACTIONS
from kith.posts import impressions
from kith.posts.insights import post_insights
from kith.posts.reports import excerpt
from kith.posts.reports_schemas import PostId
from kith.web.deps import KithDep, me
from kith.web.render import MemberId, nav_for, render

router = APIRouter()

REACTION_WORDS = {
    "like": "Liked it",
    "celebrate": "Celebrated it",
    "support": "Supported it",
    "love": "Loved it",
    "insightful": "Found it insightful",
    "funny": "Found it funny",
}
assert set(REACTION_WORDS) == set(REACTIONS)


@router.get("/posts/{post_id}/insights")
def post_insights_page(
    request: Request, post_id: PostId, kith: KithDep, member_id: MemberId
) -> Response:
    """For the post's author: how many saw it and who engaged, by degree."""
    pending = impressions.counter(kith).pending(post_id)
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        found = post_insights(ctx, member, post_id, pending)
        degrees = [
            {
                "label": d.label,
                "degree": d.degree,
                "impressions": d.impressions,
                "engaged": d.engaged,
                "reactions": d.reactions,
                "commenters": d.commenters,
                "reposts": d.reposts,
                "people": [
                    {
                        "who": person(e.member),
                        "did": [
                            *([REACTION_WORDS.get(e.reaction, "Reacted")] if e.reaction else []),
                            *(
                                [f"{e.comments} comment" + ("" if e.comments == 1 else "s")]
                                if e.comments
                                else []
                            ),
                            *(["Reposted it"] if e.reposted else []),
                        ],
                    }
                    for e in d.people
                ],
            }
            for d in found.degrees
        ]
        context = {
            "post": found.post,
            "excerpt": excerpt(found.post.body, words=30),
            "impressions": found.impressions,
            "engaged": found.engaged,
            "degrees": degrees,
        }
        nav = nav_for(ctx, member)
    return render(request, "posts/insights.html", context, nav=nav)
