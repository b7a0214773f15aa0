"""Response models for degrees, shared connections, paths and reach."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kith.members.schemas import MemberSummary


class PathOut(BaseModel):
    members: list[MemberSummary] = Field(description="You first, the member last")
    text: str = Field(description="e.g. 'You -> Ana Ruiz -> Ben Okafor -> Chloe Lee'")


class PathsOut(BaseModel):
    degree: int | None
    degree_label: str
    paths: list[PathOut] = Field(description="Best first: introducers you share most with")


class NetworkReachOut(BaseModel):
    first: int = Field(description="Your connections")
    second: int = Field(description="Members exactly two steps away")
    third: int = Field(description="Members exactly three steps away")
    third_estimated: bool = Field(description="Whether 'third' is a HyperLogLog estimate")
    third_relative_error: float = Field(description="One standard error of 'third', relative")
