"""Exporting one's connections: LinkedIn's CSV columns plus Kith's, and vCard 4.0."""

from __future__ import annotations

import doctest
import importlib
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from kith.clock import FrozenClock
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.portability.export import (
    EXPORT_QUERY_COUNT,
    connections_csv,
    connections_vcard,
    exported_connections,
)
from kith.portability.linkedin import read_export
from kith.relationships import interactions, records, tiers_tags
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.portability import meet_private, note_private, private_contact, tag_private


@pytest.mark.parametrize(
    "module",
    [
        "kith.portability.linkedin",
        "kith.portability.layouts",
        "kith.portability.export",
        "kith.portability.archive",
        "kith.names",
    ],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0


def test_csv_and_vcard_carry_private_data_of_the_owner_only(ctx: Ctx, clock: FrozenClock) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    ben = make_member(ctx, "Ben", "Okafor", handle="ben-okafor")
    cleo = make_member(ctx, "Cleo", "Dubois")
    eve = make_member(ctx, "Eve", "Stone")
    update_profile(
        ctx,
        ben,
        ProfileInput(
            positions=[
                PositionInput(company="Globex", title="Analyst", start_year=2015, end_year=2018),
                PositionInput(company="Acme, Inc.", title="Engineer; Platform", start_year=2019),
            ]
        ),
    )
    connect(ctx, ana, ben)
    clock.advance(days=3)
    connect(ctx, cleo, ana)
    connect(ctx, eve, ben)
    tiers_tags.ensure_default_tiers(ctx, ana)
    inner = tiers_tags.list_tiers(ctx, ana)[0]
    records.set_tier(ctx, ana, ben, inner.id)
    records.tag_contact(ctx, ana, ben, "mentor")
    records.tag_contact(ctx, ana, ben, "acme")
    records.set_how_we_met(ctx, ana, ben, "Lisbon meetup")
    records.add_note(ctx, ana, ben, "Ask about the platform team,\nnext quarter.")
    interactions.log_interaction(ctx, ana, ben, "call", occurred_at=clock.now() - timedelta(days=1))
    # what Eve keeps about Ben is hers alone
    records.tag_contact(ctx, eve, ben, "eves-private-tag")

    rows = exported_connections(ctx, ana)
    assert [(r.first_name, r.company, r.position) for r in rows] == [
        ("Cleo", "", ""),
        ("Ben", "Acme, Inc.", "Engineer; Platform"),
    ]
    ben_row = rows[1]
    assert ben_row.tags == ("acme", "mentor")
    assert (ben_row.tier, ben_row.how_we_met) == (inner.name, "Lisbon meetup")
    assert ben_row.url.endswith("/in/ben-okafor")

    text = connections_csv(rows)
    assert "eves-private-tag" not in text
    export = read_export([("Connections.csv", text.encode())])  # our own reader reads it back
    assert [(c.name, c.company, c.position) for c in export.connections] == [
        ("Cleo Dubois", "", ""),
        ("Ben Okafor", "Acme, Inc.", "Engineer; Platform"),
    ]
    assert export.skipped == []
    assert "acme; mentor,Inner circle,Lisbon meetup" in text

    card = connections_vcard(rows)
    assert card.count("BEGIN:VCARD") == 2
    assert "ORG:Acme\\, Inc.\r\n" in card
    assert "TITLE:Engineer\\; Platform\r\n" in card
    assert "CATEGORIES:acme,mentor\r\n" in card
    assert "eves-private-tag" not in card
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))
    assert "NOTE:Tier: Inner circle\\nHow we met: Lisbon meetup\\nAsk about the platform" in (
        card.replace("\r\n ", "")
    )


