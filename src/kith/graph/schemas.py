"""Response models for degrees, shared connections, paths and reach."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kith.graph.service import Badge, Path
from kith.members.schemas import MemberSummary
from kith.network import Reach


class PathOut(BaseModel):
    members: list[MemberSummary] = Field(description="You first, the member last")
    text: str = Field(description="e.g. 'You -> Ana Ruiz -> Ben Okafor -> Chloe Lee'")

    @classmethod
    def of(cls, path: Path, members: list[MemberSummary]) -> PathOut:
        """A path, with the summaries of its members (in the same order)."""
        names = ["You"] + [m.name for m in path.members[1:]]
        return cls(members=members, text=" -> ".join(names))


class PathsOut(BaseModel):
    degree: int | None
    degree_label: str
    paths: list[PathOut] = Field(description="Best first: introducers you share most with")

    @classmethod
    def of(cls, badge: Badge, paths: list[Path], members: list[list[MemberSummary]]) -> PathsOut:
        """The viewer's degree to the member and the paths to them; ``members`` holds
        each path's member summaries, path by path."""
        return cls(
            degree=badge.degree,
            degree_label=badge.label,
            paths=[PathOut.of(p, who) for p, who in zip(paths, members, strict=True)],
        )


class NetworkReachOut(BaseModel):
    first: int = Field(description="Your connections")
    second: int = Field(description="Members exactly two steps away")
    third: int = Field(description="Members exactly three steps away")
    third_estimated: bool = Field(description="Whether 'third' is a HyperLogLog estimate")
    third_relative_error: float = Field(description="One standard error of 'third', relative")

    @classmethod
    def of(cls, reach: Reach) -> NetworkReachOut:
        return cls(
            first=reach.first,
            second=reach.second,
            third=reach.third,
            third_estimated=reach.third_estimated,
            third_relative_error=reach.third_relative_error,
        )
