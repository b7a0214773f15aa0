"""Pages: share one's own news as a post (the compose box, written out), and
congratulate a connection with a comment on the post in which they shared theirs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.members.service import view_member
from kith.posts.views import compose_context
from kith.relationships import posting
from kith.web.deps import KithDep, me
from kith.web.render import MemberId, nav_for, redirect, render

router = APIRouter()


@router.get("/relationships/moments/share")
def share_moment(
    request: Request, kith: KithDep, member_id: MemberId, kind: str = "new_position"
) -> Response:
    """The compose box with one's new position or work anniversary written out."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        moment = posting.own_moment(ctx, owner, kind)
        context = compose_context(ctx, owner, body=posting.share_text(moment))
        nav = nav_for(ctx, owner)
    return render(request, "posts/new.html", context, nav=nav)


@router.post("/relationships/moments/{handle}/congratulate")
def congratulate(request: Request, handle: str, kith: KithDep, member_id: MemberId) -> Response:
    """Congratulate in a comment on their post, then show the post."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        comment = posting.congratulate(ctx, owner, view_member(ctx, owner, handle))
        post_id = comment.post_id
    return redirect(request, f"/posts/{post_id}")
