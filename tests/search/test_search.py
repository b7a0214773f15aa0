"""People search: full text, every filter, network filters, ranking, privacy,
blocks and deactivation, facets and typeahead, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from kith.blocks.service import block
from kith.idlists import id_in, id_in_named, id_probe, id_value, is_postgres
from kith.models import Member
from kith.pagination import PageRequest
from kith.runtime import Kith
from kith.search.service import SearchQuery, SearchResult, search_people, typeahead
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.refusals import refusal
from tests.fixtures.search import profile, synced

PAGE = PageRequest(1, 50)


def run(kith: Kith, viewer: Member, **query: object) -> SearchResult:
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get(Member, viewer.id)
        assert me is not None
        return search_people(c, me, SearchQuery(**query), PAGE)  # type: ignore[arg-type]


def handles(result: SearchResult) -> list[str]:
    return [h.member.handle for h in result.page.items]


@pytest.fixture
def town(client: TestClient, kith: Kith, ctx: Ctx) -> dict[str, Member]:
    """A small community: viewer - ana - ben - cleo (a line), and others apart."""
    viewer = make_member(ctx, "Vera", "Viewer")
    ana = make_member(ctx, "Ana", "Ruiz")
    ben = make_member(ctx, "Ben", "Okafor")
    cleo = make_member(ctx, "Cléo", "Durand")
    dora = make_member(ctx, "Dora", "Ruiz")
    connect(ctx, viewer, ana)
    connect(ctx, ana, ben)
    connect(ctx, ben, cleo)
    profile(
        ctx,
        ana,
        headline="Data engineer",
        location="Berlin, Germany",
        industry="Technology",
        positions=[("Acme", "Data Engineer", 2019, 1), ("Globex", "Analyst", 2015, 1, 2018, 12)],
        education=[("Oxford University", "BSc", "Physics", 2011, 2014)],
        skills=["Python", "Spark"],
        about="I like gardening.",
    )
    profile(
        ctx,
        ben,
        headline="Product manager",
        location="Lisbon",
        industry="Technology",
        positions=[("Globex", "Product Manager", 2018, 3)],
        skills=["Roadmaps"],
    )
    profile(
        ctx,
        cleo,
        headline="Nurse",
        location="Berlin",
        industry="Healthcare",
        positions=[("Charité", "Nurse", 2016, 1)],
        education=[("Oxford University", "MSc", "Nursing", 2012, 2014)],
    )
    profile(ctx, dora, headline="Engineer", location="Madrid", industry="Technology")
    return {"viewer": viewer, "ana": ana, "ben": ben, "cleo": cleo, "dora": dora}


def test_keywords_reach_every_part_of_a_profile(kith: Kith, town: dict[str, Member]) -> None:
    v, ana = town["viewer"], town["ana"]
    for words in (
        "ana",
        "ruiz",
        "data engineer",
        "acme",
        "globex",
        "oxford",
        "spark",
        "gardening",
        "physics",
    ):
        assert ana.handle in handles(run(kith, v, keywords=words)), words
    # accents fold both ways, and words match their beginnings
    assert handles(run(kith, v, keywords="cleo")) == [town["cleo"].handle]
    assert handles(run(kith, v, keywords="Charite")) == [town["cleo"].handle]
    assert town["ben"].handle in handles(run(kith, v, keywords="road"))
    # all words must match
    assert handles(run(kith, v, keywords="ruiz gardening")) == [ana.handle]
    assert handles(run(kith, v, keywords="nothingmatchesthis")) == []


def test_exact_name_ranks_first_and_proximity_orders_the_rest(
    kith: Kith, ctx: Ctx, town: dict[str, Member]
) -> None:
    v = town["viewer"]
    # Dora Ruiz is out of network, Ana Ruiz is 1st degree: the exact name wins.
    result = run(kith, v, keywords="Dora Ruiz")
    assert handles(result)[0] == town["dora"].handle
    assert result.page.items[0].exact_name
    # "ruiz" alone: the 1st-degree connection first.
    assert handles(run(kith, v, keywords="ruiz")) == [town["ana"].handle, town["dora"].handle]
    # No words: 1st, 2nd, 3rd, then out of network.
    ordered = handles(run(kith, v, industry=("Technology", "Healthcare")))
    assert ordered == [
        town["ana"].handle,
        town["ben"].handle,
        town["cleo"].handle,
        town["dora"].handle,
    ]


def test_second_degree_ranked_by_mutual_connections(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    v = make_member(ctx, "Vera", "Viewer")
    friends = [make_member(ctx, f"F{i}", "Friend") for i in range(3)]
    few, many = make_member(ctx, "Sam", "Few"), make_member(ctx, "Sam", "Many")
    for f in friends:
        connect(ctx, v, f)
        connect(ctx, f, many)
    connect(ctx, friends[0], few)
    result = run(kith, v, first_name="Sam")
    assert handles(result) == [many.handle, few.handle]
    top = result.page.items[0]
    assert (top.badge.degree, top.badge.mutual) == (2, 3)
    assert {m.handle for m in top.shared} == {f.handle for f in friends}


def test_each_filter_and_combinations(kith: Kith, town: dict[str, Member]) -> None:
    v, ana, ben, cleo, dora = (town[k] for k in ("viewer", "ana", "ben", "cleo", "dora"))
    cases: list[tuple[dict[str, object], list[Member]]] = [
        ({"first_name": "an"}, [ana]),
        ({"last_name": "RUIZ"}, [ana, dora]),
        ({"title": "engineer"}, [ana]),  # current titles only
        ({"title": "analyst"}, []),
        ({"company": ("Acme",)}, [ana]),
        ({"company": ("Globex",)}, [ben]),  # Ana left Globex
        ({"past_company": ("Globex",)}, [ana]),
        ({"company": ("glob",)}, [ben]),  # the beginning of a company's name
        ({"company": ("Nowhere Inc",)}, []),
        ({"school": ("Oxford University",)}, [ana, cleo]),
        ({"location": ("berlin",)}, [ana, cleo]),
        ({"location": ("Berlin", "Lisbon")}, [ana, ben, cleo]),
        ({"industry": ("technology",)}, [ana, ben, dora]),
        ({"network": ("1",)}, [ana]),
        ({"network": ("2",)}, [ben]),
        ({"network": ("3",)}, [cleo, dora]),
        ({"network": ("1", "2")}, [ana, ben]),
        ({"network": ("1", "3")}, [ana, cleo, dora]),
        ({"network": ("1", "2", "3")}, [ana, ben, cleo, dora]),
        ({"industry": ("Technology",), "network": ("2", "3")}, [ben, dora]),
        ({"school": ("Oxford University",), "location": ("Berlin",), "network": ("3",)}, [cleo]),
        ({"keywords": "engineer", "network": ("1",)}, [ana]),
        ({"keywords": "engineer", "industry": ("Technology",), "network": ("3",)}, [dora]),
        ({"company": ("Globex",), "network": ("2",)}, [ben]),
        ({"past_company": ("Globex",), "company": ("Acme",), "school": ("oxford",)}, [ana]),
    ]
    for query, expected in cases:
        got = run(kith, v, **query)
        assert sorted(handles(got)) == sorted(m.handle for m in expected), query
        assert got.page.total == len(expected), query


def test_connections_of_respects_their_list_visibility(
    kith: Kith, ctx: Ctx, town: dict[str, Member]
) -> None:
    v, ana, ben = town["viewer"], town["ana"], town["ben"]
    # Ana shows her connections to her connections: the viewer sees Ben (not themself).
    assert handles(run(kith, v, connections_of=ana.handle)) == [ben.handle]
    assert handles(run(kith, v, connections_of=ana.handle, keywords="product")) == [ben.handle]
    # Ben is 2nd degree: his list is for his connections only.
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get(Member, v.id)
        assert me is not None
        refusal(
            "connections_private",
            search_people,
            c,
            me,
            SearchQuery(connections_of=ben.handle),
            PAGE,
        )
    ana.connections_visibility = "only_me"
    ctx.session.flush()
    with kith.uow(write=False) as c:
        me = c.session.get(Member, v.id)
        assert me is not None
        refusal(
            "connections_private",
            search_people,
            c,
            me,
            SearchQuery(connections_of=ana.handle),
            PAGE,
        )
    # One's own list is always visible.
    assert sorted(handles(run(kith, ana, connections_of=ana.handle))) == sorted(
        [v.handle, ben.handle]
    )


def test_blocked_and_deactivated_members_never_appear(
    kith: Kith, ctx: Ctx, town: dict[str, Member]
) -> None:
    v, ana, ben, dora = town["viewer"], town["ana"], town["ben"], town["dora"]
    assert dora.handle in handles(run(kith, v, last_name="ruiz"))
    block(ctx, dora, v)  # Dora blocks the viewer: neither finds the other
    assert handles(run(kith, v, last_name="ruiz")) == [ana.handle]
    assert v.handle not in handles(run(kith, dora, keywords="vera"))
    block(ctx, v, ben)  # the viewer blocks Ben
    assert handles(run(kith, v, keywords="product manager")) == []
    assert v.handle not in handles(run(kith, ben, keywords="viewer"))
    ana.is_active = False
    ctx.session.flush()
    assert handles(run(kith, v, keywords="ruiz")) == []
    assert handles(run(kith, v, keywords="ana")) == []
    with kith.uow(write=False) as c:
        me = c.session.get(Member, v.id)
        assert me is not None
        assert typeahead(c, me, "an") == []


def test_an_edited_profile_is_found_by_its_new_words_only(
    kith: Kith, ctx: Ctx, town: dict[str, Member]
) -> None:
    v, ana = town["viewer"], town["ana"]
    profile(
        ctx,
        ana,
        headline="Beekeeper",
        about="",
        positions=[("Honeycomb Ltd", "Apiarist", 2024, 1)],
        education=[],
        skills=[],
    )
    for old in ("gardening", "spark", "acme", "oxford", "physics", "data"):
        assert ana.handle not in handles(run(kith, v, keywords=old)), old
    for new in ("beekeeper", "honeycomb", "apiarist"):
        assert handles(run(kith, v, keywords=new)) == [ana.handle], new
    assert handles(run(kith, v, company=("Acme",))) == []
    # a new name is found at once, and the old one no more
    profile(ctx, ana, last_name="Zamora")
    assert handles(run(kith, v, keywords="ruiz")) == [town["dora"].handle]
    assert handles(run(kith, v, keywords="zamora")) == [ana.handle]


def test_facets_count_the_current_result_set(kith: Kith, town: dict[str, Member]) -> None:
    result = run(kith, town["viewer"], industry=("Technology",))
    facets = {k: {f.value: f.count for f in v} for k, v in result.facets.items()}
    assert facets["company"] == {"Acme": 1, "Globex": 1}
    assert facets["industry"] == {"Technology": 3}
    assert facets["location"] == {"Berlin, Germany": 1, "Lisbon": 1, "Madrid": 1}
    assert all(f.selected for f in result.facets["industry"])


def test_typeahead_by_name_prefix_nearest_first(
    kith: Kith, ctx: Ctx, town: dict[str, Member]
) -> None:
    v = town["viewer"]
    ann = make_member(ctx, "Annette", "Zed")
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get(Member, v.id)
        assert me is not None
        got = [m.handle for m, _ in typeahead(c, me, "an")]
        assert got == [town["ana"].handle, ann.handle]
        assert [m.handle for m, _ in typeahead(c, me, "ana r")] == [town["ana"].handle]
        assert [m.handle for m, _ in typeahead(c, me, "Cle")] == [town["cleo"].handle]
        assert typeahead(c, me, "engineer") == []  # names only
        assert typeahead(c, me, "  ") == []
        assert [b.degree for _, b in typeahead(c, me, "ruiz")] == [1, 0]


def test_bad_queries_are_refused(kith: Kith, town: dict[str, Member]) -> None:
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get(Member, town["viewer"].id)
        assert me is not None
        refusal("empty_search", search_people, c, me, SearchQuery(keywords="  "), PAGE)
        refusal("invalid_network", search_people, c, me, SearchQuery(network=("4",)), PAGE)
        refusal("invalid_search", search_people, c, me, SearchQuery(keywords="x" * 101), PAGE)
        refusal(
            "invalid_search", search_people, c, me, SearchQuery(company=tuple("abcdefghijk")), PAGE
        )
        refusal(
            "member_not_found", search_people, c, me, SearchQuery(connections_of="nobody"), PAGE
        )


def test_pagination(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    v = make_member(ctx, "Vera", "Viewer")
    for i in range(7):
        profile(ctx, make_member(ctx, f"P{i}", "Paged"), industry="Energy")
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get(Member, v.id)
        assert me is not None
        seen = []
        for page in (1, 2, 3):
            result = search_people(c, me, SearchQuery(industry=("Energy",)), PageRequest(page, 3))
            assert result.page.total == 7
            seen += [h.member.handle for h in result.page.items]
        assert len(seen) == len(set(seen)) == 7


def test_network_and_company_filters_narrow_the_text_matches(
    kith: Kith, town: dict[str, Member]
) -> None:
    """The network and company filters restrict the members the words are ranked
    among; the words still have to match."""
    v = town["viewer"]
    # Globex in Ana's past work and Ben's current one; only Ben works there now
    assert handles(run(kith, v, keywords="globex", company=("Globex",), network=("1", "2"))) == [
        town["ben"].handle
    ]
    assert handles(run(kith, v, keywords="globex", past_company=("Globex",))) == [
        town["ana"].handle
    ]
    assert handles(run(kith, v, keywords="nurse", company=("Globex",))) == []
    # 3rd and beyond leaves out Ana (1st) and Ben (2nd), keeps Cléo (3rd) and Dora
    assert handles(run(kith, v, keywords="berlin", network=("3",))) == [town["cleo"].handle]
    assert set(handles(run(kith, v, keywords="engineer", network=("1", "3")))) == {
        town["ana"].handle,
        town["dora"].handle,
    }


def test_typeahead_finds_connections_beyond_the_pool(
    kith: Kith, ctx: Ctx, town: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everyone's name matches are a bounded pool; connections are looked up apart."""
    monkeypatch.setattr("kith.search.service.TYPEAHEAD_POOL", 1)
    others = [make_member(ctx, "Anton", f"Other{i}") for i in range(3)]
    late = make_member(ctx, "Anya", "Late")
    connect(ctx, town["viewer"], late)
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get(Member, town["viewer"].id)
        assert me is not None
        got = typeahead(c, me, "an")
    assert {m.handle for m, _ in got[:2]} == {late.handle, town["ana"].handle}
    assert [b.degree for _, b in got[:2]] == [1, 1]
    assert {m.handle for m, _ in got[2:]} <= {o.handle for o in others}


