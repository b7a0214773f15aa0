"""Every audience on every read path this module owns, on both databases: the
permalink page, ``GET /api/v1/posts/{id}``, the activity page and API, and mention
notifications. A member outside the audience, or on either side of a block, gets
``post_not_found`` (or no item) from each; edits and deletes follow at once."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from kith.blocks.service import block
from kith.models import Member
from kith.posts.audience import POST_NOT_FOUND
from kith.relationships.records import set_tier, tag_contact
from kith.relationships.tiers_tags import create_tier
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import page_text, sign_in_as
from tests.fixtures.refusals import refused

API = "/api/v1"


@dataclass
class World:
    ana: Member
    members: dict[str, Member]
    headers: dict[str, dict[str, str]]
    posts: dict[str, int]


def _world(client: TestClient, ctx: Ctx) -> World:
    ana = make_member(ctx, "Ana", handle="ana-author")
    names = ("ben", "cai", "dee", "eve", "fay")
    members = {n: make_member(ctx, n.title(), handle=f"{n}-reader") for n in names}
    ben, cai, dee, eve, fay = (members[n] for n in names)
    connect(ctx, ana, ben)
    connect(ctx, ana, cai)
    connect(ctx, ben, dee)  # Dee: 2nd degree
    connect(ctx, ana, eve)
    connect(ctx, ana, fay)
    tier = create_tier(ctx, ana, "Mentors")
    set_tier(ctx, ana, ben, tier.id)
    tag = tag_contact(ctx, ana, cai, "climbing")
    block(ctx, eve, ana)  # Eve blocked Ana
    block(ctx, ana, fay)  # Ana blocked Fay
    members["ana"] = ana
    headers = {n: bearer(ctx, m) for n, m in members.items()}
    mention = " ".join(f"@{n}-reader" for n in names)
    posts = {}
    for audience, extra in (
        ("anyone", {}),
        ("connections", {}),
        ("tier", {"tier_id": tier.id}),
        ("tag", {"tag_id": tag.id}),
        ("only_me", {}),
    ):
        response = client.post(
            f"{API}/posts",
            json={"body": f"For {audience}: {mention}", "audience": audience, **extra},
            headers=headers["ana"],
        )
        assert response.status_code == 201, response.text
        posts[audience] = response.json()["id"]
    return World(ana, members, headers, posts)


SEES = {
    "ana": {"anyone", "connections", "tier", "tag", "only_me"},
    "ben": {"anyone", "connections", "tier"},
    "cai": {"anyone", "connections", "tag"},
    "dee": {"anyone"},
    "eve": set(),
    "fay": set(),
}


def _api_get(client: TestClient, w: World, who: str) -> set[str]:
    seen = set()
    for audience, post_id in w.posts.items():
        response = client.get(f"{API}/posts/{post_id}", headers=w.headers[who])
        if response.status_code == 200:
            assert response.json()["id"] == post_id
            seen.add(audience)
        else:
            body = refused(response, 404, "post_not_found")
            assert body["detail"] == POST_NOT_FOUND
    return seen


def _activity_api(client: TestClient, w: World, who: str) -> set[str] | None:
    response = client.get(f"{API}/members/ana-author/activity", headers=w.headers[who])
    if response.status_code == 404:
        refused(response, 404, "member_not_found")
        return None
    ids = [item["id"] for item in response.json()["items"]]
    return {a for a, i in w.posts.items() if i in ids}


def _mentioned(client: TestClient, w: World, who: str) -> set[str]:
    items = client.get(f"{API}/notifications", headers=w.headers[who]).json()["items"]
    ids = {n["post_id"] for n in items if n["kind"] == "post_mention"}
    return {a for a, i in w.posts.items() if i in ids}


def _pages(client: TestClient, ctx: Ctx, w: World, who: str) -> tuple[set[str], set[str] | None]:
    sign_in_as(client, ctx, w.members[who])
    seen = set()
    for audience, post_id in w.posts.items():
        page = client.get(f"/posts/{post_id}")
        if page.status_code == 200:
            assert f"For {audience}:" in page_text(page.text)
            seen.add(audience)
        else:
            assert page.status_code == 404
            assert POST_NOT_FOUND in page_text(page.text).replace("’", "'")
            assert f"For {audience}" not in page.text
    activity = client.get("/in/ana-author/activity")
    if activity.status_code == 404:
        return seen, None
    text = page_text(activity.text)
    return seen, {a for a in w.posts if f"For {a}:" in text}


def test_every_audience_on_every_read_path(client: TestClient, ctx: Ctx) -> None:
    w = _world(client, ctx)
    for who, expected in SEES.items():
        assert _api_get(client, w, who) == expected, who
        blocked = who in ("eve", "fay")
        assert _activity_api(client, w, who) == (None if blocked else expected), who
        if who != "ana":
            assert _mentioned(client, w, who) == expected, who
        seen, activity = _pages(client, ctx, w, who)
        assert seen == expected, who
        assert activity == (None if blocked else expected), who


def test_edits_and_deletes_follow_on_every_path(client: TestClient, ctx: Ctx) -> None:
    w = _world(client, ctx)
    ana = w.headers["ana"]
    post_id = w.posts["anyone"]
    # Narrowed to connections: Dee loses the post everywhere, mention included.
    response = client.patch(f"{API}/posts/{post_id}", json={"audience": "connections"}, headers=ana)
    assert response.status_code == 200, response.text
    assert response.json()["edited"] is True
    assert "anyone" not in _api_get(client, w, "dee")
    assert "anyone" not in (_activity_api(client, w, "dee") or set())
    assert "anyone" not in _mentioned(client, w, "dee")
    assert "anyone" in _api_get(client, w, "ben")
    # The page shows the "Edited" mark.
    sign_in_as(client, ctx, w.ana)
    assert "Edited" in page_text(client.get(f"/posts/{post_id}").text)
    # Others can't edit or delete: a reader is told it is not theirs, an outsider that
    # there is no such post.
    refused(
        client.patch(f"{API}/posts/{post_id}", json={"body": "x"}, headers=w.headers["ben"]),
        403,
        "not_post_author",
    )
    refused(
        client.delete(f"{API}/posts/{post_id}", headers=w.headers["dee"]), 404, "post_not_found"
    )
    # Deleted: gone for everyone, the author included, and its mentions with it.
    assert client.delete(f"{API}/posts/{post_id}", headers=ana).status_code == 204
    for who in ("ana", "ben", "cai"):
        assert "anyone" not in _api_get(client, w, who)
        assert "anyone" not in (_activity_api(client, w, who) or set())
    assert "anyone" not in _mentioned(client, w, "ben")
    assert client.get(f"/posts/{post_id}").status_code == 404


def test_ids_out_of_range_and_bad_cursors(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", handle="ana-bounds")
    headers = bearer(ctx, ana)
    for path in ("/posts/2147483648", "/posts/0", "/posts/abc", "/posts/99999999999999999999"):
        refused(client.get(f"{API}{path}", headers=headers), 404, "post_not_found")
        refused(client.patch(f"{API}{path}", json={}, headers=headers), 404, "post_not_found")
        refused(client.delete(f"{API}{path}", headers=headers), 404, "post_not_found")
    refused(client.get(f"{API}/posts/2147483647", headers=headers), 404, "post_not_found")
    sign_in_as(client, ctx, ana)
    page = client.get("/posts/2147483648")
    assert page.status_code == 404
    assert POST_NOT_FOUND in page_text(page.text).replace("’", "'")
    for cursor in ("nonsense", "MTIzNDU", "x" * 65, "LTEuLTE"):
        response = client.get(f"{API}/members/ana-bounds/activity?cursor={cursor}", headers=headers)
        refused(response, 422, "invalid_cursor")
    assert client.get("/in/ana-bounds/activity?cursor=nonsense").status_code == 422
