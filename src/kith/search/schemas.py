"""Search and people-you-may-know response models."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kith.members.schemas import MemberSummary
from kith.models import Member
from kith.search.service import Facet, SearchHit
from kith.search.suggestions import Suggestion
from kith.web.paging import Paged


class SharedOut(BaseModel):
    handle: str
    name: str

    @classmethod
    def of(cls, member: Member) -> SharedOut:
        return cls(handle=member.handle, name=member.name)


class PersonHit(BaseModel):
    member: MemberSummary
    shared_connections: list[SharedOut] = Field(
        description="Up to three connections you share, when their lists may be seen"
    )
    exact_name_match: bool = Field(description="The keywords are exactly this member's name")
    score: float = Field(description="Proximity points + text weight x relevance (docs/search.md)")
    endorsed: str = Field(
        "",
        description='The searched skill endorsed by your connections, in words: "Python — '
        'endorsed by 3 of your connections"',
    )

    @classmethod
    def of(cls, hit: SearchHit) -> PersonHit:
        return cls(
            member=MemberSummary.of(hit.member, hit.badge),
            shared_connections=[SharedOut.of(m) for m in hit.shared],
            exact_name_match=hit.exact_name,
            score=hit.score,
            endorsed=hit.endorsed,
        )


class FacetOut(BaseModel):
    value: str
    count: int
    selected: bool

    @classmethod
    def of(cls, f: Facet) -> FacetOut:
        return cls(value=f.value, count=f.count, selected=f.selected)


class Facets(BaseModel):
    company: list[FacetOut] = Field(description="Current companies in the result set")
    location: list[FacetOut]
    industry: list[FacetOut]
    skill: list[FacetOut] = Field(description="Skills listed in the result set")

    @classmethod
    def of(cls, facets: dict[str, list[Facet]]) -> Facets:
        """Each facet the search counted, by name."""
        return cls(**{name: [FacetOut.of(f) for f in found] for name, found in facets.items()})


class SearchPage(Paged):
    items: list[PersonHit]
    facets: Facets
    truncated: bool = Field(
        description="More members matched the words than are ranked (search_max_matches)"
    )


class TypeaheadOut(BaseModel):
    items: list[MemberSummary]


class SuggestionOut(BaseModel):
    member: MemberSummary
    reasons: list[str] = Field(
        description="Why, best first: '12 shared connections, including Ana Ruiz', "
        "'You both worked at Acme 2019–2021'..."
    )
    shared_connections: list[SharedOut]
    score: float

    @classmethod
    def of(cls, s: Suggestion) -> SuggestionOut:
        return cls(
            member=MemberSummary.of(s.member, s.badge),
            reasons=s.reasons,
            shared_connections=[SharedOut.of(m) for m in s.shared],
            score=s.score,
        )


class SuggestionList(BaseModel):
    items: list[SuggestionOut]