@pytest.mark.parametrize("member_of", [id_in, id_probe], ids=["id_in", "id_probe"])
def test_id_lists_bound_as_one_parameter_whatever_their_length(
    kith: Kith, town: dict[str, Member], member_of: Callable[..., Any]
) -> None:
    """Long id lists (a 2nd degree of tens of thousands) and empty ones travel as one
    parameter (PostgreSQL: a binary integer[], seen by the planner or, for
    ``id_probe``, hidden behind a one-row sub-select) and mean exactly those ids."""
    wanted = sorted([town["ana"].id, town["cleo"].id])
    longer = list(range(10**6, 10**6 + 60_000)) + wanted
    with kith.uow(write=False) as c:
        got = c.session.scalars(
            select(Member.id).where(member_of(c, Member.id, longer)).order_by(Member.id)
        )
        assert list(got) == wanted
        none = select(Member.id).where(member_of(c, Member.id, []))
        assert list(c.session.scalars(none)) == []
        others = select(Member.id).where(~member_of(c, Member.id, wanted))
        assert set(c.session.scalars(others)).isdisjoint(wanted)
        assert list(c.session.scalars(others)) != []


def test_id_lists_bound_by_name_in_a_statement_built_once(
    kith: Kith, town: dict[str, Member]
) -> None:
    """A statement built once (one per kind of database) takes its ids at execution,
    long, empty or negated, and means exactly those ids."""
    wanted = sorted([town["ana"].id, town["cleo"].id])
    longer = list(range(10**6, 10**6 + 60_000)) + wanted
    built = {
        pg: select(Member.id).where(id_in_named(Member.id, "ids", postgres=pg)).order_by(Member.id)
        for pg in (False, True)
    }
    outside = {
        pg: select(Member.id).where(~id_in_named(Member.id, "ids", postgres=pg))
        for pg in (False, True)
    }
    with kith.uow(write=False) as c:
        pg = is_postgres(c)
        assert list(c.session.scalars(built[pg], {"ids": id_value(c, longer)})) == wanted
        assert list(c.session.scalars(built[pg], {"ids": id_value(c, [])})) == []
        others = set(c.session.scalars(outside[pg], {"ids": id_value(c, wanted)}))
        assert others
        assert others.isdisjoint(wanted)


