"""Your network map: your connections, the connections among them, and their circles.

Who appears: the viewer's connections who are active and not blocked either way
(:func:`kith.graph.service.hidden_ids`). Which lines are drawn: a connection between
two of them is drawn when the viewer may see it in one of the two members' connection
lists (:func:`kith.connections.service.lists_open_to`, the rule of
:func:`~kith.connections.service.can_see_connections`); between two members who both
keep their list to themselves, no line is drawn. The map is the viewer's alone: it is
only ever computed for the signed-in member.

The circles and the picture come from :mod:`kith.insights.map_layout`, kept by
:mod:`kith.insights.map_cache`; each circle is labelled here by what its members share
most (:mod:`kith.insights.map_labels`), and :mod:`kith.insights.map_findings` says what
the picture tells.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select

from kith.connections.service import lists_open_to
from kith.errors import Conflict, NotFound
from kith.graph import service as graph
from kith.insights import map_findings, map_labels
from kith.insights.map_cache import KeptMap, maps
from kith.insights.map_layout import MapShape, compute
from kith.models import Member, Tag
from kith.relationships.queries import connected_ids
from kith.relationships.records import bulk_tag
from kith.relationships.tiers_tags import update_tag, valid_cadence
from kith.uow import Ctx

I64 = NDArray[np.int64]
I32 = NDArray[np.int32]

MAP_SEED = 1
# Maps of at least this many members are refreshed in the background once computed.
SYNC_MAX = 1000


@dataclass(frozen=True)
class MapPerson:
    """What the map shows of one of the viewer's connections."""

    id: int
    handle: str
    first_name: str
    last_name: str
    headline: str
    industry: str
    location: str
    connections_visibility: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class MapNode:
    member: MapPerson
    community: int  # -1: in no circle
    tier: str | None
    x: float
    y: float
    links: int  # lines drawn to other members of the map


@dataclass
class Circle:
    index: int
    size: int
    label: str
    kind: str  # company | school | industry | location | tag | none
    shared: list[map_labels.Shared]
    color: str


@dataclass
class NetworkMap:
    """What the map page, the API and the archive show."""

    version: str  # the fingerprint of the map the circles' numbers refer to
    fresh: bool  # False while a newer map is being computed in the background
    nodes: list[MapNode]
    edges: list[tuple[int, int]]  # member ids, lower first
    circles: list[Circle]
    modularity: float
    algorithm: str
    findings: map_findings.Findings = field(default_factory=map_findings.Findings)

    @property
    def loose(self) -> list[MapNode]:
        return [n for n in self.nodes if n.community < 0]


PALETTE = (
    "#2f6fb3", "#c2410c", "#15803d", "#9333ea", "#b45309", "#0e7490", "#be123c",
    "#4d7c0f", "#6d28d9", "#a16207", "#0369a1", "#b91c1c", "#047857", "#7c3aed",
)  # fmt: skip
LOOSE_COLOR = "#8a8f98"


def circle_color(index: int) -> str:
    return LOOSE_COLOR if index < 0 else PALETTE[index % len(PALETTE)]


_PERSON = (
    Member.id,
    Member.handle,
    Member.first_name,
    Member.last_name,
    Member.headline,
    Member.industry,
    Member.location,
    Member.connections_visibility,
)


def _members(ctx: Ctx, viewer: Member) -> list[MapPerson]:
    """The viewer's active connections without the members a block hides, by id."""
    hidden = set(graph.hidden_ids(ctx, viewer.id).tolist())
    rows = ctx.session.connection().execute(
        select(*_PERSON)
        .where(Member.id.in_(connected_ids(viewer.id)), Member.is_active.is_(True))
        .order_by(Member.id)
    )
    return [MapPerson(*row) for row in rows if row[0] not in hidden]


def among(ctx: Ctx, ids: I64) -> tuple[I32, I32]:
    """Connections among ``ids`` (sorted) as index pairs ``src < dst``, from the engine."""
    eng = graph.engine(ctx)
    n = ids.size
    if n < 2:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    lists = [eng.neighbors(int(i)) for i in ids.tolist()]
    lens = np.fromiter((a.size for a in lists), dtype=np.int64, count=n)
    flat = np.concatenate(lists) if lens.sum() else np.zeros(0, np.int32)
    owner = np.repeat(np.arange(n, dtype=np.int32), lens)
    size = max(int(ids[-1]), int(flat.max()) if flat.size else 0) + 1
    place = np.full(size, -1, dtype=np.int32)
    place[ids] = np.arange(n, dtype=np.int32)  # member id -> its index on the map
    at = place[flat]
    hit = at >= 0
    src, dst = owner[hit], at[hit]
    keep = src < dst
    return src[keep].astype(np.int32), dst[keep].astype(np.int32)


def _fingerprint(ids: I64, src: I32, dst: I32) -> str:
    h = hashlib.blake2b(digest_size=8)
    for part in (ids, src, dst):
        h.update(np.ascontiguousarray(part).tobytes())
        h.update(b"|")
    return h.hexdigest()


