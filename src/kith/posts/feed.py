"""The home feed: posts and reposts from the members the viewer follows (connecting
follows both ways, so connections are in it unless the viewer unfollowed them), the
viewer's own posts, and in *For you* a few posts that the viewer's connections
commented on or reacted to. Every item passes :func:`kith.posts.audience.visible_to`
(audience, blocks both ways, inactive authors) and a post the viewer hid never
comes back.

Two orders
    *Recent* is strictly by time, newest first, paged by a keyset cursor on
    ``(created_at, id)``: a page never repeats or skips a post, however many are
    written meanwhile (new ones are announced, see :func:`new_count`).

    *For you* ranks a bounded candidate window: the followed authors' posts of the
    last :data:`WINDOW_DAYS` days (the newest :data:`WINDOW_POSTS` of them) and the
    posts the viewer's connections engaged with in the last :data:`NETWORK_DAYS` days
    (at most :data:`NETWORK_POSTS`). A post's score is its recency multiplied by the
    viewer's own ties to the author (tier, tags, last interaction, connection,
    follow, shared connections) plus engagement from the viewer's connections;
    "See fewer" divides it. The cursor carries the moment the first page was
    ranked, and every later page ranks the same window as of that moment (posts,
    reactions and comments made since are left out), then continues after the last
    ``(score, id)`` it returned, so pages neither repeat nor skip while the
    viewer's choices stay the same. The process keeps a first page's ranking for the
    next pages for a while (:mod:`kith.posts.feed_windows`); a page served from it
    still applies the audience rule, hides, follows and blocks as they are now. When
    the window is exhausted the feed says so and *Recent* goes further back.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import selectinload

from kith.clock import as_utc
from kith.db import planned_for_values
from kith.errors import Invalid
from kith.idlists import id_in, id_in_named, id_value, is_postgres
from kith.models import Comment, FeedFewer, FeedHide, Follow, Member, Post, Reaction
from kith.posts.audience import Viewer, among_statement, visible_post, visible_to
from kith.posts.feed_ties import (
    Engaged,
    Tie,
    affinity,
    connections_of,
    days_ago,
    engagement_columns,
    followees_of,
    ties,
)
from kith.posts.feed_windows import windows
from kith.uow import Ctx

Order = Literal["for_you", "recent"]
ORDERS: tuple[Order, ...] = ("for_you", "recent")
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
WINDOW_DAYS = 30
WINDOW_POSTS = 300
NETWORK_DAYS = 7
NETWORK_EVENTS = 300
NETWORK_POSTS = 10
FEWER_FACTOR = 0.25
NETWORK_FACTOR = 0.6
MAX_NEW = 99
_MAX_ID = 2**63 - 1
INVALID_CURSOR = "This feed link is out of date or was changed. Start again from the top."


def invalid_cursor() -> Invalid:
    return Invalid(INVALID_CURSOR, code="invalid_cursor")


@dataclass(frozen=True)
class FeedItem:
    """One post in the feed and why it is there. ``via`` is the connection whose
    comment or reaction brought a post the viewer doesn't follow (``via_kind``
    "commented" or "reacted")."""

    post: Post
    reason: str
    score: float | None = None
    via: Member | None = None
    via_kind: str | None = None
    follows: bool = False  # the viewer follows the post's author (for "Unfollow")


@dataclass(frozen=True)
class FeedPage:
    order: Order
    items: list[FeedItem]
    next_cursor: str | None
    newest_at: datetime | None  # the newest post's time on a first page, for "N new"


# -- cursors -------------------------------------------------------------------


def _us(when: datetime) -> int:
    delta = as_utc(when) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_us(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)


def _encode(*parts: object) -> str:
    raw = ":".join(str(p) for p in parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, order: Order) -> list[str]:
    if len(cursor) > 200:
        raise invalid_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise invalid_cursor() from exc
    parts = raw.split(":")
    want = {"recent": ("r", 3), "for_you": ("f", 4)}[order]
    if len(parts) != want[1] or parts[0] != want[0]:
        raise invalid_cursor()
    return parts[1:]


def _int(text: str, low: int = 0, high: int = _MAX_ID) -> int:
    if not text.isdigit() or len(text) > 19:
        raise invalid_cursor()
    value = int(text)
    if not low <= value <= high:
        raise invalid_cursor()
    return value


def _moment(text: str) -> datetime:
    try:
        return _from_us(_int(text, 0, 253_402_300_799_000_000))  # up to year 9999
    except OverflowError as exc:
        raise invalid_cursor() from exc


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise invalid_cursor() from exc
    if not math.isfinite(value) or value < 0:
        raise invalid_cursor()
    return value


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"Ask for between 1 and {MAX_LIMIT} posts at a time.", code="invalid_limit")
    return limit


# -- the feed ------------------------------------------------------------------


def feed(
    ctx: Ctx, viewer: Member, order: str = "for_you", cursor: str | None = None, limit: int = 20
) -> FeedPage:
    """One page of the viewer's home feed, in ``order``, after ``cursor``."""
    if order not in ("recent", "for_you"):
        raise Invalid("Choose the order 'for_you' or 'recent'.", code="invalid_order")
    if order == "recent":
        return _recent(ctx, viewer, cursor or None, check_limit(limit))
    return _for_you(ctx, viewer, cursor or None, check_limit(limit))