def test_download_through_the_api(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", "Ruiz", handle="ana-ruiz")
    ben = make_member(ctx, "Ben", "Okafor")
    connect(ctx, ana, ben)
    records.tag_contact(ctx, ana, ben, "mentor")
    headers = bearer(ctx, ana)
    csv_ = client.get("/api/v1/me/export/connections", headers=headers)
    assert csv_.status_code == 200
    assert csv_.headers["content-type"].startswith("text/csv")
    assert 'filename="kith-ana-ruiz-connections.csv"' in csv_.headers["content-disposition"]
    assert "Ben,Okafor," in csv_.text
    card = client.get("/api/v1/me/export/connections?format=vcard", headers=headers)
    assert card.headers["content-type"].startswith("text/vcard")
    assert "CATEGORIES:mentor\r\n" in card.text
    # Ben's download holds none of Ana's private words
    assert (
        "mentor" not in client.get("/api/v1/me/export/connections", headers=bearer(ctx, ben)).text
    )
    bad = client.get("/api/v1/me/export/connections?format=xml", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"] == "invalid"
    anonymous = client.get("/api/v1/me/export/connections")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "not_authenticated"


def test_private_contacts_follow_the_connections_in_csv_and_vcard(
    ctx: Ctx, clock: FrozenClock
) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    ben = make_member(ctx, "Ben", "Okafor")
    eve = make_member(ctx, "Eve", "Stone")
    connect(ctx, ana, ben)
    tiers_tags.ensure_default_tiers(ctx, ana)
    inner = tiers_tags.list_tiers(ctx, ana)[0]
    zoe = private_contact(
        ctx,
        ana,
        "Zoe Martín López",
        email="zoe@example.com",
        company="Initech",
        title="Founder",
        connected=date(2024, 5, 1),
    )
    zoe.tier_id, zoe.how_we_met = inner.id, "Web Summit"
    tag_private(ctx, ana, zoe, "founders")
    note_private(ctx, zoe, "Invite to the spring dinner.")
    meet_private(ctx, zoe, clock.now() - timedelta(days=2))
    cal = private_contact(ctx, ana, "Cal Reyes")  # no date from the source
    private_contact(ctx, eve, "Ivo Novak", email="ivo@example.com")  # Eve's, not Ana's

    rows = exported_connections(ctx, ana)
    assert [(r.first_name, r.last_name, r.source) for r in rows] == [
        ("Ben", "Okafor", "kith"),
        ("Cal", "Reyes", "linkedin"),
        ("Zoe", "Martín López", "linkedin"),
    ]
    z = rows[2]
    assert z.is_private
    assert not rows[0].is_private
    assert (z.email, z.company, z.position, z.connected_on) == (
        "zoe@example.com",
        "Initech",
        "Founder",
        date(2024, 5, 1),
    )
    assert (z.tags, z.tier, z.how_we_met) == (("founders",), "Inner circle", "Web Summit")
    assert z.notes == ("Invite to the spring dinner.",)
    assert z.last_interaction == clock.now() - timedelta(days=2)
    assert rows[1].connected_on == cal.created_at.date()

    text = connections_csv(rows)
    header, *lines = text.splitlines()
    assert header.endswith(",Tags,Tier,How We Met,Notes,Last Interaction,Source")
    assert lines[0].startswith("Ben,Okafor,")
    assert lines[0].split(",")[3] == ""
    assert lines[2].startswith(
        "Zoe,Martín López,https://www.linkedin.com/in/zoe-martín-lópez,zoe@example.com,"
        "Initech,Founder,01 May 2024,founders,Inner circle,Web Summit,"
        "Invite to the spring dinner.,"
    )
    assert lines[2].endswith(",linkedin")
    assert "Ivo" not in text
    assert "ivo@example.com" not in text
    export = read_export([("Connections.csv", text.encode())])
    assert export.skipped == []
    assert [(c.name, c.email, c.company, c.connected_on) for c in export.connections] == [
        ("Ben Okafor", "", "", date.fromordinal(rows[0].connected_on.toordinal())),
        ("Cal Reyes", "", "", cal.created_at.date()),
        ("Zoe Martín López", "zoe@example.com", "Initech", date(2024, 5, 1)),
    ]

    card = connections_vcard(rows).replace("\r\n ", "")
    assert card.count("BEGIN:VCARD") == 3
    zoe_card = card[card.index("FN:Zoe") :]
    assert "EMAIL:zoe@example.com\r\n" in zoe_card
    assert "CATEGORIES:founders\r\n" in zoe_card
    assert "NOTE:Tier: Inner circle\\nHow we met: Web Summit\\nInvite to the spring dinner." in (
        zoe_card
    )
    assert "ORG:Initech\r\nTITLE:Founder\r\n" in zoe_card
    ben_card = card[: card.index("FN:Cal")]
    assert "EMAIL" not in ben_card  # a member's address never goes out
    assert "Ivo" not in card


def test_export_reads_a_fixed_number_of_statements(
    kith: Kith, ctx: Ctx, counted: list[str]
) -> None:
    ana = make_member(ctx, "Ana")
    for size in (3, 30):
        for n in range(size):
            other = make_member(ctx, "Peer")
            connect(ctx, ana, other)
            records.tag_contact(ctx, ana, other, "peers")
            records.add_note(ctx, ana, other, "a note")
            update_profile(
                ctx, other, ProfileInput(positions=[PositionInput("Acme", "Engineer", 2020)])
            )
            tag_private(ctx, ana, private_contact(ctx, ana, f"Private Person{size}x{n}"), "x")
        ctx.session.expire_all()
        ctx.session.refresh(ana)
        counted.clear()
        rows = exported_connections(ctx, ana)
        assert len(counted) == EXPORT_QUERY_COUNT, counted
        assert sum(r.is_private for r in rows) == len(rows) // 2
    assert EXPORT_QUERY_COUNT == 5
