"""My insights for a member who is just starting, and Community insights in words,
with actions on the members to welcome."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kith.insights.pages import degree_bands
from kith.members.service import ProfileInput, update_profile
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import post, sign_in_as


def _synced(kith: Kith) -> None:
    assert kith.network is not None
    kith.network.poll()


def test_a_new_member_sees_what_insights_will_show(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", industry="Technology")
    admin = make_member(ctx, "Root", role="admin")
    others = [make_member(ctx, f"P{n}", industry="Technology") for n in range(12)]
    for a, b in zip(others, others[1:], strict=False):
        connect(ctx, a, b)
    _synced(kith)
    sign_in_as(client, ctx, admin)
    assert post(client, kith, "/insights/community/refresh").status_code == 303

    sign_in_as(client, ctx, ana)
    page = client.get("/insights").text
    assert "percentile" not in page
    assert "Your insights grow with your network" in page
    assert "You have no connections yet." in page
    assert 'href="/suggestions"' in page
    assert 'href="/me/data#import"' in page
    assert "Your new connections will appear here month by month." in page

    # A few connections: still starting, and still no percentile.
    connect(ctx, ana, others[0])
    _synced(kith)
    page = client.get("/insights").text
    assert "You have 1 connection so far." in page
    assert "percentile" not in page
    assert "more than 0 %" not in page

    # Past the start, the standing reads in words.
    for other in others[1:4]:
        connect(ctx, ana, other)
    _synced(kith)
    sign_in_as(client, ctx, admin)
    post(client, kith, "/insights/community/refresh")
    sign_in_as(client, ctx, ana)
    page = client.get("/insights").text
    assert "Your insights grow with your network" not in page
    assert re.search(r"<strong>more than \d+ %</strong>", page)
    assert "percentile" not in page


def test_degree_bands_in_words() -> None:
    histogram = [[0, 3], [1, 2], [2, 1], [5, 4], [12, 2], [700, 1]]
    bands = degree_bands(histogram, 2)
    assert [(b["label"], b["members"]) for b in bands] == [
        ("No connections", 3),
        ("1 to 2", 3),
        ("3 to 9", 4),
        ("10 to 49", 2),
        ("50 to 199", 0),
        ("200 to 499", 0),
        ("500 or more", 1),
    ]
    assert sum(b["share"] for b in bands) == 1.0
    assert [b["label"] for b in degree_bands(histogram, 0)][:3] == [
        "No connections",
        "1 to 9",
        "10 to 49",
    ]
    assert degree_bands([[1, 1]], 1)[1]["label"] == "1 connection"


def test_community_insights_read_in_words_with_actions_to_welcome(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    admin = make_member(ctx, "Root", role="admin")
    ana = make_member(ctx, "Ana", "Newcomer")
    update_profile(ctx, ana, ProfileInput(industry="Technology", location="Lisbon"))
    ben = make_member(ctx, "Ben", "Local")
    update_profile(ctx, ben, ProfileInput(industry="Technology", location="Lisbon"))
    cleo, dev = make_member(ctx, "Cleo"), make_member(ctx, "Dev")
    connect(ctx, cleo, dev)
    connect(ctx, ben, cleo)
    connect(ctx, ben, dev)
    _synced(kith)
    sign_in_as(client, ctx, admin)
    post(client, kith, "/insights/community/refresh")
    page = client.get("/insights/community").text
    assert "How many connections members have" in page
    assert "Half of the members have" in page
    # The log-log chart is no longer the main view: it is behind a disclosure.
    assert page.index("<details>") < page.index("chart-loglog")
    assert "sum, over other industries" not in page
    # Tables scroll inside their card.
    assert page.count("<table") >= 1
    assert page.count("<table") == page.count('<div class="table-scroll">')
    welcome = page[page.index('<article id="welcome">') : page.index('<article id="bridges"')]
    assert f'href="/messages/new?to={ana.handle}"' in welcome
    assert f'href="/insights/community/welcome/{ana.handle}"' in welcome

    suggested = client.get(f"/insights/community/welcome/{ana.handle}")
    assert suggested.status_code == 200
    assert "People Ana may know" in suggested.text
    assert f'href="/in/{ben.handle}"' in suggested.text
    assert f'href="/messages/new?to={ana.handle}"' in suggested.text


def test_only_administrators_get_suggestions_for_a_newcomer(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    ben = make_member(ctx, "Ben")
    sign_in_as(client, ctx, ben)
    refused = client.get(f"/insights/community/welcome/{ana.handle}")
    assert refused.status_code == 403
    assert "Only the community&#39;s administrators" in refused.text
    sign_in_as(client, ctx, make_member(ctx, "Root", role="admin"))
    assert client.get("/insights/community/welcome/nobody-here").status_code == 404
