"""The home feed over the API and as pages, on both databases: items with their
reasons and cards, cursors, typed refusals, hide / see fewer / unfollow in place
with Undo, the "N new posts" notice, and ``/`` for members and for visitors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.clock import FrozenClock
from kith.follows.service import follow
from kith.models import Member, Post
from kith.posts.service import Audience, Draft, create_post
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import HTMX, alerts, page_text, post, sign_in_as


def _write(ctx: Ctx, author: Member, body: str, audience: str = "anyone") -> Post:
    return create_post(ctx, author, Draft(body, Audience(audience)))


def _people(kith: Kith, clock: FrozenClock) -> tuple[Member, Member, Member, list[Post]]:
    with kith.uow() as ctx:
        me, ana, ben = (make_member(ctx, n) for n in ("Me", "Ana", "Ben"))
        connect(ctx, me, ana)
        follow(ctx, me, ben)
        posts = []
        for i in range(5):
            clock.advance(minutes=10)
            posts.append(_write(ctx, (ana, ben)[i % 2], f"post number {i}"))
        clock.advance(minutes=1)
        _write(ctx, ana, "for connections only", "connections")
    return me, ana, ben, posts


def test_the_feed_api_pages_by_cursor_and_says_why(
    kith: Kith, clock: FrozenClock, client: TestClient
) -> None:
    me, ana, _ben, _posts = _people(kith, clock)
    with kith.uow() as ctx:
        auth = bearer(ctx, me)
    first = client.get("/api/v1/feed?order=recent&limit=4", headers=auth)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [i["post"]["body"] for i in body["items"]] == [
        "for connections only",
        "post number 4",
        "post number 3",
        "post number 2",
    ]
    top = body["items"][0]
    assert top["reason"] == "You're connected to Ana"
    assert top["post"]["author"]["handle"] == ana.handle
    assert top["post"]["author"]["degree"] == 1
    assert body["items"][2]["reason"] == "You follow Ben"
    assert body["newest_at"] is not None
    second = client.get(
        "/api/v1/feed", params={"order": "recent", "cursor": body["next_cursor"]}, headers=auth
    ).json()
    assert [i["post"]["body"] for i in second["items"]] == ["post number 1", "post number 0"]
    assert second["next_cursor"] is None
    ranked = client.get("/api/v1/feed", headers=auth).json()
    assert ranked["order"] == "for_you"
    assert len(ranked["items"]) == 6


def test_the_feed_api_refuses_with_codes(
    kith: Kith, clock: FrozenClock, client: TestClient
) -> None:
    me, _ana, ben, _posts = _people(kith, clock)
    with kith.uow() as ctx:
        auth = bearer(ctx, me)
        stranger = make_member(ctx, "Cai")
        hidden = _write(ctx, stranger, "not for me", "connections")
    for url, status, code in (
        ("/api/v1/feed?cursor=nonsense", 422, "invalid_cursor"),
        ("/api/v1/feed?cursor=" + "x" * 300, 422, "invalid_cursor"),
        ("/api/v1/feed?order=popular", 422, "invalid_order"),
        ("/api/v1/feed?limit=0", 422, "invalid_limit"),
        ("/api/v1/feed?limit=51", 422, "invalid_limit"),
        ("/api/v1/feed/new?since=yesterday", 422, "invalid_since"),
        ("/api/v1/feed/new?since=0.5", 422, "invalid_since"),  # not seconds since 1970
    ):
        got = client.get(url, headers=auth)
        assert (got.status_code, got.json()["error"]) == (status, code), url
    assert client.get("/api/v1/feed").status_code == 401
    for method, url, status, code in (
        ("POST", f"/api/v1/feed/hidden/{hidden.id}", 404, "post_not_found"),
        ("POST", "/api/v1/feed/hidden/99999999999", 404, "post_not_found"),
        ("POST", f"/api/v1/feed/fewer/{me.handle}", 422, "self_fewer"),
        ("POST", "/api/v1/feed/fewer/nobody-here", 404, "member_not_found"),
    ):
        got = client.request(method, url, headers=auth)
        assert (got.status_code, got.json()["error"]) == (status, code), url
    assert client.post(f"/api/v1/feed/fewer/{ben.handle}", headers=auth).status_code == 204
    assert client.delete(f"/api/v1/feed/fewer/{ben.handle}", headers=auth).status_code == 204


def test_hide_and_new_posts_over_the_api(
    kith: Kith, clock: FrozenClock, client: TestClient
) -> None:
    me, ana, _ben, posts = _people(kith, clock)
    with kith.uow() as ctx:
        auth = bearer(ctx, me)
    newest = client.get("/api/v1/feed?order=recent", headers=auth).json()["newest_at"]
    assert client.post(f"/api/v1/feed/hidden/{posts[4].id}", headers=auth).status_code == 204
    bodies = [i["post"]["body"] for i in client.get("/api/v1/feed", headers=auth).json()["items"]]
    assert "post number 4" not in bodies
    assert client.delete(f"/api/v1/feed/hidden/{posts[4].id}", headers=auth).status_code == 204
    assert client.get("/api/v1/feed/new", params={"since": newest}, headers=auth).json() == {
        "count": 0
    }
    with kith.uow() as ctx:
        clock.advance(minutes=2)
        _write(ctx, ctx.session.get_one(Member, ana.id), "fresh news")
    assert client.get("/api/v1/feed/new", params={"since": newest}, headers=auth).json() == {
        "count": 1
    }


def test_home_is_the_feed_for_members_and_the_landing_page_for_visitors(
    kith: Kith, clock: FrozenClock, client: TestClient
) -> None:
    assert "Join" in client.get("/").text
    me, ana, _ben, _posts = _people(kith, clock)
    with kith.uow() as ctx:
        sign_in_as(client, ctx, me)
    page = client.get("/")
    assert page.status_code == 200
    text = page_text(page.text)
    assert "You're connected to Ana" in text
    assert "post number 4" in text
    assert 'href="/" class="tab" aria-current="page"' in page.text
    recent = client.get("/?order=recent").text
    assert page_text(recent).index("for connections only") < page_text(recent).index(
        "post number 4"
    )
    refused = client.get("/?cursor=broken")
    assert refused.status_code == 422
    assert alerts(refused.text) == [
        "This feed link is out of date or was changed. Start again from the top."
    ]
    assert "post number 4" in refused.text  # the top of the feed, under the sentence


def test_load_more_and_the_new_posts_notice(
    kith: Kith, clock: FrozenClock, client: TestClient
) -> None:
    with kith.uow() as ctx:
        me, ana = make_member(ctx, "Me"), make_member(ctx, "Ana")
        connect(ctx, me, ana)
        for i in range(23):
            clock.advance(minutes=3)
            _write(ctx, ana, f"update {i}")
        sign_in_as(client, ctx, me)
        since = clock.now().isoformat()
    page = client.get("/?order=recent").text
    assert "update 3<" in page
    assert "update 2<" not in page
    more = page.split('hx-get="')[-1].split('"')[0].replace("&amp;", "&")
    assert more.startswith("/feed/page?")
    rest = client.get(more, headers=HTMX).text
    assert [f"update {i}<" in rest for i in (2, 1, 0)] == [True, True, True]
    assert "You're all caught up." in page_text(rest)
    assert client.get("/feed/new", params={"since": since}, headers=HTMX).text.strip() == ""
    with kith.uow() as ctx:
        clock.advance(minutes=1)
        _write(ctx, ctx.session.get_one(Member, ana.id), "brand new")
        _write(ctx, ctx.session.get_one(Member, ana.id), "newer still")
    notice = client.get("/feed/new", params={"since": since}, headers=HTMX).text
    assert page_text(notice) == "2 new posts"


def test_hide_fewer_and_unfollow_answer_in_place_with_undo(
    kith: Kith, clock: FrozenClock, client: TestClient
) -> None:
    me, ana, ben, posts = _people(kith, clock)
    with kith.uow() as ctx:
        sign_in_as(client, ctx, me)
    page = client.get("/").text
    assert "Unfollow Ben" in page_text(page)
    hidden = post(client, kith, f"/feed/hide/{posts[4].id}", headers=HTMX)
    assert hidden.status_code == 200
    assert "Hidden. This post won't show in your feed again." in page_text(hidden.text)
    assert "Post hidden" in hidden.text  # the toast
    assert "post number 4" not in client.get("/").text
    back = post(client, kith, f"/feed/unhide/{posts[4].id}", headers=HTMX)
    assert "post number 4" in back.text
    assert "post number 4" in client.get("/").text
    fewer = post(client, kith, f"/feed/fewer/{ana.handle}?post={posts[2].id}", headers=HTMX)
    assert "You'll see fewer posts from Ana in For you." in page_text(fewer.text)
    gone = post(client, kith, f"/feed/unfollow/{ben.handle}?post={posts[3].id}", headers=HTMX)
    assert "You unfollowed Ben." in page_text(gone.text)
    assert "post number 3" not in client.get("/").text
    again = post(client, kith, f"/feed/follow/{ben.handle}?post={posts[3].id}", headers=HTMX)
    assert "post number 3" in again.text
    assert "post number 3" in client.get("/").text
    refused = post(client, kith, "/feed/hide/99999999999", headers=HTMX)
    assert refused.status_code == 404
    assert alerts(refused.text) == ["There is no such post, or it isn't shared with you."]
    plain = post(client, kith, f"/feed/hide/{posts[1].id}")
    assert (plain.status_code, plain.headers["location"]) == (303, "/")


def test_an_empty_feed_suggests_people(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        me = make_member(ctx, "Me")
        sign_in_as(client, ctx, me)
    page = client.get("/").text
    assert "Your feed is empty for now." in page_text(page)
    assert 'hx-get="/suggestions?panel=1"' in page
