"""Degrees, mutual connections, introduction paths and reach, as members see them.

The engine knows only the graph; this module applies the product's rules on top:
blocked and deactivated members are never shown, and shared connections follow
the owner's connection-list visibility.

Blocks take members out of the viewer's network, for degrees, paths and reach alike
(docs/network.md, "Blocks"): a member blocked by or blocking the viewer has no
degree for them, is not counted in their reach, and no degree, path or reach count
runs through them. Only the 3rd degree can: the viewer is never connected to such a
member, so every 2nd-degree path goes through one of the viewer's connections. A
member who is 3rd only through a hidden one is out of the viewer's network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import and_, bindparam, func, or_, select, union_all

from kith.connections.queries import block_exists, connection_between
from kith.errors import Forbidden, KithError
from kith.groups.access import fellow_groups
from kith.models import Block, Connection, Member
from kith.network import NetworkEngine, Reach
from kith.pagination import Page, PageRequest, paginate_rows
from kith.uow import Ctx

DEGREE_LABELS = {0: "Out of network", 1: "1st", 2: "2nd", 3: "3rd"}
MAX_MUTUAL_LISTED = 10_000


class NetworkUnavailable(KithError):
    status = 503
    code = "network_unavailable"


@dataclass(frozen=True)
class Badge:
    """How a viewer is connected to a member: ``degree`` 1, 2, 3 or 0 (out of
    network; ``None`` for the viewer themself) and the number of shared connections;
    out of network, ``fellow`` names a group both belong to ("Fellow member of ...",
    shown instead of "Out of network")."""

    degree: int | None
    mutual: int
    fellow: str = ""

    @property
    def label(self) -> str:
        if self.degree == 0 and self.fellow:
            return f"Fellow member of {self.fellow}"
        return "You" if self.degree is None else DEGREE_LABELS[self.degree]


def engine(ctx: Ctx) -> NetworkEngine:
    if ctx.graph is None:
        raise NetworkUnavailable("The network engine is not running in this process.")
    return ctx.graph.engine


_viewer = bindparam("viewer_id", type_=Block.blocker_id.type)
_HIDDEN = union_all(
    select(Block.blocked_id).where(Block.blocker_id == _viewer, Block.unblocked_at.is_(None)),
    select(Block.blocker_id).where(Block.blocked_id == _viewer, Block.unblocked_at.is_(None)),
)


def hidden_ids(ctx: Ctx, viewer_id: int) -> NDArray[np.int64]:
    """Members blocked by ``viewer_id`` or blocking them, sorted: out of their network.
    Asked once per read-only unit of work (a page of several lists of cards)."""
    key = ("hidden_ids", viewer_id)
    if ctx.read_only and key in ctx.memo:
        kept = ctx.memo[key]
        assert isinstance(kept, np.ndarray)
        return kept
    rows = ctx.session.scalars(_HIDDEN, {"viewer_id": viewer_id})
    found = np.unique(np.fromiter(rows, dtype=np.int64))
    found.flags.writeable = False  # shared by the callers of this unit of work
    if ctx.read_only:
        ctx.memo[key] = found
    return found


def _third_without(
    eng: NetworkEngine, viewer_id: int, target: int, hidden: NDArray[np.int64]
) -> bool:
    """Whether ``target`` has a neighbour at distance 2 from the viewer that is not hidden."""
    via = np.setdiff1d(eng.neighbors(target).astype(np.int64), hidden, assume_unique=True)
    return bool(via.size) and bool((eng.degrees(viewer_id, via) == 2).any())


def degrees(ctx: Ctx, viewer: Member, targets: NDArray[np.int64]) -> NDArray[np.int8]:
    """The engine's degrees with the viewer's blocks taken out of the network (see the
    module docstring): hidden members read 0 and so do members 3rd only through them.
    The engine's vectorized answer stands when the viewer has no block."""
    eng = engine(ctx)
    found = eng.degrees(viewer.id, targets)
    hidden = hidden_ids(ctx, viewer.id)
    if hidden.size == 0 or targets.size == 0:
        return found
    out = found.copy()
    out[np.isin(targets, hidden)] = 0
    for i in np.flatnonzero(out == 3).tolist():
        if not _third_without(eng, viewer.id, int(targets[i]), hidden):
            out[i] = 0
    return out


