"""Blocks take members out of the viewer's network: the degree label, the
introduction paths and the reach agree (docs/network.md, "Blocks"), through the
API, the profile page and My Network."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kith.blocks.service import block
from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import sign_in_as

API = "/api/v1"


def _line(ctx: Ctx, kith: Kith) -> list[Member]:
    """Viv - Cal - Bo - Tam: Tam is 3rd degree for Viv only through Bo."""
    members = [make_member(ctx, n, "Line") for n in ("Viv", "Cal", "Bo", "Tam")]
    for a, b in zip(members, members[1:], strict=False):
        connect(ctx, a, b)
    assert kith.network is not None
    kith.network.poll()
    return members


def _seen(client: TestClient, ctx: Ctx, viewer: Member, target: Member) -> dict[str, object]:
    auth = bearer(ctx, viewer)
    profile = client.get(f"{API}/members/{target.handle}", headers=auth).json()
    paths = client.get(f"{API}/members/{target.handle}/paths", headers=auth).json()
    reach = client.get(f"{API}/me/reach", headers=auth).json()
    insights = client.get(f"{API}/me/insights", headers=auth).json()["reach"]
    sign_in_as(client, ctx, viewer)
    page = client.get(f"/in/{target.handle}").text
    network = client.get("/mynetwork").text
    return {
        "label": profile["degree_label"],
        "paths": [p["text"] for p in paths["paths"]],
        "paths_label": paths["degree_label"],
        "reach": (reach["second"], reach["third"]),
        "insights_reach": (insights["second"], insights["third"]),
        "page_label": re.findall(r"· (1st|2nd|3rd|Out of network)", page)[:1],
        "page_paths": "How you&#39;re connected" in page or "How you're connected" in page,
        "network_page_has_reach": "Your reach" in network,
    }


@pytest.mark.parametrize("who_blocks", ["viewer", "hidden member"])
def test_a_member_reached_only_through_a_block_is_out_of_network(
    client: TestClient, kith: Kith, ctx: Ctx, who_blocks: str
) -> None:
    viv, _cal, bo, tam = _line(ctx, kith)
    before = _seen(client, ctx, viv, tam)
    assert before["label"] == before["paths_label"] == "3rd"
    assert before["paths"] == ["You -> Cal Line -> Bo Line -> Tam Line"]
    assert before["reach"] == before["insights_reach"] == (1, 1)  # Bo, Tam
    assert before["page_label"] == ["3rd"]
    assert before["page_paths"] is True

    blocker, blocked = (viv, bo) if who_blocks == "viewer" else (bo, viv)
    block(ctx, blocker, blocked)
    assert kith.network is not None
    kith.network.poll()
    after = _seen(client, ctx, viv, tam)
    assert after["label"] == after["paths_label"] == "Out of network"
    assert after["paths"] == []
    assert after["reach"] == after["insights_reach"] == (0, 0)  # neither Bo nor Tam
    assert after["page_label"] == ["Out of network"]
    assert after["page_paths"] is False
    assert after["network_page_has_reach"] is True
    # Bo is no one's business of Viv's: unreachable either way.
    assert client.get(f"{API}/members/{bo.handle}", headers=bearer(ctx, viv)).status_code == 404
    # Tam's view of Viv agrees too: Viv is 3rd for Tam only through Bo.
    tams = client.get(f"{API}/members/{viv.handle}", headers=bearer(ctx, tam)).json()
    assert tams["degree_label"] == "3rd"  # Tam has no block: the network's shape stands


def test_another_way_round_keeps_the_degree_and_shows_only_that_path(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    viv, cal, bo, tam = _line(ctx, kith)
    dee = make_member(ctx, "Dee", "Line")
    connect(ctx, cal, dee)
    connect(ctx, dee, tam)
    block(ctx, viv, bo)
    assert kith.network is not None
    kith.network.poll()
    seen = _seen(client, ctx, viv, tam)
    assert seen["label"] == seen["paths_label"] == "3rd"
    assert seen["paths"] == ["You -> Cal Line -> Dee Line -> Tam Line"]
    assert seen["reach"] == seen["insights_reach"] == (1, 1)  # Dee, Tam (not Bo)
    assert seen["page_label"] == ["3rd"]
    assert seen["page_paths"] is True


def test_search_results_carry_the_same_label(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    viv, _cal, bo, tam = _line(ctx, kith)
    block(ctx, viv, bo)
    assert kith.network is not None
    kith.network.poll()
    found = client.get(f"{API}/search/people", params={"q": "Tam"}, headers=bearer(ctx, viv)).json()
    labels = {i["member"]["handle"]: i["member"]["degree_label"] for i in found["items"]}
    assert labels[tam.handle] == "Out of network"
