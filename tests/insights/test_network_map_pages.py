"""The network map's pages: the map on its page and at the centre of My insights, the
SVG image, the data the browser draws, and tagging a circle from the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.clock import FrozenClock
from kith.models import Contact, ContactTag, Member, Tag
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.network_map import ACME, vic_story
from tests.fixtures.pages import page_text, post, sign_in_as


@pytest.fixture
def story(client: TestClient, kith: Kith, ctx: Ctx, clock: FrozenClock) -> dict[str, Member]:
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    m = vic_story(ctx)
    assert kith.network is not None
    kith.network.poll()
    sign_in_as(client, ctx, m["Vic"])
    return m


def test_the_map_page_lists_circles_and_what_they_tell(
    client: TestClient, kith: Kith, story: dict[str, Member]
) -> None:
    page = client.get("/insights/map")
    assert page.status_code == 200
    text = page_text(page.text)
    assert "12 connections in 2 circles, 2 in none" in text
    assert "Acme 2018–2022 6 people" in text
    assert "Lund University 2010–2014 4 people" in text
    assert "Bridge: A1 Map links Acme 2018–2022 and Lund University 2010–2014" in text
    assert "In no circle (2):" in text
    assert "Bo Map" not in text
    assert 'src="/static/netmap.js"' in page.text
    assert 'data-scripts="/static/vendor/graphology.umd.min.js /static/vendor/sigma.min.js"' in (
        page.text
    )
    assert '<noscript><img src="/insights/map.svg"' in page.text
    # The map is the centre of My insights.
    mine = page_text(client.get("/insights").text)
    assert "Your network map" in mine
    assert "Acme 2018–2022" in mine


def test_the_svg_and_the_data_show_the_same_map(
    client: TestClient, kith: Kith, story: dict[str, Member]
) -> None:
    svg = client.get("/insights/map.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count("<circle") == 12
    assert svg.text.count("<line") == 18
    assert "Bo Map" not in svg.text
    data = client.get("/insights/map.json").json()
    spots = {(round(n["x"], 1), round(n["y"], 1)) for n in data["nodes"]}
    dots = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg.text)
    drawn = {(float(x), float(y)) for x, y in dots}
    assert spots == drawn
    client.cookies.clear()
    assert client.get("/insights/map.json", follow_redirects=False).status_code == 303


def test_tag_this_circle_from_the_page(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    page = client.get("/insights/map").text
    version = re.search(r'name="version" value="([0-9a-f]+)"', page)
    assert version is not None
    index = re.search(r'id="circle-(\d+)">\s*<div class="netmap-circle-head">.*?Acme', page, re.S)
    assert index is not None
    done = post(
        client,
        kith,
        f"/insights/map/circles/{index.group(1)}/tag",
        {"version": version.group(1), "tag": "Acme alumni", "cadence_days": "60"},
    )
    assert done.status_code == 303
    tagged = ctx.session.scalars(
        select(Member.first_name)
        .join(Contact, Contact.other_id == Member.id)
        .join(ContactTag, ContactTag.contact_id == Contact.id)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Contact.owner_id == story["Vic"].id, Tag.name == "Acme alumni")
    )
    assert sorted(tagged) == sorted([*ACME, "Pia"])
    assert "Tagged “Acme alumni” 6 people" in page_text(client.get("/insights/map").text)
    bad = post(client, kith, f"/insights/map/circles/{index.group(1)}/tag",
               {"version": version.group(1), "tag": "x", "cadence_days": "soon"})  # fmt: skip
    assert bad.status_code == 422


def test_the_map_comes_inside_its_page_safely(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    story["Lou"].headline = "</script><script>alert(1)</script>"
    ctx.session.flush()
    page = client.get("/insights/map").text
    inside = re.search(r'<script type="application/json" id="netmap-data">(.*?)</script>', page)
    assert inside is not None
    assert "<script>alert(1)" not in page
    assert "\\u003c/script\\u003e" in inside.group(1)
