"""Who reacted to a post, as a viewer may see them: listed by degree, and in a few
words on a card ("Ana Silva and 12 others")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select

from kith.connections.queries import block_exists
from kith.graph.service import badges
from kith.idlists import id_in
from kith.models import Connection, Member, Post, Reaction
from kith.pagination import Page, PageRequest
from kith.posts.audience import visible_post
from kith.posts.engagement import check_kind
from kith.uow import Ctx


@dataclass(frozen=True)
class Reactor:
    member: Member
    kind: str
    degree: int | None  # None for the viewer themself; 0 out of network


def _rank(degree: int | None) -> int:
    return {None: 0, 1: 1, 2: 2, 3: 3}.get(degree, 4)


def reactors(
    ctx: Ctx, viewer: Member, post_id: int, req: PageRequest, *, kind: str | None = None
) -> tuple[Page[Reactor], str]:
    """Who reacted to a post, as the viewer may see them: the viewer first, then the 1st
    degree, 2nd, 3rd and out of network; most recent first within each. With the page,
    the list in a few words ("Ana Silva and 12 others")."""
    if kind is not None:
        check_kind(kind)
    post = visible_post(ctx, viewer.id, post_id)
    stmt = (
        select(Member, Reaction.kind)
        .join(Reaction, Reaction.member_id == Member.id)
        .where(
            Reaction.post_id == post.id,
            Member.is_active.is_(True),
            ~block_exists(viewer.id, Member.id),
        )
        .order_by(Reaction.created_at.desc(), Reaction.id.desc())
    )
    if kind is not None:
        stmt = stmt.where(Reaction.kind == kind)
    rows = [(m, k) for m, k in ctx.session.execute(stmt)]
    found = badges(ctx, viewer, [m.id for m, _ in rows])
    people = sorted(
        (Reactor(m, k, found[m.id].degree) for m, k in rows), key=lambda r: _rank(r.degree)
    )
    first = None
    if people:
        first = "You" if people[0].member.id == viewer.id else people[0].member.name
    page = Page(people[req.offset : req.offset + req.per_page], len(people), req.page, req.per_page)
    return page, headline(first, len(people))


def headline(first: str | None, total: int) -> str:
    """ "Ana Silva and 12 others", "You and 2 others", "Ana Silva", or "3 reactions"."""
    if not total:
        return ""
    if first is None:
        return f"{total:,} reaction{'s' if total != 1 else ''}"
    others = total - 1
    if not others:
        return first
    return f"{first} and {others:,} other{'s' if others != 1 else ''}"


def reaction_headlines(ctx: Ctx, viewer: Member, posts: Sequence[Post]) -> dict[int, str]:
    """For each post, who reacted in a few words: the viewer, else one of their
    connections (most recent), else the most recent reactor they may see."""
    counts = {p.id: p.reaction_count for p in posts if p.reaction_count}
    if not counts:
        return {}
    connected = or_(
        exists().where(Connection.member_lo_id == viewer.id, Connection.member_hi_id == Member.id),
        exists().where(Connection.member_hi_id == viewer.id, Connection.member_lo_id == Member.id),
    )
    rows = ctx.session.execute(
        select(Reaction.post_id, Member.first_name, Member.last_name, Member.id == viewer.id)
        .join(Member, Member.id == Reaction.member_id)
        .where(
            id_in(ctx, Reaction.post_id, list(counts)),
            Member.is_active.is_(True),
            ~block_exists(viewer.id, Member.id),
            or_(Member.id == viewer.id, connected),
        )
        .order_by(Reaction.created_at.desc())
    )
    best: dict[int, tuple[int, str]] = {}
    for pid, first_name, last_name, is_viewer in rows:
        rank, name = (0, "You") if is_viewer else (1, f"{first_name} {last_name}".strip())
        if int(pid or 0) not in best or rank < best[int(pid or 0)][0]:
            best[int(pid or 0)] = (rank, name)
    missing = [pid for pid in counts if pid not in best]
    if missing:
        latest = (
            select(
                Reaction.post_id,
                Member.first_name,
                Member.last_name,
                func.row_number()
                .over(partition_by=Reaction.post_id, order_by=Reaction.created_at.desc())
                .label("n"),
            )
            .join(Member, Member.id == Reaction.member_id)
            .where(
                id_in(ctx, Reaction.post_id, missing),
                Member.is_active.is_(True),
                ~block_exists(viewer.id, Member.id),
            )
            .subquery()
        )
        recent = select(latest.c.post_id, latest.c.first_name, latest.c.last_name).where(
            latest.c.n == 1
        )
        for pid, first_name, last_name in ctx.session.execute(recent):
            best[int(pid or 0)] = (2, f"{first_name} {last_name}")
    return {pid: headline(best[pid][1] if pid in best else None, n) for pid, n in counts.items()}


def reaction_kinds(ctx: Ctx, post_ids: Sequence[int]) -> dict[int, list[str]]:
    """The kinds of reaction on each post, most used first (for the icons by a count)."""
    if not post_ids:
        return {}
    rows = ctx.session.execute(
        select(Reaction.post_id, Reaction.kind, func.count())
        .where(id_in(ctx, Reaction.post_id, list(post_ids)))
        .group_by(Reaction.post_id, Reaction.kind)
    )
    counted: dict[int, list[tuple[int, str]]] = {}
    for pid, kind, n in rows:
        counted.setdefault(int(pid or 0), []).append((-int(n), kind))
    return {pid: [k for _, k in sorted(pairs)] for pid, pairs in counted.items()}
