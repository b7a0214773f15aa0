"""Endorsement request parameters and response models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kith.endorsements.views import Endorser, SkillLine, SkillsView
from kith.members.schemas import MemberSummary
from kith.web.paging import Paged
from kith.web.params import Flag, Id, id_path

SkillId = Annotated[int, id_path("skill")]
EndorsementId = Annotated[int, id_path("endorsement")]


class SkillOut(BaseModel):
    id: int
    name: str
    count: int = Field(description="Endorsements shown: from the member's current connections")
    top_rank: int | None = Field(description="1-3 for a pinned top skill")
    closed: bool = Field(description="The member closed this skill to endorsements")
    endorsed_by_you: bool
    known: list[MemberSummary] = Field(description="Up to two endorsers you know, named")
    known_count: int = Field(description="Endorsers who are your connections")
    proof: list[str] = Field(
        description='In words: "endorsed by Ana, Ben and 4 others you know", "3 colleagues '
        'at Acme", "2 people who are endorsed for this skill themselves"'
    )

    @classmethod
    def of(cls, line: SkillLine, known: list[MemberSummary]) -> SkillOut:
        proof = [line.known_line, line.colleagues_line, line.themselves_line]
        return cls(
            id=line.skill_id,
            name=line.name,
            count=line.count,
            top_rank=line.top_rank,
            closed=line.closed,
            endorsed_by_you=line.endorsed,
            known=known,
            known_count=line.known_count,
            proof=[p for p in proof if p],
        )


class SkillsOut(BaseModel):
    handle: str
    receiving: bool = Field(description="The member receives endorsements")
    can_endorse: bool = Field(description="You may endorse them (a connection, receiving)")
    skills: list[SkillOut]

    @classmethod
    def of(cls, view: SkillsView, known: dict[int, MemberSummary]) -> SkillsOut:
        return cls(
            handle=view.member.handle,
            receiving=view.receiving,
            can_endorse=view.can_endorse,
            skills=[
                SkillOut.of(s, [known[m.id] for m in s.known if m.id in known]) for s in view.skills
            ],
        )


class EndorsementCount(BaseModel):
    skill_id: int
    count: int
    endorsed_by_you: bool


class EndorserOut(BaseModel):
    id: int = Field(description="The endorsement's id (to hide it, when it is yours)")
    member: MemberSummary
    hidden: bool = Field(description="Hidden by you (shown to you alone)")

    @classmethod
    def of(cls, e: Endorser, member: MemberSummary) -> EndorserOut:
        return cls(id=e.endorsement_id, member=member, hidden=e.hidden)


class EndorserPage(Paged):
    skill: str
    items: list[EndorserOut]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TopSkillsIn(Strict):
    skill_ids: list[Id] = Field(max_length=10, description="At most three, in order")


class TopSkillsOut(BaseModel):
    skill_ids: list[int]


class HiddenIn(Strict):
    hidden: Flag


class HiddenOut(BaseModel):
    id: int
    hidden: bool


class EndorsementSettingsIn(Strict):
    receiving: Flag


class EndorsementSettingsOut(BaseModel):
    receiving: bool


class SkillClosedIn(Strict):
    closed: Flag


class SkillClosedOut(BaseModel):
    skill_id: int
    closed: bool