def _not_hidden(viewer_id: Viewer) -> ColumnElement[bool]:
    return ~exists().where(FeedHide.member_id == viewer_id, FeedHide.post_id == Post.id)


def _from_followed(ctx: Ctx, viewer_id: int) -> ColumnElement[bool]:
    """The viewer's own posts and those of the members they follow. The authors travel
    as one array (:mod:`kith.idlists`), so that the planner knows how many there are:
    for a few hundred it reads each author's (author_id, created_at) index range, for
    thousands it walks the posts' time index once and stops at the page (for 3,000
    authors, 10 ms instead of 40: docs/benchmarks.md, "Home feed")."""
    key = ("feed_followed", viewer_id)
    found = ctx.memo.get(key) if ctx.read_only else None
    if not isinstance(found, list):
        found = list(ctx.session.scalars(followees_of(viewer_id)))
        found.append(viewer_id)
        if ctx.read_only:
            ctx.memo[key] = found
    return id_in(ctx, Post.author_id, found)


def _after(at: datetime, post_id: int) -> ColumnElement[bool]:
    return tuple_(Post.created_at, Post.id) < tuple_(literal(at, Post.created_at.type), post_id)


def _recent(ctx: Ctx, viewer: Member, cursor: str | None, limit: int) -> FeedPage:
    """Newest first. The candidates come from the authors' time index without the
    audience rule; the rule then runs on a chunk of them at a time (usually one), so
    its cost does not grow with the number of followed authors."""
    after: tuple[datetime, int] | None = None
    if cursor is not None:
        at_text, id_text = _decode(cursor, "recent")
        after = (_moment(at_text), _int(id_text))
    candidates = (
        select(Post.id, Post.created_at)
        .where(_from_followed(ctx, viewer.id), _not_hidden(viewer.id))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(2 * limit + 2)
    )
    posts: list[Post] = []
    while len(posts) <= limit:
        stmt = candidates if after is None else candidates.where(_after(*after))
        with planned_for_values(ctx.session):  # see _window
            chunk = [(int(pid), at) for pid, at in ctx.session.execute(stmt)]
        if not chunk:
            break
        found = _readable(ctx, viewer.id, [pid for pid, _at in chunk])
        posts.extend(found[pid] for pid, _at in chunk if pid in found)
        after = (as_utc(chunk[-1][1]), chunk[-1][0])
        if len(chunk) < 2 * limit + 2:
            break
    more = len(posts) > limit
    posts = posts[:limit]
    found_ties = ties(ctx, viewer.id, {p.author_id for p in posts})
    now = ctx.clock.now()
    items = [
        FeedItem(
            p,
            reason(viewer, p, found_ties.get(p.author_id), None, now),
            follows=_follows(found_ties.get(p.author_id)),
        )
        for p in posts
    ]
    last = posts[-1] if posts else None
    return FeedPage(
        "recent",
        items,
        _encode("r", _us(last.created_at), last.id) if more and last is not None else None,
        as_utc(posts[0].created_at) if posts and cursor is None else None,
    )


