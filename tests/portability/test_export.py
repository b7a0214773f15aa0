"""Exporting one's connections: LinkedIn's CSV columns plus Kith's, and vCard 4.0."""

from __future__ import annotations

import doctest
import importlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from kith.clock import FrozenClock
from kith.db import Ctx
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.portability.export import connections_csv, connections_vcard, exported_connections
from kith.portability.linkedin import read_export
from kith.relationships import service as rel
from kith.runtime import Kith
from tests.factories import bearer, connect, make_member


@pytest.mark.parametrize("module", ["kith.portability.linkedin", "kith.portability.export"])
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
    rel.ensure_default_tiers(ctx, ana)
    inner = rel.list_tiers(ctx, ana)[0]
    rel.set_tier(ctx, ana, ben, inner.id)
    rel.tag_contact(ctx, ana, ben, "mentor")
    rel.tag_contact(ctx, ana, ben, "acme")
    rel.set_how_we_met(ctx, ana, ben, "Lisbon meetup")
    rel.add_note(ctx, ana, ben, "Ask about the platform team,\nnext quarter.")
    rel.log_interaction(ctx, ana, ben, "call", occurred_at=clock.now() - timedelta(days=1))
    # what Eve keeps about Ben is hers alone
    rel.tag_contact(ctx, eve, ben, "eves-private-tag")

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
    rel.tag_contact(ctx, ana, ben, "mentor")
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
