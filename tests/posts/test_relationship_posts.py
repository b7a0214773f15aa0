"""Posts in relationship management: "Ana posted 2 days ago — say something" in the due
list, one's own news shared from the moments prompt, and congratulations as comments on
the post a connection shared (both databases)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kith.errors import KithError
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.models import Member, Post
from kith.pagination import PageRequest
from kith.relationships import posting, reconnect, records, tiers_tags
from kith.runtime import Kith
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.posts import make_post

API = "/api/v1/relationships"


def test_due_list_offers_the_latest_post_one_may_see(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
        connect(ctx, ana, ben)
        connect(ctx, ana, cai)
        tiers_tags.ensure_default_tiers(ctx, ana)
        inner = tiers_tags.list_tiers(ctx, ana)[0]
        records.set_tier(ctx, ana, ben, inner.id)
        records.set_tier(ctx, ana, cai, inner.id)
        ids = ana.id, ben.id, cai.id
        auth = bearer(ctx, ana)
    kith.clock.advance(days=60)  # type: ignore[attr-defined]
    with kith.uow() as ctx:
        ben = ctx.session.get_one(Member, ids[1])
        seen = make_post(ctx, ben, "Our team shipped the new search")
        ctx.clock.advance(days=1)  # type: ignore[attr-defined]
        make_post(ctx, ben, "Note to self", "only_me")  # newer, but not for Ana
        make_post(ctx, ben, "", repost_of_id=seen.id)  # a bare repost says nothing new
        seen_id = seen.id
    kith.clock.advance(days=1)  # type: ignore[attr-defined]
    with kith.uow(write=False) as ctx:
        ana = ctx.session.get_one(Member, ids[0])
        due = reconnect.due_to_reconnect(ctx, ana, PageRequest(1, 20))
        found = posting.recent_posts(ctx, ana, due.items)
        assert set(found) == {ids[1]}
        assert found[ids[1]].post_id == seen_id
        assert found[ids[1]].prompt == "Ben posted 2 days ago — say something"
    items = client.get(f"{API}/due", headers=auth).json()["items"]
    by = {i["member"]["handle"]: i["recent_post"] for i in items}
    assert [v["post_id"] if v else None for v in by.values()].count(seen_id) == 1
    assert None in by.values()
    client.cookies.update(_session(kith, ids[0]))
    page = client.get("/relationships")
    assert f'href="/posts/{seen_id}"' in page.text
    assert "posted 2 days ago — say something" in page.text


def _session(kith: Kith, member_id: int) -> dict[str, str]:
    from kith.accounts.service import issue_token
    from kith.web.deps import SESSION_COOKIE

    with kith.uow() as ctx:
        member = ctx.session.get_one(Member, member_id)
        return {SESSION_COOKIE: issue_token(ctx, member, kind="session")}


def test_moments_shared_as_posts_and_congratulated_in_comments(
    kith: Kith, client: TestClient
) -> None:
    with kith.uow() as ctx:
        ana, cleo, dev = (make_member(ctx, n) for n in ("Ana", "Cleo", "Dev"))
        connect(ctx, ana, cleo)
        connect(ctx, ana, dev)
        now = ctx.clock.now()
        for who, company in ((cleo, "Globex"), (dev, "Initech"), (ana, "Acme")):
            update_profile(
                ctx,
                who,
                ProfileInput(positions=[PositionInput(company, "CTO", now.year, now.month)]),
            )
        make_post(ctx, cleo, "Thrilled to start as CTO at Globex!")
        make_post(ctx, dev, "Lovely weather today")  # not about Initech
        ids = ana.id, cleo.id, dev.id
        auth = bearer(ctx, ana)
        cleo_handle, dev_handle = cleo.handle, dev.handle

    with kith.uow() as ctx:
        ana = ctx.session.get_one(Member, ids[0])
        own = posting.own_moments(ctx, ana)
        assert [(m.kind, m.company) for m in own] == [("new_position", "Acme")]
        assert "new position as CTO at Acme" in posting.share_text(own[0])
        with pytest.raises(KithError) as refused:
            posting.own_moment(ctx, ana, "anniversary")
        assert refused.value.code == "moment_not_found"

    found = {m["member"]["handle"]: m for m in client.get(f"{API}/moments", headers=auth).json()}
    assert found[cleo_handle]["post_id"] is not None
    assert found[dev_handle]["post_id"] is None
    r = client.post(f"{API}/moments/{cleo_handle}/congratulate", headers=auth)
    assert r.status_code == 201, r.text
    post_id = r.json()["post_id"]
    assert post_id == found[cleo_handle]["post_id"]
    r = client.post(f"{API}/moments/{dev_handle}/congratulate", headers=auth)
    assert (r.status_code, r.json()["error"]) == (404, "moment_not_found")
    with kith.uow(write=False) as ctx:
        post = ctx.session.get_one(Post, post_id)
        assert post.comment_count == 1
    comments = client.get(f"/api/v1/posts/{post_id}/comments", headers=auth).json()["items"]
    assert comments[0]["comment"]["body"] == "Congratulations on your new role as CTO at Globex!"

    mine = client.get(f"{API}/moments/mine", headers=auth).json()
    assert mine[0]["share_text"].startswith("Some personal news")
    client.cookies.update(_session(kith, ids[0]))
    page = client.get("/relationships/moments/share?kind=new_position")
    assert page.status_code == 200
    assert "new position as CTO at Acme" in page.text
    dashboard = client.get("/relationships").text
    assert "Share it as a post" in dashboard
    assert f'action="/relationships/moments/{cleo_handle}/congratulate"' in dashboard
