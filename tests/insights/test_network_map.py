"""Your network map: circles, labels, privacy, findings and "tag this circle", through
the service and the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.clock import FrozenClock
from kith.insights import map_findings, map_layout, network_map
from kith.insights.map_cache import maps
from kith.models import Contact, ContactTag, Member, Tag
from kith.relationships.interactions import log_interaction
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect
from tests.fixtures.network_map import ACME, UNI, vic_story

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def story(ctx: Ctx, clock: FrozenClock) -> dict[str, Member]:
    clock.set(START)
    return vic_story(ctx)


def the_map(client: TestClient, ctx: Ctx, member: Member) -> dict:  # type: ignore[type-arg]
    """The member's map through the API, once the engine has caught up."""
    kith = client.app.state.kith  # type: ignore[attr-defined]
    assert kith.network is not None
    kith.network.poll()
    response = client.get("/api/v1/me/network-map", headers=bearer(ctx, member))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_map_shows_circles_labelled_by_what_they_share(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    body = the_map(client, ctx, story["Vic"])
    ids = {m.id: n for n, m in story.items()}
    names = {ids[n["member_id"]] for n in body["nodes"]}
    assert names == {*ACME, *UNI, "Lou", "Pia", "Quinn"}  # never Bo, never Vic
    circle = {ids[n["member_id"]]: n["community"] for n in body["nodes"]}
    assert len({circle[n] for n in ACME}) == 1
    assert len({circle[n] for n in UNI}) == 1
    assert circle["A1"] != circle["U1"]
    assert circle["Lou"] is None
    assert circle["Quinn"] is None
    labels = {c["index"]: (c["label"], c["kind"]) for c in body["communities"]}
    assert labels[circle["A1"]] == ("Acme 2018–2022", "company")
    assert labels[circle["U1"]] == ("Lund University 2010–2014", "school")
    assert body["algorithm"] == "leiden"
    assert body["modularity"] > 0.3
    assert all(0 <= n["x"] <= 1000 and 0 <= n["y"] <= 1000 for n in body["nodes"])


def test_hidden_connection_lists_and_blocks_are_respected(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    body = the_map(client, ctx, story["Vic"])
    ids = {m.id: n for n, m in story.items()}
    edges = {frozenset((ids[a], ids[b])) for a, b in body["edges"]}
    assert frozenset(("Pia", "Quinn")) not in edges  # both keep their lists to themselves
    assert frozenset(("Pia", "A2")) in edges  # A2's list shows it
    assert frozenset(("A1", "U1")) in edges
    assert not any("Bo" in e for e in edges)
    assert len(edges) == 10 + 6 + 2
    # The map is its owner's alone.
    assert client.get("/api/v1/me/network-map").status_code == 401
    # Bo's own map has no trace of Vic (the block took the connection away).
    bo = the_map(client, ctx, story["Bo"])
    assert {ids[n["member_id"]] for n in bo["nodes"]} == {"A3"}


def test_findings_bridges_quiet_circles_and_loose_members(
    client: TestClient, kith: Kith, ctx: Ctx, clock: FrozenClock, story: dict[str, Member]
) -> None:
    log_interaction(ctx, story["Vic"], story["U2"], "meeting")
    ctx.session.flush()
    body = the_map(client, ctx, story["Vic"])
    ids = {m.id: n for n, m in story.items()}
    circle = {ids[n["member_id"]]: n["community"] for n in body["nodes"]}
    found = body["findings"]
    assert found["largest"][0] == circle["A1"]
    assert {ids[b["member_id"]] for b in found["bridges"]} == {"A1", "U1"}
    assert all(b["links"] == [[0, 1]] for b in found["bridges"])
    assert [q["community"] for q in found["quiet"]] == [circle["A1"]]  # Lund: met U2
    assert {ids[i] for i in found["loose"]} == {"Lou", "Quinn"}
    assert found["loose_count"] == 2


def test_tag_this_circle_tags_exactly_its_members(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    vic = story["Vic"]
    body = the_map(client, ctx, vic)
    ids = {m.id: n for n, m in story.items()}
    index = next(n["community"] for n in body["nodes"] if ids[n["member_id"]] == "U1")
    url = f"/api/v1/me/network-map/circles/{index}/tag"
    stale = client.post(url, json={"version": "0" * 16, "tag": "Lund"}, headers=bearer(ctx, vic))
    assert stale.status_code == 409
    assert stale.json()["error"] == "network_map_changed"
    response = client.post(
        url,
        json={"version": body["version"], "tag": "Lund crowd", "cadence_days": 90},
        headers=bearer(ctx, vic),
    )
    assert response.status_code == 200, response.text
    assert response.json()["tagged"] == 4
    assert response.json()["cadence_days"] == 90
    tagged = ctx.session.scalars(
        select(Member.first_name)
        .join(Contact, Contact.other_id == Member.id)
        .join(ContactTag, ContactTag.contact_id == Contact.id)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Contact.owner_id == vic.id, Tag.name == "Lund crowd")
    )
    assert sorted(tagged) == UNI
    missing = client.post(
        "/api/v1/me/network-map/circles/99/tag",
        json={"version": body["version"], "tag": "x"},
        headers=bearer(ctx, vic),
    )
    assert missing.status_code in (404, 409)
    huge = client.post(
        "/api/v1/me/network-map/circles/99999999999999999999/tag",
        json={"version": body["version"], "tag": "x"},
        headers=bearer(ctx, vic),
    )
    assert huge.status_code == 422


def test_the_map_is_kept_until_the_network_changes(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    vic = story["Vic"]
    first = the_map(client, ctx, vic)
    assert the_map(client, ctx, vic)["version"] == first["version"]
    connect(ctx, story["Lou"], story["A4"])
    ctx.session.flush()
    assert kith.network is not None
    kith.network.poll()
    again = the_map(client, ctx, vic)
    assert again["version"] != first["version"]
    assert again["fresh"]
    with kith.uow(write=False) as c:
        assert maps(c).get(vic.id) is not None


def test_communities_are_stable_for_a_fixed_seed() -> None:
    rng = np.random.default_rng(5)
    blocks = np.repeat(np.arange(6), 40)
    pairs = np.array([(i, j) for i in range(240) for j in range(i + 1, 240)])
    same = blocks[pairs[:, 0]] == blocks[pairs[:, 1]]
    keep = rng.random(len(pairs)) < np.where(same, 0.3, 0.01)
    src, dst = pairs[keep, 0].astype(np.int32), pairs[keep, 1].astype(np.int32)
    one = map_layout.compute(240, src, dst, seed=3)
    two = map_layout.compute(240, src, dst, seed=3)
    assert (one.community == two.community).all()
    assert (one.x == two.x).all()
    assert (one.y == two.y).all()
    assert one.sizes.tolist() == [40] * 6
    louvain = map_layout.compute(240, src, dst, seed=3, algorithm="louvain")
    assert abs(louvain.modularity - one.modularity) < 0.05


def test_a_large_map_is_refreshed_in_the_background(
    client: TestClient,
    kith: Kith,
    ctx: Ctx,
    story: dict[str, Member],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vic = story["Vic"]
    monkeypatch.setattr(network_map, "SYNC_MAX", 1)
    first = the_map(client, ctx, vic)
    connect(ctx, story["Lou"], story["A4"])
    ctx.session.flush()
    assert kith.network is not None
    kith.network.poll()
    stale = the_map(client, ctx, vic)
    assert not stale["fresh"]
    assert stale["version"] == first["version"]
    with kith.uow(write=False) as c:
        assert maps(c).wait(10)
    fresh = the_map(client, ctx, vic)
    assert fresh["fresh"]
    assert fresh["version"] != first["version"]


def _bridges_by_hand(c: np.ndarray, s: np.ndarray, d: np.ndarray) -> dict[int, set]:  # type: ignore[type-arg]
    """The definition, pair of circles by pair of circles."""
    edges = list(zip(s.tolist(), d.tolist(), strict=True))
    k = int(c.max()) + 1
    found: dict[int, set] = {}  # type: ignore[type-arg]
    for a in range(k):
        for b in range(a + 1, k):
            crossing = [(u, v) for u, v in edges if {int(c[u]), int(c[v])} == {a, b}]
            for p in range(len(c)):
                near = {int(c[v]) for u, v in edges if u == p} | {
                    int(c[u]) for u, v in edges if v == p
                }
                if crossing and int(c[p]) in (a, b) and all(p in e for e in crossing):
                    found.setdefault(p, set()).add((a, b))
                if not crossing and {a, b} <= near:
                    found.setdefault(p, set()).add((a, b))
    return found


def test_bridges_follow_their_definition() -> None:
    rng = np.random.default_rng(11)
    for _ in range(150):
        n, k = int(rng.integers(2, 30)), int(rng.integers(1, 5))
        c = rng.integers(-1, k, n).astype(np.int32)
        a, b = rng.integers(0, n, 50), rng.integers(0, n, 50)
        pairs = {(int(x), int(y)) for x, y in zip(a, b, strict=True) if x < y}
        s = np.array([p[0] for p in sorted(pairs)], dtype=np.int32)
        d = np.array([p[1] for p in sorted(pairs)], dtype=np.int32)
        got = {p: set(links) for p, _, links in map_findings.bridges(c, s, d)}
        assert got == (_bridges_by_hand(c, s, d) if c.max() >= 0 else {})


def test_the_archive_holds_the_map_as_an_image(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    the_map(client, ctx, story["Vic"])  # the engine has caught up
    response = client.get("/api/v1/me/export/archive", headers=bearer(ctx, story["Vic"]))
    assert response.status_code == 200
    part = response.json()["network_map"]
    assert part["image_svg"].startswith("<svg")
    assert part["image_svg"].count("<circle") == 12
    labels = {c["label"]: len(c["members"]) for c in part["circles"]}
    assert labels == {"Acme 2018–2022": 6, "Lund University 2010–2014": 4}
    assert sorted(part["in_no_circle"]) == sorted([story["Lou"].handle, story["Quinn"].handle])
