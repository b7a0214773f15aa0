"""Degrees, shared connections, introduction paths and reach as members see them,
through the API and the pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kith.blocks.service import block
from kith.graph import service
from kith.models import Member
from kith.pagination import PageRequest
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import sign_in_as


def chain(ctx: Ctx, names: list[str]) -> list[Member]:
    """Members connected in a line: names[0] - names[1] - ..."""
    members = [make_member(ctx, n, "Line") for n in names]
    for a, b in zip(members, members[1:], strict=False):
        connect(ctx, a, b)
    return members


def synced(kith: Kith) -> None:
    """Apply what the factories wrote (they bypass the request unit of work)."""
    assert kith.network is not None
    kith.network.poll()


def test_degrees_and_mutual_counts_in_the_api(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cleo, dev = chain(ctx, ["Ana", "Ben", "Cleo", "Dev"])
    eve = make_member(ctx, "Eve")
    connect(ctx, ana, make_member(ctx, "Finn"))
    synced(kith)
    headers = bearer(ctx, ana)
    expected = {
        ben: (1, "1st", 0),
        cleo: (2, "2nd", 1),
        dev: (3, "3rd", 0),
        eve: (0, "Out of network", 0),
    }
    for member, (degree, label, mutual) in expected.items():
        body = client.get(f"/api/v1/members/{member.handle}", headers=headers).json()
        assert (body["degree"], body["degree_label"], body["mutual_connections"]) == (
            degree,
            label,
            mutual,
        ), member.first_name
    me = client.get(f"/api/v1/members/{ana.handle}", headers=headers).json()
    assert me["degree"] is None
    # every list carries the badges too
    items = client.get("/api/v1/connections", headers=bearer(ctx, cleo)).json()["items"]
    by_handle = {i["member"]["handle"]: i["member"] for i in items}
    assert by_handle[ben.handle]["degree"] == 1
    assert by_handle[dev.handle]["mutual_connections"] == 0


def test_a_connection_made_through_the_api_shows_at_once(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cleo = chain(ctx, ["Ana", "Ben", "Cleo"])
    dev = make_member(ctx, "Dev")
    synced(kith)
    sent = client.post("/api/v1/invitations", json={"to": dev.handle}, headers=bearer(ctx, cleo))
    invitation = sent.json()["invitation"]["id"]
    client.post(f"/api/v1/invitations/{invitation}/accept", headers=bearer(ctx, dev))
    # no explicit poll: the unit of work told the engine after its commit
    body = client.get(f"/api/v1/members/{dev.handle}", headers=bearer(ctx, ana)).json()
    assert body["degree"] == 3
    body = client.get(f"/api/v1/members/{dev.handle}", headers=bearer(ctx, ben)).json()
    assert (body["degree"], body["mutual_connections"]) == (2, 1)


def test_shared_connections_list_and_privacy(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    shared = [make_member(ctx, n) for n in ("Cleo", "Dev", "Eve")]
    for m in shared:
        connect(ctx, ana, m)
        connect(ctx, ben, m)
    block(ctx, ana, shared[1])  # Dev is hidden from Ana from now on
    synced(kith)
    response = client.get(f"/api/v1/members/{ben.handle}/mutual", headers=bearer(ctx, ana))
    assert response.status_code == 200
    names = [i["name"] for i in response.json()["items"]]
    assert names == [shared[0].name, shared[2].name]

    ben.connections_visibility = "only_me"
    ctx.session.flush()
    refused = client.get(f"/api/v1/members/{ben.handle}/mutual", headers=bearer(ctx, ana))
    assert refused.status_code == 403
    assert refused.json()["error"] == "connections_private"
    # ...but a 1st-degree connection still sees what they share
    cleo = shared[0]
    allowed = client.get(f"/api/v1/members/{ben.handle}/mutual", headers=bearer(ctx, cleo))
    assert allowed.status_code == 200
    assert [i["name"] for i in allowed.json()["items"]] == []  # Cleo shares nobody with Ben


def test_introduction_paths(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cleo, dev = chain(ctx, ["Ana", "Ben", "Cleo", "Dev"])
    synced(kith)
    body = client.get(f"/api/v1/members/{dev.handle}/paths", headers=bearer(ctx, ana)).json()
    assert body["degree"] == 3
    assert [p["text"] for p in body["paths"]] == [f"You -> {ben.name} -> {cleo.name} -> {dev.name}"]
    first = client.get(f"/api/v1/members/{ben.handle}/paths", headers=bearer(ctx, ana)).json()
    assert first == {"degree": 1, "degree_label": "1st", "paths": []}
    block(ctx, ana, cleo)  # a path through a blocked member is not offered
    synced(kith)
    body = client.get(f"/api/v1/members/{dev.handle}/paths", headers=bearer(ctx, ana)).json()
    assert body["paths"] == []


def test_reach(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, *_ = chain(ctx, ["Ana", "Ben", "Cleo", "Dev", "Eve"])
    synced(kith)
    body = client.get("/api/v1/me/reach", headers=bearer(ctx, ana)).json()
    assert body == {
        "first": 1,
        "second": 1,
        "third": 1,
        "third_estimated": False,
        "third_relative_error": 0.0,
    }


def test_profile_page_shows_how_you_are_connected(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cleo = chain(ctx, ["Ana", "Ben", "Cleo"])
    synced(kith)
    sign_in_as(client, ctx, ana)
    page = client.get(f"/in/{cleo.handle}").text
    assert "· 2nd" in page
    assert "1 shared connection</a>, including" in page
    assert "How you&#39;re connected" in page or "How you're connected" in page
    assert f'<a href="/in/{ben.handle}">{ben.name}</a>' in page
    mutual = client.get(f"/in/{cleo.handle}/mutual").text
    assert f'href="/in/{ben.handle}">{ben.name}</a>' in mutual
    assert "1 shared connection" in mutual
    network = client.get("/mynetwork").text
    assert "Your reach" in network
    own = client.get(f"/in/{ana.handle}").text
    assert "How you" not in own


@pytest.mark.parametrize("limit", [1, 2])
def test_mutual_service_pages(kith: Kith, ctx: Ctx, client: TestClient, limit: int) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    for n in range(3):
        m = make_member(ctx, f"Shared{n}")
        connect(ctx, ana, m)
        connect(ctx, ben, m)
    synced(kith)
    with kith.uow(write=False) as uctx:
        viewer = uctx.session.get_one(Member, ana.id)
        other = uctx.session.get_one(Member, ben.id)
        page = service.mutual_connections(uctx, viewer, other, PageRequest(2, limit))
        assert page.total == 3
        assert len(page.items) == min(limit, 3 - limit)  # the second page
