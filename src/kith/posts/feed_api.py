"""REST endpoints for the home feed and the choices that shape it."""

from __future__ import annotations

from fastapi import APIRouter, status

from kith.members.service import view_member
from kith.members.summaries import summarize
from kith.models import Member
from kith.posts import feed
from kith.posts.feed_schemas import Cursor, FeedOut, Limit, NewPostsOut, Order, Since
from kith.posts.schemas import PostId
from kith.posts.views import post_cards
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(tags=["feed"])


def _out(ctx: Ctx, viewer: Member, page: feed.FeedPage) -> FeedOut:
    cards = {c.id: c for c in post_cards(ctx, viewer, [i.post for i in page.items])}
    vias = {i.via.id: i.via for i in page.items if i.via is not None}
    summaries = dict(zip(vias, summarize(ctx, viewer, list(vias.values())), strict=True))
    return FeedOut.of(page, cards, summaries)


@router.get("/feed")
def home_feed(
    kith: KithDep,
    member_id: ApiMemberId,
    order: Order = "for_you",
    cursor: Cursor = None,
    limit: Limit = None,
) -> FeedOut:
    """Your home feed: posts and reposts from the people you follow (your connections
    among them) and your own, each with the reason it is there. *For you* ranks them by
    your relationships and your network's engagement; *recent* is strictly by time.
    Pass ``next_cursor`` back as ``cursor`` for the next page."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        return _out(ctx, viewer, feed.feed(ctx, viewer, order, cursor, feed.check_limit(limit)))


@router.get("/feed/new")
def new_posts(since: Since, kith: KithDep, member_id: ApiMemberId) -> NewPostsOut:
    """How many posts reached your *recent* feed after ``since`` (the first page's
    ``newest_at``), to announce them without reloading."""
    with kith.uow(write=False) as ctx:
        return NewPostsOut(count=feed.new_count(ctx, me(ctx, member_id), since))


@router.post("/feed/hidden/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
def hide(post_id: PostId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Hide a post from your feed (idempotent)."""
    with kith.uow() as ctx:
        feed.hide(ctx, me(ctx, member_id), post_id)


@router.delete("/feed/hidden/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
def unhide(post_id: PostId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Undo hiding a post."""
    with kith.uow() as ctx:
        feed.unhide(ctx, me(ctx, member_id), post_id)


@router.post("/feed/fewer/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def see_fewer(handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    """See fewer posts from a member in *For you* (idempotent)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        feed.see_fewer(ctx, viewer, view_member(ctx, viewer, handle))


@router.delete("/feed/fewer/{handle}", status_code=status.HTTP_204_NO_CONTENT)
def see_more(handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    """Undo "see fewer"."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        feed.see_more(ctx, viewer, view_member(ctx, viewer, handle))
