"""DESIGN "Follows" and "Blocks", through the services and the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.blocks.service import block, blocked_members, unblock
from kith.clock import FrozenClock
from kith.connections.queries import connection_between
from kith.connections.service import (
    accept_invitation,
    list_connections,
    received_invitations,
    send_invitation,
    sent_invitations,
)
from kith.follows.service import counts, follow, followers, following, unfollow
from kith.members.service import view_member
from kith.models import Block, Follow, Member, NetworkOutbox, Notification
from kith.pagination import PageRequest
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.refusals import refusal, refused

API = "/api/v1"
ALL = PageRequest(1, 100)


def follows(ctx: Ctx) -> set[tuple[int, int]]:
    return set(ctx.session.execute(select(Follow.follower_id, Follow.followee_id)).all())


# --- follows -----------------------------------------------------------------------------


def test_follow_and_unfollow(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    assert follow(ctx, a, b) is True
    assert follow(ctx, a, b) is False  # already following: nothing changes
    assert follows(ctx) == {(a.id, b.id)}
    assert counts(ctx, b) == (1, 0)
    assert counts(ctx, a) == (0, 1)
    assert [m.id for m in followers(ctx, b, ALL).items] == [a.id]
    assert [m.id for m in following(ctx, a, ALL).items] == [b.id]
    assert unfollow(ctx, a, b) is True
    assert unfollow(ctx, a, b) is False
    assert follows(ctx) == set()
    # Through the API.
    assert client.put(f"{API}/follows/{b.handle}", headers=bearer(ctx, a)).status_code == 204
    assert client.put(f"{API}/follows/{b.handle}", headers=bearer(ctx, a)).status_code == 204
    listing = client.get(f"{API}/followers", headers=bearer(ctx, b)).json()
    assert [m["handle"] for m in listing["items"]] == [a.handle]
    assert client.delete(f"{API}/follows/{b.handle}", headers=bearer(ctx, a)).status_code == 204
    assert client.get(f"{API}/following", headers=bearer(ctx, a)).json()["total"] == 0
    refused(
        client.put(f"{API}/follows/no-such-member", headers=bearer(ctx, a)), 404, "member_not_found"
    )


def test_self_follow_refused(ctx: Ctx, client: TestClient) -> None:
    a = make_member(ctx, "Ana")
    refusal("self_follow", follow, ctx, a, a)
    refused(client.put(f"{API}/follows/{a.handle}", headers=bearer(ctx, a)), 422, "self_follow")
    assert follows(ctx) == set()


def test_follow_policy_connections_only(ctx: Ctx, client: TestClient) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    b.follow_policy = "connections"
    ctx.session.flush()
    err = refusal("follow_not_allowed", follow, ctx, a, b)
    assert err.status == 403
    refused(
        client.put(f"{API}/follows/{b.handle}", headers=bearer(ctx, a)), 403, "follow_not_allowed"
    )
    assert follows(ctx) == set()
    connect(ctx, b, c)
    unfollow(ctx, c, b)
    assert follow(ctx, c, b) is True  # a connection may follow again


def test_follow_policy_setting_through_the_api(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    response = client.patch(
        f"{API}/me/settings", json={"follow_policy": "connections"}, headers=bearer(ctx, b)
    )
    assert response.json()["follow_policy"] == "connections"
    refused(
        client.put(f"{API}/follows/{b.handle}", headers=bearer(ctx, a)), 403, "follow_not_allowed"
    )


def test_connecting_makes_both_follow_and_unfollowing_keeps_the_connection(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    follow(ctx, a, b)  # already following before connecting: no duplicate
    connect(ctx, a, b)
    assert follows(ctx) == {(a.id, b.id), (b.id, a.id)}
    assert unfollow(ctx, a, b) is True
    assert connection_between(ctx.session, a.id, b.id) is not None
    assert follows(ctx) == {(b.id, a.id)}


# --- blocks ------------------------------------------------------------------------------


def test_block_removes_connection_follows_and_open_invitations(ctx: Ctx) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    connect(ctx, a, b)
    follow(ctx, c, a)
    to_c = send_invitation(ctx, a, c).invitation
    from_c = send_invitation(ctx, make_member(ctx, "Dee"), c).invitation
    before = ctx.session.scalar(select(func.count()).select_from(NetworkOutbox))

    block(ctx, a, b)
    assert connection_between(ctx.session, a.id, b.id) is None
    assert follows(ctx) == {(c.id, a.id)}
    outbox = ctx.session.scalars(select(NetworkOutbox).order_by(NetworkOutbox.id.desc())).first()
    assert outbox is not None
    assert (outbox.kind, outbox.a, outbox.b) == ("disconnect", min(a.id, b.id), max(a.id, b.id))
    assert ctx.session.scalar(select(func.count()).select_from(NetworkOutbox)) == before + 1

    block(ctx, c, a)
    assert to_c.status == "cancelled"
    assert to_c.responded_at == ctx.clock.now()
    assert from_c.status == "pending"  # invitations with others are untouched
    assert follows(ctx) == set()
    # No connection between c and a: no outbox row.
    assert ctx.session.scalar(select(func.count()).select_from(NetworkOutbox)) == before + 1
    assert sent_invitations(ctx, a, ALL).total == 0
    assert [i.id for i in received_invitations(ctx, c, ALL).items] == [from_c.id]


def test_block_through_the_api(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    invitation = send_invitation(ctx, b, a).invitation
    assert client.put(f"{API}/blocks/{b.handle}", headers=bearer(ctx, a)).status_code == 204
    assert client.put(f"{API}/blocks/{b.handle}", headers=bearer(ctx, a)).status_code == 204
    listing = client.get(f"{API}/blocks", headers=bearer(ctx, a)).json()
    assert [m["handle"] for m in listing["items"]] == [b.handle]
    ctx.session.expire_all()
    assert invitation.status == "cancelled"
    refused(
        client.post(f"{API}/invitations/{invitation.id}/accept", headers=bearer(ctx, a)),
        409,
        "invitation_closed",
    )
    refused(client.put(f"{API}/blocks/{a.handle}", headers=bearer(ctx, a)), 422, "self_block")
    active = select(func.count()).select_from(Block).where(Block.unblocked_at.is_(None))
    assert ctx.session.scalar(active) == 1


def test_blocked_members_are_invisible_both_ways(ctx: Ctx, client: TestClient) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    connect(ctx, a, c)
    connect(ctx, b, c)
    follow(ctx, a, c)
    follow(ctx, b, c)
    block(ctx, a, b)
    for viewer, other in ((a, b), (b, a)):
        headers = bearer(ctx, viewer)
        refusal("member_not_found", view_member, ctx, viewer, other.handle)
        refused(
            client.get(f"{API}/members/{other.handle}", headers=headers), 404, "member_not_found"
        )
        refused(
            client.put(f"{API}/follows/{other.handle}", headers=headers), 404, "member_not_found"
        )
        refusal("member_not_found", follow, ctx, viewer, other)
        # The common connection's list shows each without the other.
        page = list_connections(ctx, viewer, c, ALL)
        assert [e.member.id for e in page.items] == [viewer.id]
        listing = client.get(f"{API}/members/{c.handle}/connections", headers=headers).json()
        assert [i["member"]["handle"] for i in listing["items"]] == [viewer.handle]
    # Their own lists still show themselves to the third member in full.
    assert list_connections(ctx, c, c, ALL).total == 2
    # Blocker sees the blocked member only in the list of blocks.
    assert [m.id for m, _ in blocked_members(ctx, a, ALL).items] == [b.id]


def test_notifications_from_a_blocked_member_are_hidden(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    follow(ctx, b, a)
    assert client.get(f"{API}/notifications", headers=bearer(ctx, a)).json()["unread"] == 1
    block(ctx, a, b)
    listing = client.get(f"{API}/notifications", headers=bearer(ctx, a)).json()
    assert listing["total"] == 0
    assert listing["unread"] == 0
    assert ctx.session.scalar(select(func.count()).select_from(Notification)) == 1  # kept


def test_only_the_blocker_can_unblock(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    block(ctx, a, b)
    err = refusal("not_blocked", unblock, ctx, b, a)
    assert err.status == 404
    refused(client.delete(f"{API}/blocks/{a.handle}", headers=bearer(ctx, b)), 404, "not_blocked")
    refused(
        client.delete(f"{API}/blocks/nobody-at-all", headers=bearer(ctx, b)), 404, "not_blocked"
    )
    assert client.delete(f"{API}/blocks/{b.handle}", headers=bearer(ctx, a)).status_code == 204
    refused(client.delete(f"{API}/blocks/{b.handle}", headers=bearer(ctx, a)), 404, "not_blocked")
    # Visible again, but nothing that was removed comes back.
    assert client.get(f"{API}/members/{b.handle}", headers=bearer(ctx, a)).status_code == 200
    assert follows(ctx) == set()


def test_reblock_waits_48_hours(ctx: Ctx, client: TestClient, clock: FrozenClock) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    block(ctx, a, b)
    clock.advance(hours=1)
    unblock(ctx, a, b)
    clock.advance(hours=47, minutes=59)
    err = refusal("reblock_wait", block, ctx, a, b)
    assert err.status == 409
    refused(client.put(f"{API}/blocks/{b.handle}", headers=bearer(ctx, a)), 409, "reblock_wait")
    # The wait binds the one who unblocked; the other may block at once.
    block(ctx, b, a)
    unblock(ctx, b, a)
    clock.advance(minutes=1)
    assert client.put(f"{API}/blocks/{b.handle}", headers=bearer(ctx, a)).status_code == 204
    rows = ctx.session.scalars(select(Block).where(Block.blocker_id == a.id)).all()
    assert len(rows) == 2  # history kept


def test_blocked_pair_cannot_connect_through_an_old_invitation(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    invitation = send_invitation(ctx, a, b).invitation
    block(ctx, b, a)
    unblock(ctx, b, a)
    refusal("invitation_closed", accept_invitation, ctx, b, invitation.id)
    assert connection_between(ctx.session, a.id, b.id) is None


def test_blocked_member_is_hidden_from_follower_lists(ctx: Ctx) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    follow(ctx, b, a)
    follow(ctx, c, a)
    block(ctx, a, b)
    assert [m.id for m in followers(ctx, a, ALL).items] == [c.id]
    assert isinstance(ctx.session.get(Member, b.id), Member)


def test_a_blocked_member_cannot_block_back(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    block(ctx, a, b)
    refusal("member_not_found", block, ctx, b, a)
    refused(client.put(f"{API}/blocks/{a.handle}", headers=bearer(ctx, b)), 404, "member_not_found")
    active = select(func.count()).select_from(Block).where(Block.unblocked_at.is_(None))
    assert ctx.session.scalar(active) == 1
