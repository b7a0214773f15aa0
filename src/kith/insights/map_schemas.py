"""Request and response models for your network map."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kith.insights.map_findings import Findings
from kith.insights.map_labels import Shared
from kith.insights.network_map import Circle, MapNode, NetworkMap


class MapNodeOut(BaseModel):
    member_id: int
    handle: str
    name: str
    headline: str
    community: int | None = Field(description="The circle's index, null for no circle")
    tier: str | None = Field(description="Your tier for them, if you set one")
    x: float = Field(description="Position, 0 to 1000")
    y: float = Field(description="Position, 0 to 1000 (downwards)")
    links: int = Field(description="Lines drawn to other members of the map")

    @classmethod
    def of(cls, n: MapNode) -> MapNodeOut:
        return cls(
            member_id=n.member.id,
            handle=n.member.handle,
            name=n.member.name,
            headline=n.member.headline,
            community=None if n.community < 0 else n.community,
            tier=n.tier,
            x=n.x,
            y=n.y,
            links=n.links,
        )


class MapSharedOut(BaseModel):
    kind: str = Field(description="company, school, industry, location or tag")
    value: str
    years: str = Field(description="For a company or school: '2019–2021' or 'since 2019'")
    count: int
    share: float

    @classmethod
    def of(cls, s: Shared) -> MapSharedOut:
        return cls(kind=s.kind, value=s.value, years=s.years, count=s.count, share=s.share)


class MapCircleOut(BaseModel):
    index: int
    size: int
    label: str = Field(description="What its members share most")
    kind: str = Field(description="What the label is: company, school, industry, location, "
                      "tag, or none for a mixed circle")  # fmt: skip
    color: str
    shared: list[MapSharedOut]

    @classmethod
    def of(cls, c: Circle) -> MapCircleOut:
        return cls(
            index=c.index,
            size=c.size,
            label=c.label,
            kind=c.kind,
            color=c.color,
            shared=[MapSharedOut.of(s) for s in c.shared],
        )


class MapBridgeOut(BaseModel):
    member_id: int
    community: int | None
    links: list[tuple[int, int]] = Field(description="Pairs of circles they alone link")


class QuietOut(BaseModel):
    community: int
    last_interaction_at: datetime | None


class FindingsOut(BaseModel):
    largest: list[int] = Field(description="Circle indices, largest first")
    bridges: list[MapBridgeOut]
    quiet: list[QuietOut] = Field(description="Circles you have not interacted with in a year")
    loose: list[int] = Field(description="Some of the members in no circle")
    loose_count: int

    @classmethod
    def of(cls, f: Findings) -> FindingsOut:
        return cls(
            largest=f.largest,
            bridges=[
                MapBridgeOut(
                    member_id=b.member_id,
                    community=None if b.circle < 0 else b.circle,
                    links=b.links,
                )  # fmt: skip
                for b in f.bridges
            ],
            quiet=[
                QuietOut(community=q.index, last_interaction_at=q.last_interaction) for q in f.quiet
            ],  # fmt: skip
            loose=f.loose,
            loose_count=f.loose_count,
        )


class NetworkMapOut(BaseModel):
    version: str = Field(description="Names this map; send it back to act on a circle")
    fresh: bool = Field(description="False while a newer map is computed in the background")
    algorithm: str = Field(description="The community algorithm (leiden)")
    modularity: float
    nodes: list[MapNodeOut]
    edges: list[tuple[int, int]] = Field(description="Pairs of member ids")
    communities: list[MapCircleOut]
    findings: FindingsOut

    @classmethod
    def of(cls, m: NetworkMap) -> NetworkMapOut:
        return cls(
            version=m.version,
            fresh=m.fresh,
            algorithm=m.algorithm,
            modularity=round(m.modularity, 4),
            nodes=[MapNodeOut.of(n) for n in m.nodes],
            edges=m.edges,
            communities=[MapCircleOut.of(c) for c in m.circles],
            findings=FindingsOut.of(m.findings),
        )


class TagCircleIn(BaseModel):
    version: str = Field(max_length=40, description="The map's version you looked at")
    tag: str = Field(max_length=200, description="The tag to give every member of the circle")
    cadence_days: int | None = Field(
        None, ge=1, le=100_000, description="Keep in touch with this tag every N days"
    )


class TagCircleOut(BaseModel):
    tag_id: int
    tag: str
    tagged: int
    cadence_days: int | None