def adjusted(kept: KeptMap, ids: I64, src: I32, dst: I32) -> MapShape:
    """A kept map brought to today's members while the new one is computed: members
    still there keep their circle and place; a newcomer sits among the connections
    they have on the map, in no circle until the map is computed again."""
    old = kept.shape
    n = ids.size
    at = np.searchsorted(kept.ids, ids).clip(0, max(kept.ids.size - 1, 0))
    known = (kept.ids[at] == ids) if kept.ids.size else np.zeros(n, dtype=bool)
    community = np.full(n, -1, dtype=np.int32)
    x = np.full(n, 500.0)
    y = np.full(n, 500.0)
    community[known] = old.community[at[known]]
    x[known], y[known] = old.x[at[known]], old.y[at[known]]
    for i in np.flatnonzero(~known).tolist():
        near = np.concatenate([dst[src == i], src[dst == i]])
        near = near[known[near]]
        if near.size:
            x[i], y[i] = float(x[near].mean()) + 4.0, float(y[near].mean()) + 4.0
    sizes = np.bincount(community[community >= 0], minlength=old.sizes.size).astype(np.int64)
    return MapShape(community, sizes, x, y, old.modularity, old.algorithm)


def _shape(ctx: Ctx, viewer: Member, ids: I64, src: I32, dst: I32) -> tuple[str, bool, MapShape]:
    """The map's fingerprint, whether it is fresh, and its circles and places."""
    version = _fingerprint(ids, src, dst)
    cache = maps(ctx)
    kept = cache.get(viewer.id)
    if kept is not None and kept.fingerprint == version:
        return version, True, kept.shape
    if kept is not None and ids.size >= SYNC_MAX:
        n = int(ids.size)
        cache.refresh(
            viewer.id,
            lambda: KeptMap(version, ids, compute(n, src, dst, seed=MAP_SEED)),
        )
        return kept.fingerprint, False, adjusted(kept, ids, src, dst)
    shape = compute(int(ids.size), src, dst, seed=MAP_SEED)
    cache.put(viewer.id, KeptMap(version, ids, shape))
    return version, True, shape


def _circles(shape: MapShape, ids: I64, people: map_labels.People, this_year: int) -> list[Circle]:
    """Each circle with members, labelled by what they share most."""
    order = np.argsort(shape.community, kind="stable")
    bounds = np.searchsorted(shape.community[order], np.arange(shape.sizes.size + 1))
    out = []
    for c, size in enumerate(shape.sizes.tolist()):
        if size > 0:
            members = ids[order[bounds[c] : bounds[c + 1]]]
            found = map_labels.label(people, members, c, this_year)
            out.append(Circle(c, int(size), found.text, found.kind, found.shared, circle_color(c)))
    return out


def network_map(ctx: Ctx, viewer: Member) -> NetworkMap:
    """The viewer's network map (see the module docstring for who and what appears)."""
    members = _members(ctx, viewer)
    ids = np.fromiter((m.id for m in members), dtype=np.int64, count=len(members))
    src, dst = among(ctx, ids)
    open_lists = lists_open_to(viewer, members)
    seen = np.fromiter((m.id in open_lists for m in members), dtype=bool, count=len(members))
    if src.size:
        keep = seen[src] | seen[dst]
        src, dst = src[keep], dst[keep]
    version, fresh, shape = _shape(ctx, viewer, ids, src, dst)
    people = map_labels.attributes(ctx, viewer, members)
    this_year = ctx.clock.now().year
    links = np.bincount(np.concatenate([src, dst]), minlength=ids.size) if ids.size else ids
    nodes = [
        MapNode(
            member=m,
            community=int(shape.community[i]),
            tier=people.tier.get(m.id),
            x=float(shape.x[i]),
            y=float(shape.y[i]),
            links=int(links[i]),
        )
        for i, m in enumerate(members)
    ]
    circles = _circles(shape, ids, people, this_year)
    found = NetworkMap(
        version=version,
        fresh=fresh,
        nodes=nodes,
        edges=list(zip(ids[src].tolist(), ids[dst].tolist(), strict=True)),
        circles=circles,
        modularity=shape.modularity,
        algorithm=shape.algorithm,
    )
    found.findings = map_findings.findings(
        ctx, shape.community, src, dst, ids, people, {c.index: c for c in circles}
    )
    return found


def circle_members(ctx: Ctx, viewer: Member, index: int, version: str) -> Sequence[Member]:
    """The members of circle ``index`` of the map the viewer saw (``version``)."""
    found = network_map(ctx, viewer)
    if found.version != version:
        raise Conflict(
            "Your network changed since this map was drawn; look at the new map and try again.",
            code="network_map_changed",
        )
    ids = [n.member.id for n in found.nodes if n.community == index]
    if not ids:
        raise NotFound("There is no such circle on your map.", code="circle_not_found")
    return list(ctx.session.scalars(select(Member).where(Member.id.in_(ids)).order_by(Member.id)))


def tag_circle(
    ctx: Ctx, viewer: Member, index: int, version: str, name: str, cadence_days: int | None = None
) -> tuple[Tag, int]:
    """Tag every member of one circle at once (the relationship tools' tag rule, in this
    one transaction), and optionally set the tag's keep-in-touch cadence. Returns the
    tag and how many members carry it from this circle."""
    cadence = valid_cadence(cadence_days)
    members = circle_members(ctx, viewer, index, version)
    tag = bulk_tag(ctx, viewer, members, name)
    if cadence is not None:
        tag = update_tag(ctx, viewer, tag.id, cadence_days=cadence)
    return tag, len(members)