def badges(ctx: Ctx, viewer: Member, member_ids: Sequence[int]) -> dict[int, Badge]:
    """Degree and mutual count for a page of members, in two vectorized engine calls
    (and one question about blocks; one more for the groups shared with members out
    of network, when there are any)."""
    if not member_ids:
        return {}
    eng = engine(ctx)
    targets = np.asarray(member_ids, dtype=np.int64)
    degrees_found = degrees(ctx, viewer, targets)
    mutual = eng.mutual_counts(viewer.id, targets)
    outside = [m for i, m in enumerate(member_ids) if degrees_found[i] == 0 and m != viewer.id]
    fellows = fellow_groups(ctx, viewer.id, outside) if outside else {}
    out: dict[int, Badge] = {}
    for i, member_id in enumerate(member_ids):
        if member_id == viewer.id:
            out[member_id] = Badge(None, 0)
        else:
            fellow = fellows.get(member_id, "")
            out[member_id] = Badge(int(degrees_found[i]), int(mutual[i]), fellow)
    return out


def mutual_counts(ctx: Ctx, viewer: Member, member_ids: Sequence[int]) -> dict[int, int]:
    """Shared-connection counts for many members in one vectorized engine call."""
    if not member_ids:
        return {}
    counts = engine(ctx).mutual_counts(viewer.id, np.asarray(member_ids, dtype=np.int64))
    return {member_id: int(counts[i]) for i, member_id in enumerate(member_ids)}


def mutual_count(ctx: Ctx, viewer: Member, member: Member) -> int:
    return engine(ctx).mutual_count(viewer.id, member.id)


def badge(ctx: Ctx, viewer: Member, member: Member) -> Badge:
    return badges(ctx, viewer, [member.id])[member.id]


def visible_ids(ctx: Ctx, viewer: Member, ids: Iterable[int]) -> set[int]:
    """The subset of ``ids`` that ``viewer`` may see (active, no block either way)."""
    wanted = list(ids)
    if not wanted:
        return set()
    stmt = select(Member.id).where(
        Member.id.in_(wanted),
        Member.is_active.is_(True),
        ~block_exists(viewer.id, Member.id),
    )
    return set(ctx.session.scalars(stmt))


def can_see_shared(ctx: Ctx, viewer: Member, other: Member) -> bool:
    """Shared connections are visible unless the member keeps their connections to
    themselves; their 1st-degree connections see them either way."""
    if other.connections_visibility != "only_me" or viewer.id == other.id:
        return True
    return connection_between(ctx.session, viewer.id, other.id) is not None


