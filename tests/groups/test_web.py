"""Groups through the API and the pages: each kind of group on every read path, the
directory's degrees and shared counts, and a manager's day."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kith.clock import FrozenClock
from kith.groups import service
from kith.models import Group, Member
from kith.posts import service as posts
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.groups import cast
from tests.fixtures.images import image_bytes
from tests.fixtures.introductions import synced
from tests.fixtures.pages import page_text, post, sign_in_as

API = "/api/v1/groups"
MISSING = 2_000_000_000


def _group_post(ctx: Ctx, author: Member, group: Group) -> int:
    draft = posts.Draft("Inside news", posts.Audience("group", group_id=group.id))
    return posts.create_post(ctx, author, draft).id


def _reads(
    client: TestClient, headers: dict[str, str], group_id: int, post_id: int
) -> dict[str, Any]:
    """What one member gets from every read path of a group and its post."""
    paths = {
        "members": f"{API}/{group_id}/members",
        "posts": f"{API}/{group_id}/posts",
        "requests": f"{API}/{group_id}/requests",
        "audit": f"{API}/{group_id}/audit",
        "bans": f"{API}/{group_id}/bans",
        "reports": f"{API}/{group_id}/reports",
        "awaiting": f"{API}/{group_id}/posts/awaiting",
        "post": f"/api/v1/posts/{post_id}",
        "comments": f"/api/v1/posts/{post_id}/comments",
        "reactions": f"/api/v1/posts/{post_id}/reactions",
    }
    out = {}
    for name, path in paths.items():
        r = client.get(path, headers=headers)
        out[name] = (r.status_code, r.json().get("error"))
    writes = {
        "post_in": client.post(f"{API}/{group_id}/posts", json={"body": "hi"}, headers=headers),
        "react": client.put(
            f"/api/v1/posts/{post_id}/reaction", json={"kind": "like"}, headers=headers
        ),
        "comment": client.post(
            f"/api/v1/posts/{post_id}/comments", json={"body": "hi"}, headers=headers
        ),
        "invite": client.post(
            f"{API}/{group_id}/invitations", json={"handle": "nobody-here"}, headers=headers
        ),
    }
    for name, r in writes.items():
        out[name] = (r.status_code, r.json().get("error"))
    return out


@pytest.mark.parametrize("kind", ["private", "unlisted"])
def test_an_outsider_reads_what_a_missing_group_reads(
    kith: Kith, client: TestClient, kind: str
) -> None:
    with kith.uow() as ctx:
        c = cast(ctx, kind)
        post_id = _group_post(ctx, c.member, c.group)
        headers = bearer(ctx, c.outsider)
        member_headers = bearer(ctx, c.member)
        group_id = c.group.id
        # The missing group's "post": a post that does not exist.
    synced(kith)
    seen = _reads(client, headers, group_id, post_id)
    missing = _reads(client, headers, MISSING, MISSING)
    # The invitation names a member who doesn't exist either way.
    assert seen == missing
    assert seen["members"] == (404, "group_not_found")
    assert seen["post"] == (404, "post_not_found")
    card = client.get(f"{API}/{group_id}", headers=headers)
    search = client.get(API, params={"q": "Mapmakers"}, headers=headers).json()
    found = [g["id"] for g in search["items"]]
    if kind == "unlisted":
        assert card.json()["error"] == "group_not_found"
        assert group_id not in found
        assert client.post(f"{API}/{group_id}/join", json={}, headers=headers).json()["error"] == (
            "group_not_found"
        )
    else:
        assert card.status_code == 200
        assert card.json()["my_status"] == "none"
        assert group_id in found
    # The pages agree.
    with kith.uow() as ctx:
        sign_in_as(client, ctx, ctx.session.merge(c.outsider))
    for path in ("members", ""):
        page = client.get(f"/groups/{group_id}/{path}".rstrip("/"))
        if kind == "unlisted" or path == "members":
            assert page.status_code == 404
        else:
            assert "Inside news" not in page.text
    assert client.get(f"/posts/{post_id}").status_code == 404
    client.cookies.clear()
    # A member reads it all.
    inside = _reads(client, member_headers, group_id, post_id)
    assert inside["members"][0] == inside["posts"][0] == inside["post"][0] == 200


def test_a_public_group_is_open_to_read(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        c = cast(ctx, "public")
        post_id = _group_post(ctx, c.member, c.group)
        headers = bearer(ctx, c.outsider)
    synced(kith)
    seen = _reads(client, headers, c.group.id, post_id)
    assert seen["members"][0] == seen["posts"][0] == seen["post"][0] == 200
    assert seen["requests"] == (404, "group_not_found")  # managers' pages stay closed
    body = client.get(f"{API}/{c.group.id}/posts", headers=headers).json()
    assert [p["group_name"] for p in body["items"]] == ["Mapmakers public"]


def test_the_directory_puts_your_connections_first_with_engine_badges(
    kith: Kith, client: TestClient
) -> None:
    with kith.uow() as ctx:
        c = cast(ctx, "public")
        viewer = make_member(ctx, "Vera", "Viewer")
        friend = make_member(ctx, "Zed", "Friend")
        connect(ctx, viewer, friend)
        connect(ctx, friend, c.member)  # Mia: 2nd degree, one shared connection
        service.join(ctx, friend, c.group.id)
        headers = bearer(ctx, viewer)
        group_id = c.group.id
    synced(kith)
    body = client.get(f"{API}/{group_id}/members", headers=headers).json()
    assert body["connections"] == 1
    assert body["total"] == 4
    first, *rest = body["items"]
    assert (first["member"]["handle"], first["member"]["degree"]) == (friend.handle, 1)
    mia = next(i for i in rest if i["member"]["handle"] == c.member.handle)
    assert (mia["member"]["degree"], mia["member"]["mutual_connections"]) == (2, 1)
    assert [i["role"] for i in rest[:2]] == ["owner", "manager"]
    named = client.get(f"{API}/{group_id}/members", params={"q": "mia"}, headers=headers).json()
    assert [i["member"]["handle"] for i in named["items"]] == [c.member.handle]
    cards = client.get(API, params={"q": "Mapmakers"}, headers=headers).json()["items"]
    assert [(g["id"], g["connections"]) for g in cards] == [(group_id, 1)]
    liked = client.get(f"{API}/suggested", headers=headers).json()
    assert [(g["id"], g["connections"]) for g in liked] == [(group_id, 1)]


def test_request_approve_post_and_read_through_the_pages(
    kith: Kith, client: TestClient, clock: FrozenClock
) -> None:
    with kith.uow() as ctx:
        owner = make_member(ctx, "Olga", "Owner")
        bea = make_member(ctx, "Bea", "Joiner")
    synced(kith)
    with kith.uow() as ctx:
        sign_in_as(client, ctx, owner)
    created = post(
        client,
        kith,
        "/groups/new",
        {"name": "River keepers", "kind": "private", "question": "What do you map?"},
    )
    assert created.status_code == 303
    url = created.headers["location"]
    group_id = int(url.rsplit("/", 1)[1])
    client.cookies.clear()
    with kith.uow() as ctx:
        sign_in_as(client, ctx, bea)
    assert "Ask to join" in client.get(url).text
    assert post(client, kith, f"{url}/join", {"answer": "Estuaries"}).status_code == 303
    assert "Request sent" in page_text(client.get(url).text)
    client.cookies.clear()
    with kith.uow() as ctx:
        sign_in_as(client, ctx, owner)
    manage = page_text(client.get(f"{url}/manage").text)
    assert "Estuaries" in manage
    assert "Bea Joiner" in manage
    assert post(client, kith, f"{url}/people/{bea.handle}/approve").status_code == 303
    assert "approved the request of Bea Joiner" in page_text(client.get(f"{url}/manage").text)
    client.cookies.clear()
    with kith.uow() as ctx:
        sign_in_as(client, ctx, bea)
    notes = page_text(client.get("/notifications").text)
    assert "Olga Owner approved your request: you are now a member of River keepers." in notes
    clock.advance(minutes=5)
    assert post(client, kith, f"{url}/posts", {"body": "Tide tables are up"}).status_code == 303
    assert "Tide tables are up" in client.get(url).text
    client.cookies.clear()
    with kith.uow() as ctx:
        sign_in_as(client, ctx, owner)
    home = page_text(client.get("/").text)
    assert "New in your groups" in home
    assert "River keepers: 1 new post" in home
    members = page_text(client.get(f"{url}/members").text)
    assert "Bea Joiner" in members
    assert client.get("/groups?q=river").status_code == 200
    assert "River keepers" in page_text(client.get("/groups").text)
    assert group_id


def test_a_manager_gives_the_group_a_logo(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        c = cast(ctx, "public")
        manager, member = bearer(ctx, c.manager), bearer(ctx, c.member)
        group_id = c.group.id
    picture = {"logo": ("logo.png", image_bytes("PNG", (300, 300)), "image/png")}
    refused = client.put(f"{API}/{group_id}/logo", files=picture, headers=member)
    assert refused.json()["error"] == "not_a_manager"
    bad = {"logo": ("logo.png", b"not an image", "image/png")}
    assert client.put(f"{API}/{group_id}/logo", files=bad, headers=manager).json()["error"] == (
        "photo_unsupported"
    )
    done = client.put(f"{API}/{group_id}/logo", files=picture, headers=manager)
    assert done.status_code == 200, done.text
    logo = done.json()["logo"]
    assert set(logo) == {"sm", "lg"}
    assert client.get(logo["sm"]).status_code == 200
    assert client.delete(f"{API}/{group_id}/logo", headers=manager).status_code == 204
    assert client.get(f"{API}/{group_id}", headers=member).json()["logo"] is None
