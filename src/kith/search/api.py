"""REST endpoints: people search, name typeahead, people you may know."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import Field

from kith.members.schemas import MemberSummary
from kith.search import service, suggestions
from kith.search.schemas import (
    Facets,
    PersonHit,
    SearchPage,
    SuggestionList,
    SuggestionOut,
    TypeaheadOut,
)
from kith.search.service import MAX_FILTER_LENGTH, MAX_FILTER_VALUES
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage, Refusal

router = APIRouter(tags=["search"])

TERM = Refusal(
    "invalid_search",
    f"A search term can be at most {MAX_FILTER_LENGTH} characters, and a filter takes "
    f"at most {MAX_FILTER_VALUES} values.",
)
TERM_LIMIT = Refusal("invalid_search", "Ask for between 1 and 50 suggestions.")
#: One search term.
Term = Annotated[str, Query(max_length=MAX_FILTER_LENGTH), TERM]
#: A repeatable filter.
Many = Annotated[
    list[Annotated[str, Field(max_length=MAX_FILTER_LENGTH)]] | None,
    Query(max_length=MAX_FILTER_VALUES),
    TERM,
]


def search_query(
    q: Annotated[
        Term,
        Query(description="Keywords: name, headline, titles, companies, schools, skills, about"),
    ] = "",
    first_name: Annotated[Term, Query(description="First name starts with")] = "",
    last_name: Annotated[Term, Query(description="Last name starts with")] = "",
    title: Annotated[Term, Query(description="A current title contains")] = "",
    company: Annotated[Many, Query(description="Current company (repeatable)")] = None,
    past_company: Many = None,
    school: Many = None,
    location: Annotated[Many, Query(description="Location contains (repeatable)")] = None,
    industry: Many = None,
    skill: Annotated[Many, Query(description="A skill on the profile (repeatable)")] = None,
    network: Annotated[
        list[Literal["1", "2", "3"]] | None,
        Query(description="1 (1st), 2 (2nd), 3 (3rd and beyond); repeatable"),
        Refusal(
            "invalid_network", "The network filter takes 1 (1st), 2 (2nd) and 3 (3rd and beyond)."
        ),
    ] = None,
    connections_of: Annotated[
        Term, Query(description="A member's handle, or their name (see ambiguous_member)")
    ] = "",
    group: Annotated[
        Many, Query(description="A group's id: its members (repeatable; groups you may read)")
    ] = None,
) -> service.SearchQuery:
    """The people-search parameters of the API and the search page, read once."""
    return service.SearchQuery.of(
        keywords=q,
        first_name=first_name,
        last_name=last_name,
        title=title,
        company=company,
        past_company=past_company,
        school=school,
        location=location,
        industry=industry,
        skill=skill,
        network=network,
        group=group,
        connections_of=connections_of,
    )


#: A people search as the URL states it (``GET /api/v1/search/people``, ``GET /search``).
SearchParams = Annotated[service.SearchQuery, Depends(search_query)]


@router.get("/search/people")
def search_people(
    kith: KithDep,
    member_id: ApiMemberId,
    query: SearchParams,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> SearchPage:
    """People search: every filter combines with the others; results carry the degree
    badge, the mutual count and up to three shared connections. ``connections_of``
    takes a handle or a name; a name that fits several members is refused with
    ``ambiguous_member``, naming their handles."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        req = page_request(ctx, page, per_page)
        result = service.search_people(ctx, viewer, query, req)
        return SearchPage.of(
            result.page,
            items=[PersonHit.of(h) for h in result.page.items],
            facets=Facets.of(result.facets),
            truncated=result.truncated,
        )


@router.get("/search/typeahead")
def typeahead(
    kith: KithDep,
    member_id: ApiMemberId,
    q: Annotated[Term, Query(description="The beginning of a name")] = "",
    limit: Annotated[
        int | None, Query(ge=1, le=50, description="At most this many (default 8)"), TERM_LIMIT
    ] = None,
) -> TypeaheadOut:
    """Members whose names start with the words typed, nearest first."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        found = service.typeahead(ctx, viewer, q, limit=limit)
        return TypeaheadOut(items=[MemberSummary.of(m, b) for m, b in found])


@router.get("/suggestions")
def people_you_may_know(
    kith: KithDep,
    member_id: ApiMemberId,
    limit: Annotated[
        int | None,
        Query(ge=1, le=100, description="At most this many (default 12)"),
        Refusal("invalid_page", "Ask for between 1 and 100 suggestions."),
    ] = None,
) -> SuggestionList:
    """People you may know, best first, each with its reasons. Each call counts as one
    showing; a suggestion shown five times without action fades."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        found = suggestions.people_you_may_know(ctx, viewer, limit=limit)
        return SuggestionList(items=[SuggestionOut.of(s) for s in found])


@router.post("/suggestions/{handle}/dismiss", status_code=status.HTTP_204_NO_CONTENT)
def dismiss(handle: str, kith: KithDep, member_id: ApiMemberId) -> None:
    """Never suggest this member again."""
    with kith.uow() as ctx:
        suggestions.dismiss(ctx, me(ctx, member_id), handle)
