"""Pages of the home feed (``/`` itself is served by accounts.pages through
:mod:`kith.posts.feed_views`): "Load more", the "N new posts" notice, and "Hide
this", "See fewer from Ana" and "Unfollow Ana" answered in place with an Undo."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from kith.errors import KithError
from kith.follows.service import follow, unfollow
from kith.members.service import view_member
from kith.models import Member
from kith.posts import feed
from kith.posts.feed_views import count_views, item_views, order_of, page_context
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.params import MAX_ID
from kith.web.render import MemberId, alert_fragment, is_htmx, nav_for, render

router = APIRouter()

OrderParam = Annotated[str, Query(max_length=20)]
CursorParam = Annotated[str, Query(max_length=400)]


@router.get("/feed/page")
def more(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    order: OrderParam = "for_you",
    cursor: CursorParam = "",
) -> Response:
    """The next page of items and a new "Load more" (htmx)."""
    try:
        with kith.uow(write=False) as ctx:
            viewer = me(ctx, member_id)
            page = feed.feed(ctx, viewer, order_of(order), cursor or None, feed.DEFAULT_LIMIT)
            context = page_context(ctx, viewer, page)
    except KithError as exc:
        return alert_fragment(request, exc.message, status=exc.status)
    count_views(kith, member_id, context["items"])
    return render(request, "posts/_feed_page.html", context)


@router.get("/feed/new")
def new_posts(
    request: Request, kith: KithDep, member_id: MemberId, since: datetime | None = None
) -> Response:
    """The "N new posts" notice (empty when there are none), polled by the feed."""
    count = 0
    if since is not None:
        with kith.uow(write=False) as ctx:
            count = feed.new_count(ctx, me(ctx, member_id), since)
    return render(request, "posts/_feed_new.html", {"count": count, "max": feed.MAX_NEW})


def _post_id(value: int) -> int:
    return value if 1 <= value <= MAX_ID else 0


def _item(request: Request, ctx: Ctx, viewer: Member, post_id: int, toast: str) -> Response:
    if not is_htmx(request):
        return RedirectResponse("/", status_code=303)
    found = feed.item(ctx, viewer, post_id)
    views = item_views(ctx, viewer, [found])
    return render(
        request, "posts/_feed_item.html", {"it": views[0]}, badges=nav_for(ctx, viewer), toast=toast
    )


def _notice(
    request: Request, ctx: Ctx, viewer: Member, post_id: int, text: str, undo: str, toast: str
) -> Response:
    if not is_htmx(request):
        return RedirectResponse("/", status_code=303)
    context = {"post_id": post_id, "text": text, "undo": undo}
    return render(
        request, "posts/_feed_notice.html", context, badges=nav_for(ctx, viewer), toast=toast
    )


@router.post("/feed/hide/{post_id}")
def hide(request: Request, post_id: int, kith: KithDep, member_id: MemberId) -> Response:
    try:
        with kith.uow() as ctx:
            viewer = me(ctx, member_id)
            feed.hide(ctx, viewer, _post_id(post_id))
            return _notice(
                request,
                ctx,
                viewer,
                post_id,
                "Hidden. This post won't show in your feed again.",
                f"/feed/unhide/{post_id}",
                "Post hidden",
            )
    except KithError as exc:
        return alert_fragment(request, exc.message, status=exc.status)


@router.post("/feed/unhide/{post_id}")
def unhide(request: Request, post_id: int, kith: KithDep, member_id: MemberId) -> Response:
    try:
        with kith.uow() as ctx:
            viewer = me(ctx, member_id)
            feed.unhide(ctx, viewer, _post_id(post_id))
            return _item(request, ctx, viewer, post_id, "The post is back in your feed")
    except KithError as exc:
        return alert_fragment(request, exc.message, status=exc.status)


def _about_author(
    request: Request,
    kith: KithDep,
    member_id: int,
    handle: str,
    post_id: int,
    act: str,
) -> Response:
    try:
        with kith.uow() as ctx:
            viewer = me(ctx, member_id)
            author = view_member(ctx, viewer, handle)
            first = author.first_name
            if act == "fewer":
                feed.see_fewer(ctx, viewer, author)
                text = f"You'll see fewer posts from {first} in For you."
                return _notice(
                    request,
                    ctx,
                    viewer,
                    post_id,
                    text,
                    f"/feed/more/{handle}?post={post_id}",
                    f"Fewer posts from {first}",
                )
            if act == "unfollow":
                unfollow(ctx, viewer, author)
                text = f"You unfollowed {first}. Their posts leave your feed."
                return _notice(
                    request,
                    ctx,
                    viewer,
                    post_id,
                    text,
                    f"/feed/follow/{handle}?post={post_id}",
                    f"Unfollowed {first}",
                )
            if act == "more":
                feed.see_more(ctx, viewer, author)
                return _item(request, ctx, viewer, post_id, f"{first}'s posts rank as before")
            follow(ctx, viewer, author)
            return _item(request, ctx, viewer, post_id, f"Following {first} again")
    except KithError as exc:
        return alert_fragment(request, exc.message, status=exc.status)


PostQuery = Annotated[int, Query(ge=0, le=MAX_ID)]


@router.post("/feed/fewer/{handle}")
def fewer(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, post: PostQuery = 0
) -> Response:
    return _about_author(request, kith, member_id, handle, post, "fewer")


@router.post("/feed/more/{handle}")
def more_from(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, post: PostQuery = 0
) -> Response:
    return _about_author(request, kith, member_id, handle, post, "more")


@router.post("/feed/unfollow/{handle}")
def unfollow_author(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, post: PostQuery = 0
) -> Response:
    return _about_author(request, kith, member_id, handle, post, "unfollow")


@router.post("/feed/follow/{handle}")
def follow_author(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, post: PostQuery = 0
) -> Response:
    return _about_author(request, kith, member_id, handle, post, "follow")
