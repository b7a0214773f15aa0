"""The home feed as pages draw it: shared by the feed's own pages and by ``/``
(served by accounts.pages, which shows visitors the landing page), so that no page
module imports another domain's endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from kith.errors import KithError
from kith.groups.feed import new_in_groups
from kith.models import Member
from kith.posts import feed, impressions
from kith.posts.views import PostCard, compose_context, post_cards, shown_posts
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import me
from kith.web.render import nav_for, render

ORDER_NAMES = {"for_you": "For you", "recent": "Recent"}
#: How often an open feed asks whether new posts arrived.
POLL_SECONDS = 60


@dataclass(frozen=True)
class ItemView:
    """A feed item as the page draws it: the post's card, why it is there, and what
    the viewer may do about its author."""

    card: PostCard
    reason: str
    author: Member
    following: bool

    @property
    def id(self) -> int:
        return self.card.id


def item_views(ctx: Ctx, viewer: Member, items: list[feed.FeedItem]) -> list[ItemView]:
    cards = {c.id: c for c in post_cards(ctx, viewer, [i.post for i in items])}
    return [
        ItemView(cards[i.post.id], i.reason, i.post.author, i.follows)
        for i in items
        if i.post.id in cards
    ]


def count_views(kith: Kith, member_id: int, items: list[ItemView]) -> None:
    """The feed's items were shown to the member (impressions, counted in batches)."""
    impressions.seen(kith, member_id, shown_posts([i.card for i in items]))


def order_of(order: str) -> str:
    return order if order in ORDER_NAMES else "for_you"


def _more_url(order: str, cursor: str | None, *, fragment: bool) -> str | None:
    if cursor is None:
        return None
    path = "/feed/page" if fragment else "/"
    return f"{path}?{urlencode({'order': order, 'cursor': cursor})}"


def page_context(ctx: Ctx, viewer: Member, page: feed.FeedPage) -> dict[str, Any]:
    return {
        "items": item_views(ctx, viewer, page.items),
        "order": page.order,
        "more_url": _more_url(page.order, page.next_cursor, fragment=False),
        "more_fragment": _more_url(page.order, page.next_cursor, fragment=True),
    }


def home(request: Request, kith: Kith, member_id: int, order: str, cursor: str) -> Response:
    """The home feed of a signed-in member (accounts.pages serves ``/``)."""
    order = order_of(order)
    error = None
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        try:
            page = feed.feed(ctx, viewer, order, cursor or None, feed.DEFAULT_LIMIT)
        except KithError as exc:
            error = exc
            page = feed.feed(ctx, viewer, order, None, feed.DEFAULT_LIMIT)
        context = page_context(ctx, viewer, page)
        context.update(compose_context(ctx, viewer, next_path="/"))
        # "New in your groups": one digest, never a notification per post.
        context["groups_new"] = new_in_groups(ctx, viewer) if not cursor else []
        nav = nav_for(ctx, viewer)
    count_views(kith, member_id, context["items"])
    newest = page.newest_at
    context.update(
        orders=ORDER_NAMES,
        first=not cursor or error is not None,
        error=error.message if error else None,
        poll_url=f"/feed/new?{urlencode({'since': newest.isoformat()})}" if newest else None,
        poll_seconds=POLL_SECONDS,
        viewer=viewer,
    )
    return render(
        request, "posts/home.html", context, nav=nav, status=error.status if error else 200
    )
