"""People search with skills, on both databases: the skill filter and facet, and a
result whose skill the searcher's own connections endorsed ranks higher and says so
(only while the endorsers are connections of both)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.connections.service import remove_connection
from kith.endorsements.service import endorse
from kith.models import Member
from kith.pagination import PageRequest
from kith.runtime import Kith
from kith.search.service import SearchQuery, SearchResult, search_people
from kith.uow import Ctx
from tests.fixtures.endorsements import give_skills
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.search import synced


def _run(kith: Kith, viewer: Member, **query: object) -> SearchResult:
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get_one(Member, viewer.id)
        return search_people(c, me, SearchQuery.of(**query), PageRequest(1, 20))  # type: ignore[arg-type]


def test_skill_filter_facet_and_network_endorsements_rank(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    vic = make_member(ctx, "Vic", "Viewer")
    ana = make_member(ctx, "Ana", "Pythonista")
    ben = make_member(ctx, "Ben", "Pythonista")
    cai = make_member(ctx, "Cai", "Gopher")
    friends = [make_member(ctx, "Friend") for _ in range(3)]
    for f in friends:
        connect(ctx, vic, f)
        connect(ctx, f, ben)
    give_skills(ctx, ana, "Python", "SQL")
    (python,) = give_skills(ctx, ben, "Python")
    give_skills(ctx, cai, "Go")
    for f in friends:
        endorse(ctx, f, ben, python.id)
    ctx.session.commit()

    found = _run(kith, vic, skill=["python"])
    assert [h.member.id for h in found.page.items] == [ben.id, ana.id]
    assert found.page.items[0].endorsed == "Python — endorsed by 3 of your connections"
    assert found.page.items[1].endorsed == ""
    facet = {f.value: f.count for f in found.facets["skill"]}
    assert facet == {"Python": 2, "SQL": 1}
    assert _run(kith, vic, skill=["Cobol"]).page.total == 0
    # Keywords that name a skill rank the same way.
    by_words = _run(kith, vic, keywords="python")
    assert [(h.member.id, h.endorsed) for h in by_words.page.items] == [
        (ben.id, "Python — endorsed by 3 of your connections"),
        (ana.id, ""),
    ]

    # An endorser who is no longer Ben's connection does not count.
    remove_connection(ctx, friends[0], ben)
    ctx.session.commit()
    again = _run(kith, vic, skill=["Python"])
    assert again.page.items[0].endorsed == "Python — endorsed by 2 of your connections"

    api = client.get(
        "/api/v1/search/people", params={"skill": "Python"}, headers=bearer(ctx, vic)
    ).json()
    assert api["items"][0]["endorsed"] == "Python — endorsed by 2 of your connections"
    assert {f["value"] for f in api["facets"]["skill"]} == {"Python", "SQL"}
