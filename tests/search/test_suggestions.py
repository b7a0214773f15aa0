"""People you may know: candidates, scoring, explanations, every exclusion,
dismissals and fading, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kith.blocks.service import block
from kith.clock import FrozenClock
from kith.connections.service import send_invitation
from kith.models import Member
from kith.runtime import Kith
from kith.search.suggestions import Suggestion, dismiss, people_you_may_know, score
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.refusals import refusal
from tests.fixtures.search import profile, synced


def pymk(kith: Kith, viewer: Member, *, record: bool = True) -> list[Suggestion]:
    synced(kith)
    with kith.uow() as c:
        me = c.session.get(Member, viewer.id)
        assert me is not None
        return people_you_may_know(c, me, record=record)


def names(suggestions: list[Suggestion]) -> list[str]:
    return [s.member.first_name for s in suggestions]


@pytest.fixture
def circle(client: TestClient, kith: Kith, ctx: Ctx) -> dict[str, Member]:
    """Vera knows Ana, Ben and Cleo; Dev knows all three, Eve knows Ana only."""
    m = {n: make_member(ctx, n, "Circle") for n in ("Vera", "Ana", "Ben", "Cleo", "Dev", "Eve")}
    for friend in ("Ana", "Ben", "Cleo"):
        connect(ctx, m["Vera"], m[friend])
        connect(ctx, m[friend], m["Dev"])
    connect(ctx, m["Ana"], m["Eve"])
    return m


def test_second_degree_by_mutual_connections_with_a_reason(
    kith: Kith, circle: dict[str, Member]
) -> None:
    got = pymk(kith, circle["Vera"])
    assert names(got) == ["Dev", "Eve"]
    dev, eve = got
    assert dev.reasons[0] == "3 shared connections, including Ana Circle"
    assert eve.reasons[0] == "1 shared connection, including Ana Circle"
    assert dev.score == score(3) > eve.score == score(1)
    assert (dev.badge.degree, dev.badge.mutual) == (2, 3)
    assert {m.first_name for m in dev.shared} == {"Ana", "Ben", "Cleo"}


def test_overlapping_tenure_and_school_years_and_place(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    """A new member with no connections gets suggestions from their profile."""
    me = make_member(ctx, "Nia", "New")
    profile(
        ctx,
        me,
        location="Porto",
        industry="Energy",
        positions=[("Acme", "Engineer", 2019, 3, 2021, 6)],
        education=[("Porto Polytechnic", "BSc", "Physics", 2012, 2016)],
    )
    overlap = make_member(ctx, "Olga", "Overlap")
    profile(ctx, overlap, positions=[("ACME", "Designer", 2020, 1, 2023, 1)])
    before = make_member(ctx, "Paul", "Before")  # same company, but left before Nia came
    profile(ctx, before, positions=[("Acme", "Clerk", 2015, 1, 2019, 2)])
    current = make_member(ctx, "Quinn", "Current")  # started after Nia left
    profile(ctx, current, positions=[("Acme", "Clerk", 2021, 7)])
    classmate = make_member(ctx, "Rosa", "Classmate")
    profile(ctx, classmate, education=[("Porto Polytechnic", "", "", 2015, 2019)])
    later = make_member(ctx, "Sven", "Later")  # same school, other years
    profile(ctx, later, education=[("Porto Polytechnic", "", "", 2017, 2021)])
    neighbour = make_member(ctx, "Tara", "Neighbour")
    profile(ctx, neighbour, location="Porto", industry="Energy")
    elsewhere = make_member(ctx, "Uma", "Elsewhere")
    profile(ctx, elsewhere, location="Porto", industry="Healthcare")
    got = {s.member.first_name: s for s in pymk(kith, me)}
    assert set(got) == {"Olga", "Rosa", "Tara"}
    assert got["Olga"].reasons == ["You both worked at Acme 2020–2021"]
    assert got["Rosa"].reasons == ["You both studied at Porto Polytechnic 2015–2016"]
    assert got["Tara"].reasons == ["Also in Energy, Porto"]
    assert got["Olga"].score > got["Rosa"].score > got["Tara"].score
    # Two current colleagues: "since"
    profile(ctx, current, positions=[("Acme", "Clerk", 2021, 7)])
    profile(ctx, me, positions=[("Acme", "Engineer", 2019, 3)])
    got = {s.member.first_name: s for s in pymk(kith, me)}
    assert got["Quinn"].reasons == ["You both work at Acme (since 2021)"]


def test_never_a_connection_a_pending_invitee_a_blocked_or_a_dismissed_member(
    kith: Kith, ctx: Ctx, circle: dict[str, Member]
) -> None:
    vera = circle["Vera"]
    extra = [make_member(ctx, n, "Extra") for n in ("Fay", "Gus", "Hal", "Ivy")]
    for m in extra:
        connect(ctx, circle["Ben"], m)
    shown = names(pymk(kith, vera, record=False))
    assert set(shown) == {"Dev", "Eve", "Fay", "Gus", "Hal", "Ivy"}
    assert not {"Ana", "Ben", "Cleo", "Vera"} & set(shown)  # connections, oneself
    send_invitation(ctx, vera, circle["Dev"])  # pending, sent
    send_invitation(ctx, extra[0], vera)  # pending, received
    block(ctx, vera, extra[1])  # blocked by the viewer
    block(ctx, extra[2], vera)  # blocked the viewer
    with kith.uow() as c:
        me = c.session.get(Member, vera.id)
        assert me is not None
        dismiss(c, me, circle["Eve"].handle)
    assert names(pymk(kith, vera, record=False)) == ["Ivy"]
    extra[3].is_active = False
    ctx.session.flush()
    assert pymk(kith, vera, record=False) == []


def test_invitation_settings_that_exclude_the_viewer(
    kith: Kith, ctx: Ctx, circle: dict[str, Member]
) -> None:
    vera = circle["Vera"]
    circle["Dev"].invite_policy = "email"  # Vera does not know Dev's address
    circle["Eve"].invite_policy = "shared_connection"  # they share Ana: fine
    stranger = make_member(ctx, "Zoe", "Stranger", invite_policy="shared_connection")
    profile(ctx, stranger, location="Oslo", industry="Energy")
    profile(ctx, vera, location="Oslo", industry="Energy")
    ctx.session.flush()
    assert names(pymk(kith, vera, record=False)) == ["Eve"]


def test_dismissed_for_good_and_faded_after_five_showings(
    kith: Kith, ctx: Ctx, clock: FrozenClock, circle: dict[str, Member]
) -> None:
    vera = circle["Vera"]
    for _ in range(3):  # within the impression window, one showing counts once
        assert names(pymk(kith, vera)) == ["Dev", "Eve"]
    for _ in range(4):
        clock.advance(hours=2)
        assert names(pymk(kith, vera)) == ["Dev", "Eve"]
    clock.advance(hours=2)
    assert pymk(kith, vera) == []  # five showings without action: faded
    with kith.uow() as c:
        me = c.session.get(Member, vera.id)
        assert me is not None
        refusal("self_dismiss", dismiss, c, me, vera.handle)
        refusal("member_not_found", dismiss, c, me, "nobody-here")


def test_dismiss_is_remembered(kith: Kith, circle: dict[str, Member]) -> None:
    vera = circle["Vera"]
    with kith.uow() as c:
        me = c.session.get(Member, vera.id)
        assert me is not None
        dismiss(c, me, circle["Dev"].handle)
        dismiss(c, me, circle["Dev"].handle)  # twice is harmless
    assert names(pymk(kith, vera)) == ["Eve"]


def test_the_scoring_function() -> None:
    assert score(0) == 0
    assert score(1) == 2.0
    assert score(3) == 4.0
    assert score(0, company_years=1) == 2.25
    assert score(0, company_years=10) == 3.0  # overlap counts up to four years
    assert score(0, school_years=2) == 2.0
    assert score(0, same_place=True) == 1.0
    assert score(1, 1, 1, True) == 2.0 + 2.25 + 1.75 + 1.0