@dataclass
class _Candidate:
    post_id: int
    author_id: int
    created_at: datetime
    via: int | None = None
    via_kind: str | None = None
    score: float = 0.0


def _window_query(ctx: Ctx, viewer_id: int, t0: datetime) -> Select[Any]:
    """The followed authors' and the viewer's own recent posts, not hidden."""
    return (
        select(Post.id)
        .where(
            _from_followed(ctx, viewer_id),
            _not_hidden(viewer_id),
            Post.created_at > t0 - timedelta(days=WINDOW_DAYS),
            Post.created_at <= t0,
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(WINDOW_POSTS)
    )


def _window(
    ctx: Ctx, viewer_id: int, t0: datetime
) -> tuple[dict[int, _Candidate], dict[int, Engaged]]:
    """The window's candidates and the engagement of the viewer's connections, counted
    for the window's posts only (SQLite would count it for every candidate before
    sorting them: 2,400 posts instead of 300 for a member who follows 3,000)."""
    chosen = _window_query(ctx, viewer_id, t0).subquery()
    # Planned for this viewer's values: a generic plan suits a viewer who follows
    # thirty and not one who follows thousands (docs/benchmarks.md, "Home feed"). Only
    # the candidate queries: planning the others afresh costs more than it saves.
    with planned_for_values(ctx.session):
        rows = ctx.session.execute(
            select(Post.id, Post.author_id, Post.created_at, *engagement_columns(viewer_id, t0))
            .join(chosen, chosen.c.id == Post.id)
            .order_by(Post.created_at.desc(), Post.id.desc())
        ).all()
    window, engaged = {}, {}
    for pid, author, at, reacted, commented in rows:
        window[pid] = _Candidate(pid, author, as_utc(at))
        engaged[pid] = Engaged(int(reacted or 0), int(commented or 0))
    return window, engaged


def _network(
    ctx: Ctx, viewer_id: int, t0: datetime, known: set[int], engaged: dict[int, Engaged]
) -> dict[int, _Candidate]:
    """Posts the viewer's connections commented on or reacted to lately, from authors
    the viewer doesn't follow: the newest engagement first, at most NETWORK_POSTS."""
    since = t0 - timedelta(days=NETWORK_DAYS)
    mine = connections_of(viewer_id)
    events: list[tuple[datetime, int, int, str]] = []
    for kind, table, who in (
        ("commented", Comment, Comment.author_id),
        ("reacted", Reaction, Reaction.member_id),
    ):
        with planned_for_values(ctx.session):  # see _window
            rows = ctx.session.execute(
                select(table.post_id, who, table.created_at)
                .where(
                    who.in_(mine),
                    table.post_id.is_not(None),
                    table.created_at > since,
                    table.created_at <= t0,
                )
                .order_by(table.created_at.desc())
                .limit(NETWORK_EVENTS)
            ).all()
        events.extend(
            (as_utc(at), int(pid), int(member), kind) for pid, member, at in rows if pid is not None
        )
    events.sort(key=lambda e: (e[0], e[3] == "commented", e[1], e[2]), reverse=True)
    picked: dict[int, tuple[int, str]] = {}
    for _at, pid, member, kind in events:
        if pid not in known and pid not in picked:
            picked[pid] = (member, kind)
            if len(picked) >= NETWORK_POSTS:
                break
    if not picked:
        return {}
    out: dict[int, _Candidate] = {}
    with planned_for_values(ctx.session):  # see _window: a generic plan read every post
        found = ctx.session.execute(
            select(
                Post.id, Post.author_id, Post.created_at, *engagement_columns(viewer_id, t0)
            ).where(
                id_in(ctx, Post.id, list(picked)),
                Post.author_id != viewer_id,
                ~exists().where(
                    Follow.follower_id == viewer_id, Follow.followee_id == Post.author_id
                ),
                _not_hidden(viewer_id),
                Post.created_at <= t0,
            )
        ).all()
    for pid, author, at, reacted, commented in found:
        member, kind = picked[pid]
        out[pid] = _Candidate(pid, author, as_utc(at), via=member, via_kind=kind)
        engaged[pid] = Engaged(int(reacted or 0), int(commented or 0))
    return out


def _rank(
    candidates: Sequence[_Candidate],
    found: dict[int, Tie],
    engaged: dict[int, Engaged],
    t0: datetime,
) -> list[_Candidate]:
    for c in candidates:
        hours = max(0.0, (t0 - c.created_at).total_seconds() / 3600)
        recency = 1.0 / (1.0 + hours / 24.0) ** 1.2
        tie = found.get(c.author_id)
        weight = 1.0 + (affinity(tie, t0) if tie is not None else 0.6)
        weight += 0.4 * math.log1p(engaged[c.post_id].total if c.post_id in engaged else 0)
        if tie is not None and tie.fewer:
            weight *= FEWER_FACTOR
        if c.via is not None:
            weight *= NETWORK_FACTOR
        # Rounded so that the score survives the cursor's text exactly.
        c.score = round(recency * weight * 1e6, 3)
    return sorted(candidates, key=lambda c: (c.score, c.post_id), reverse=True)


#: The reader in the statements built once below.
_VIEWER = bindparam("viewer_id", type_=Integer)


def _readable_statement(postgres: bool, chosen: bool) -> Select[Any]:
    """The posts among ``:ids`` that ``:viewer_id`` may read, with their authors; with
    ``chosen``, only *For you*'s: of authors the viewer follows now (or their own: an
    unfollow or a hide between two pages of a kept ranking acts at once) or among the
    ``:network`` posts their connections brought, and not hidden. Followed now is
    looked up per candidate: the plan does not depend on how many the viewer follows.
    Recent's candidates are chosen that way already."""
    stmt = among_statement(postgres, _VIEWER)
    if chosen:
        followed = exists().where(
            Follow.follower_id == _VIEWER, Follow.followee_id == Post.author_id
        )
        network = id_in_named(Post.id, "network", postgres=postgres)
        stmt = stmt.where(or_(Post.author_id == _VIEWER, followed, network), _not_hidden(_VIEWER))
    return stmt.options(selectinload(Post.author))


#: Built once per kind of database (the audience rule is the feed's largest statement:
#: building it and its cache key for each page cost more than running it).
_READABLE = {
    (postgres, chosen): _readable_statement(postgres, chosen)
    for postgres in (False, True)
    for chosen in (False, True)
}


def _readable(
    ctx: Ctx, viewer_id: int, ids: Sequence[int], network: Sequence[int] | None = None
) -> dict[int, Post]:
    """The posts among ``ids`` that the viewer may read, with their authors; with
    ``network``, *For you*'s only (see :func:`_readable_statement`)."""
    if not ids:
        return {}
    params = {"viewer_id": viewer_id, "ids": id_value(ctx, ids)}
    if network is not None:
        params["network"] = id_value(ctx, network)
    stmt = _READABLE[(is_postgres(ctx), network is not None)]
    return {p.id: p for p in ctx.session.scalars(stmt, params)}


@dataclass(frozen=True)
class _Ranked:
    """A window ranked as of its moment, with what the reasons need."""

    candidates: tuple[_Candidate, ...]  # best first
    ties: dict[int, Tie]
    engaged: dict[int, Engaged]
    newest: datetime | None  # the newest followed post, for "N new"


def _ranked(ctx: Ctx, viewer: Member, t0: datetime, first: bool) -> _Ranked:
    """The viewer's window ranked as of ``t0``: ranked now for a first page, else the
    one this process kept from the first page (:mod:`kith.posts.feed_windows`) or,
    failing that, ranked again."""
    kept = windows(ctx)
    if not first:
        found = kept.get(viewer.id, t0)
        if isinstance(found, _Ranked):
            return found
    window, engaged = _window(ctx, viewer.id, t0)
    network = _network(ctx, viewer.id, t0, set(window), engaged)
    candidates = [*window.values(), *network.values()]
    found_ties = ties(ctx, viewer.id, {c.author_id for c in candidates})
    ranked = _Ranked(
        tuple(_rank(candidates, found_ties, engaged, t0)),
        found_ties,
        engaged,
        max((c.created_at for c in candidates if c.via is None), default=None),
    )
    kept.put(viewer.id, t0, ranked)
    return ranked


def _for_you(ctx: Ctx, viewer: Member, cursor: str | None, limit: int) -> FeedPage:
    after: tuple[float, int] | None = None
    if cursor is None:
        t0 = ctx.clock.now()
    else:
        t0_text, score_text, id_text = _decode(cursor, "for_you")
        t0, after = _moment(t0_text), (_score(score_text), _int(id_text))
    ranked = _ranked(ctx, viewer, t0, cursor is None)
    candidates: Sequence[_Candidate] = ranked.candidates
    if after is not None:
        candidates = [c for c in candidates if (c.score, c.post_id) < after]
    page: list[tuple[_Candidate, Post]] = []
    start = 0
    while len(page) <= limit and start < len(candidates):
        chunk = candidates[start : start + 2 * limit + 1]
        start += len(chunk)
        posts = _readable(
            ctx,
            viewer.id,
            [c.post_id for c in chunk],
            [c.post_id for c in chunk if c.via is not None],
        )
        page.extend((c, posts[c.post_id]) for c in chunk if c.post_id in posts)
    more = len(page) > limit
    page = page[:limit]
    via_ids = {c.via for c, _ in page if c.via is not None}
    vias = (
        {m.id: m for m in ctx.session.scalars(select(Member).where(Member.id.in_(via_ids)))}
        if via_ids
        else {}
    )
    items = []
    for c, post in page:
        via = vias.get(c.via) if c.via is not None else None
        why = reason(
            viewer,
            post,
            ranked.ties.get(c.author_id),
            ranked.engaged.get(c.post_id),
            t0,
            via=via,
            via_kind=c.via_kind,
        )
        items.append(
            FeedItem(
                post,
                why,
                c.score,
                via,
                c.via_kind if via else None,
                _follows(ranked.ties.get(c.author_id)),
            )
        )
    last = page[-1][0] if page else None
    return FeedPage(
        "for_you",
        items,
        _encode("f", _us(t0), repr(last.score), last.post_id) if more and last else None,
        ranked.newest if cursor is None else None,
    )


# -- reasons -------------------------------------------------------------------


def reason(
    viewer: Member,
    post: Post,
    tie: Tie | None,
    engaged: Engaged | None,
    now: datetime,
    *,
    via: Member | None = None,
    via_kind: str | None = None,
) -> str:
    """Why ``post`` is in the viewer's feed, in words, from the viewer's own data."""
    if post.author_id == viewer.id:
        return "Your post"
    if via is not None:
        return (
            f"{via.first_name} {'commented on' if via_kind == 'commented' else 'reacted to'} this"
        )
    first = post.author.first_name
    if engaged is not None and (tie is None or tie.tier_rank is None):
        if engaged.reacted >= 2:
            return f"{engaged.reacted} of your connections reacted"
        if engaged.commented >= 2:
            return f"{engaged.commented} of your connections commented"
    if tie is None:
        return f"You follow {first}"
    if tie.tier is not None:
        return f"{first} is in your {tie.tier}"
    if tie.last_interaction_at is not None and (now - tie.last_interaction_at).days < 30:
        return f"You were last in touch with {first} {days_ago(tie.last_interaction_at, now)}"
    if tie.tags:
        return f"You tagged {first} “{tie.tags[0]}”"
    if tie.connected and tie.mutual >= 5:
        return f"You and {first} share {tie.mutual} connections"
    if tie.connected:
        return f"You're connected to {first}"
    return f"You follow {first}"


# -- "N new posts" ---------------------------------------------------------------


def new_count(ctx: Ctx, viewer: Member, since: datetime) -> int:
    """How many posts by others reached the viewer's *Recent* feed after ``since``
    (at most MAX_NEW + 1, shown as "99+")."""
    since = as_utc(since)
    newer = (
        select(Post.id)
        .where(
            Post.created_at > since,
            Post.author_id.in_(followees_of(viewer.id)),
            _not_hidden(viewer.id),
            visible_to(viewer.id),
        )
        .limit(MAX_NEW + 1)
        .subquery()
    )
    return int(ctx.session.scalar(select(func.count()).select_from(newer)) or 0)


# -- the viewer's choices ----------------------------------------------------------


def hide(ctx: Ctx, viewer: Member, post_id: int) -> Post:
    """ "Hide this": the post leaves the viewer's feed (idempotent)."""
    post = visible_post(ctx, viewer.id, post_id)
    if ctx.session.get(FeedHide, {"member_id": viewer.id, "post_id": post.id}) is None:
        ctx.session.add(FeedHide(member_id=viewer.id, post_id=post.id, created_at=ctx.clock.now()))
        ctx.session.flush()
    return post


def unhide(ctx: Ctx, viewer: Member, post_id: int) -> Post:
    """Undo "Hide this"."""
    post = visible_post(ctx, viewer.id, post_id)
    row = ctx.session.get(FeedHide, {"member_id": viewer.id, "post_id": post.id})
    if row is not None:
        ctx.session.delete(row)
        ctx.session.flush()
    return post


def see_fewer(ctx: Ctx, viewer: Member, author: Member) -> None:
    """ "See fewer from Ana": her posts rank lower in the viewer's *For you*."""
    if author.id == viewer.id:
        raise Invalid("Your own posts always show in your feed.", code="self_fewer")
    if ctx.session.get(FeedFewer, {"member_id": viewer.id, "author_id": author.id}) is None:
        ctx.session.add(
            FeedFewer(member_id=viewer.id, author_id=author.id, created_at=ctx.clock.now())
        )
        ctx.session.flush()
    ctx.on_commit(lambda: windows(ctx).drop(viewer.id))


def see_more(ctx: Ctx, viewer: Member, author: Member) -> None:
    """Undo "See fewer"."""
    row = ctx.session.get(FeedFewer, {"member_id": viewer.id, "author_id": author.id})
    if row is not None:
        ctx.session.delete(row)
        ctx.session.flush()
    ctx.on_commit(lambda: windows(ctx).drop(viewer.id))


def item(ctx: Ctx, viewer: Member, post_id: int) -> FeedItem:
    """One post as a feed item with its reason (after "Undo"), or ``post_not_found``."""
    post = visible_post(ctx, viewer.id, post_id)
    now = ctx.clock.now()
    found = ties(ctx, viewer.id, [post.author_id]).get(post.author_id)
    return FeedItem(post, reason(viewer, post, found, None, now), follows=_follows(found))


def _follows(tie: Tie | None) -> bool:
    return tie is not None and tie.follows