def test_industry_is_the_whole_name_ignoring_case(kith: Kith, town: dict[str, Member]) -> None:
    """An industry filter is the members of exactly that industry (any case), read by
    index: no wildcards, no partial names, nobody for an industry no one has."""
    v, ana, ben, dora = town["viewer"], town["ana"], town["ben"], town["dora"]
    assert set(handles(run(kith, v, industry=("TECHNOLOGY",)))) == {
        ana.handle,
        ben.handle,
        dora.handle,
    }
    for value in ("Tech", "Tech%", "Technolog_", "Mining"):
        assert handles(run(kith, v, industry=(value,))) == []
        assert handles(run(kith, v, keywords="engineer", industry=(value,))) == []
    assert handles(run(kith, v, keywords="engineer", industry=("Mining", "technology"))) != []


@pytest.mark.postgres_only
def test_search_leaves_the_planner_settings_of_the_unit_of_work_as_they_were(
    kith: Kith, town: dict[str, Member]
) -> None:
    """PostgreSQL plans each search for its own words and ids (unprepared, and with a
    setting local to that statement); the rest of the unit of work runs with the
    server's settings and psycopg's preparing."""
    with kith.uow(write=False) as c:
        before = c.session.execute(text("SHOW plan_cache_mode")).scalar()
        raw = c.session.connection().connection.dbapi_connection
        threshold = raw.prepare_threshold  # type: ignore[union-attr]
        me = c.session.get(Member, town["viewer"].id)
        assert me is not None
        found = search_people(c, me, SearchQuery(keywords="engineer"), PageRequest(1, 20))
        assert found.page.total >= 1
        assert c.session.execute(text("SHOW plan_cache_mode")).scalar() == before
        assert c.session.execute(text("SHOW enable_indexscan")).scalar() == "on"
        assert raw.prepare_threshold == threshold  # type: ignore[union-attr]
