"""Response models for network insights."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kith.insights.service import MemberInsights
from kith.models import CommunityInsightsResult


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class BandOut(_Out):
    label: str
    low: int
    high: int | None = Field(description="null for an open range such as 1,000+")


class GuidelineOut(_Out):
    guideline: str = Field(examples=["Guideline A"])
    band: BandOut | None = Field(description="The range for your career stage, if known")
    place: str | None = Field(description="below, within or above that range")


class IndustryOut(_Out):
    industry: str
    published_average: int | None = Field(description="From the published industry table")
    community_mean: float | None = Field(description="This community, at the last computation")
    community_median: float | None


class CountOut(_Out):
    count: int
    stage: str | None = Field(description="Career stage key (explicit or derived)")
    stage_label: str
    guidelines: list[GuidelineOut]
    disagreement: str
    industry: IndustryOut | None
    published_averages: dict[str, int]


class StandingOut(_Out):
    cohort: str = Field(description="industry, stage or industry_stage")
    label: str
    percentile: float | None = Field(
        description="Share (0-100) of the group's members with fewer connections than you"
    )
    cohort_size: int
    note: str


class ShareOut(_Out):
    label: str
    count: int
    share: float


class CompositionOut(BaseModel):
    industry: list[ShareOut]
    company: list[ShareOut]
    location: list[ShareOut]
    seniority: list[ShareOut] = Field(description="By career stage")


class MonthOut(_Out):
    month: str = Field(examples=["2026-03"])
    new: int
    total: int


class InsightsReachOut(_Out):
    first: int
    second: int
    third: int
    third_estimated: bool
    third_relative_error: float


class InvitationsOut(_Out):
    sent: int
    accepted: int
    pending: int
    expired: int
    withdrawn: int
    acceptance_rate: float | None = Field(
        description="accepted / (accepted + pending + expired); null before any"
    )


class QualityOut(_Out):
    industry_share: float | None = Field(
        description="Share of your connections (with a known industry) in your industry"
    )
    same_industry: int
    known_industry: int
    recent_days: int = Field(description="The window of recent_share, in days")
    recent_share: float | None = Field(
        description="Share of your connections you interacted with (messages, logged "
        "meetings, calls, events) in the last recent_days; null without connections"
    )
    dormant_days: int = Field(description="How long without interaction counts as dormant")
    dormant_share: float | None = Field(
        description="Share of your connections with no interaction for dormant_days "
        "(counted from the connection date when there was none), as pruning defines it"
    )
    dormant: int


class ActionOut(_Out):
    label: str
    href: str
    reason: str


class MemberInsightsOut(_Out):
    count: CountOut
    standing: list[StandingOut]
    composition: CompositionOut
    growth: list[MonthOut]
    reach: InsightsReachOut
    invitations: InvitationsOut
    quality: QualityOut
    actions: list[ActionOut] = Field(description="At most two, most useful first")
    community_computed_at: datetime | None
    notes: list[str]

    @classmethod
    def of(cls, found: MemberInsights) -> MemberInsightsOut:
        return cls.model_validate(found)


class PersonOut(BaseModel):
    handle: str
    name: str
    connections: int


class BridgeOut(PersonOut):
    score: float = Field(description="Sum of the shares of between-industry ties held")
    industry: str
    other_industry: str = Field(description="The industry they link most exclusively")
    ties_to_other: int
    pair_ties: int = Field(description="All connections between the two industries")
    industries_reached: int


class GroupsOut(BaseModel):
    names: list[str]
    members: list[int]
    ties: list[list[int]] = Field(description="Connections between groups (diagonal: inside)")
    internal: list[int]
    external: list[int]
    within_share: float = Field(description="Share of all connections inside one group")
    groups: int = Field(description="Groups with at least one member")


class CommunityOut(BaseModel):
    computed_at: datetime
    seconds: float
    members: int
    connections: int
    mean: float
    median: float
    max: int
    degree_histogram: list[list[int]] = Field(description="[connections, members] pairs")
    components: int = Field(description="Connected groups of two or more members")
    largest_component: int
    largest_component_share: float
    isolated: int
    barely_connected: int
    barely_connected_max: int
    welcome: list[PersonOut] = Field(description="Newest isolated or barely connected members")
    industries: GroupsOut
    companies: GroupsOut = Field(description="The largest companies (by current position)")
    schools: GroupsOut = Field(description="The largest schools (by latest education)")
    bridges: list[BridgeOut]

    @classmethod
    def of(cls, report: dict[str, Any]) -> CommunityOut:
        """The community report, as :func:`kith.insights.service.community_report` gives it."""
        return cls.model_validate(report)


class RefreshOut(BaseModel):
    state: str = Field(description="'computed' (done in the request) or 'queued' (background)")
    computed_at: datetime | None = None
    seconds: float | None = None

    @classmethod
    def of(cls, row: CommunityInsightsResult) -> RefreshOut:
        """Figures computed within the request."""
        return cls(state="computed", computed_at=row.computed_at, seconds=row.seconds)