def mutual_connections(ctx: Ctx, viewer: Member, other: Member, req: PageRequest) -> Page[Member]:
    """Connections ``viewer`` and ``other`` share, by name, paginated."""
    if not can_see_shared(ctx, viewer, other):
        raise Forbidden(
            f"{other.name} keeps their connections private.", code="connections_private"
        )
    eng = engine(ctx)
    ids = eng.mutual(viewer.id, other.id, offset=0, limit=MAX_MUTUAL_LISTED).tolist()
    if not ids:
        return Page([], 0, req.page, req.per_page)
    stmt = (
        select(Member)
        .where(
            Member.id.in_(ids),
            Member.is_active.is_(True),
            ~block_exists(viewer.id, Member.id),
        )
        .order_by(func.lower(Member.last_name), func.lower(Member.first_name), Member.id)
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def _connected_among(ctx: Ctx, viewer: Member, others: Sequence[Member]) -> set[int]:
    """Which of ``others`` are connected with ``viewer`` (one query; what
    :func:`can_see_shared` asks of each member who keeps their connections private)."""
    if not others:
        return set()
    lo = [o.id for o in others if o.id > viewer.id]
    hi = [o.id for o in others if o.id < viewer.id]
    rows = ctx.session.execute(
        select(Connection.member_lo_id, Connection.member_hi_id).where(
            or_(
                and_(Connection.member_lo_id == viewer.id, Connection.member_hi_id.in_(lo)),
                and_(Connection.member_hi_id == viewer.id, Connection.member_lo_id.in_(hi)),
            )
        )
    )
    return {hi_id if lo_id == viewer.id else lo_id for lo_id, hi_id in rows}


def mutual_preview(
    ctx: Ctx, viewer: Member, members: Sequence[Member], *, per_member: int = 3
) -> dict[int, list[Member]]:
    """Up to ``per_member`` shared connections' members for each of a page of members:
    the rule of :func:`can_see_shared` and of :func:`visible_ids`, asked once for the
    whole page (a list of 20 cards makes at most two queries)."""
    eng = engine(ctx)
    others = [m for m in members if m.id != viewer.id]
    private = [m for m in others if m.connections_visibility == "only_me"]
    connected = _connected_among(ctx, viewer, private)
    wanted: dict[int, list[int]] = {}
    for m in others:
        if m.connections_visibility != "only_me" or m.id in connected:
            wanted[m.id] = eng.mutual(viewer.id, m.id, limit=per_member * 2).tolist()
    all_ids = {i for ids in wanted.values() for i in ids}
    if not all_ids:
        return {}
    stmt = select(Member).where(
        Member.id.in_(all_ids),
        Member.is_active.is_(True),
        ~block_exists(viewer.id, Member.id),
    )
    by_id = {m.id: m for m in ctx.session.scalars(stmt)}
    return {mid: [by_id[i] for i in ids if i in by_id][:per_member] for mid, ids in wanted.items()}


@dataclass(frozen=True)
class Path:
    """viewer -> ... -> target, as members (the viewer first)."""

    members: list[Member]

    @property
    def introducers(self) -> list[Member]:
        return self.members[1:-1]


def intro_paths(ctx: Ctx, viewer: Member, target: Member, *, limit: int = 5) -> list[Path]:
    """Who can introduce ``viewer`` to a 2nd/3rd-degree ``target``, best first.

    Paths through members blocked either way with the viewer, or deactivated, are
    left out; when the engine's best ones all run through such members, more are
    looked at, so a member with a degree always has a path.
    """
    eng = engine(ctx)
    raw = eng.intro_paths(viewer.id, target.id, limit=limit * 3)
    paths = _shown_paths(ctx, viewer, target, raw)
    if len(paths) < limit and len(raw) == limit * 3:
        paths = _shown_paths(
            ctx, viewer, target, eng.intro_paths(viewer.id, target.id, limit=MAX_PATHS_LOOKED_AT)
        )
    return paths[:limit]


MAX_PATHS_LOOKED_AT = 10_000


def _shown_paths(
    ctx: Ctx, viewer: Member, target: Member, raw: list[tuple[int, ...]]
) -> list[Path]:
    inner = {i for p in raw for i in p[1:-1]}
    visible = visible_ids(ctx, viewer, inner)
    by_id = {m.id: m for m in ctx.session.scalars(select(Member).where(Member.id.in_(visible)))}
    by_id[viewer.id] = viewer
    by_id[target.id] = target
    return [Path([by_id[i] for i in p]) for p in raw if all(i in by_id for i in p)]


def reach(ctx: Ctx, viewer: Member) -> Reach:
    """The sizes of the viewer's 2nd and 3rd degree, without the members their blocks
    take out of their network (the same rule as :func:`degrees`)."""
    eng = engine(ctx)
    found = eng.reach(viewer.id)
    hidden = hidden_ids(ctx, viewer.id)
    if hidden.size == 0:
        return found
    at = eng.degrees(viewer.id, hidden)
    lost_third = int((at == 3).sum())
    hubs = hidden[at == 2]  # 3rd-degree members may hang on these alone
    if hubs.size:
        near = np.unique(np.concatenate([eng.neighbors(int(h)) for h in hubs]).astype(np.int64))
        near = np.setdiff1d(near, hidden, assume_unique=True)
        if near.size:
            near = near[eng.degrees(viewer.id, near) == 3]
        lost_third += sum(1 for c in near.tolist() if not _third_without(eng, viewer.id, c, hidden))
    return Reach(
        first=found.first,
        second=found.second - int((at == 2).sum()),
        third=max(found.third - lost_third, 0),
        third_estimated=found.third_estimated,
        third_relative_error=found.third_relative_error,
    )


def neighbors(ctx: Ctx, member_id: int) -> np.ndarray[Any, np.dtype[np.int32]]:
    """A member's connections' ids, sorted (the engine's view; filter before showing)."""
    return engine(ctx).neighbors(member_id)


def second_degree(ctx: Ctx, member_id: int) -> np.ndarray[Any, np.dtype[np.int32]]:
    """Ids at distance exactly 2, sorted (filter before showing)."""
    return engine(ctx).second_degree(member_id)


def suggestions(
    ctx: Ctx, viewer: Member, *, exclude: Iterable[int], limit: int
) -> list[tuple[int, int]]:
    """2nd-degree members by shared connections, ``(member_id, mutual)``, best first,
    leaving out ``exclude`` (pending invitations, blocks, dismissals...)."""
    ids = np.fromiter(exclude, dtype=np.int64)
    return engine(ctx).suggestions(viewer.id, limit=limit, exclude=ids)
