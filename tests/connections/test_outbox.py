"""Every connection made or removed writes exactly one network_outbox row, in the
same transaction; a refused action writes none."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.blocks.service import block
from kith.connections.service import (
    accept_invitation,
    ignore_invitation,
    remove_connection,
    report_unknown,
    send_invitation,
    withdraw_invitation,
)
from kith.errors import KithError
from kith.follows.service import follow, unfollow
from kith.models import Member, NetworkOutbox
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.refusals import refusal
from tests.fixtures.settings import with_settings

API = "/api/v1"


def outbox(ctx: Ctx) -> list[tuple[str, int, int]]:
    rows = ctx.session.scalars(select(NetworkOutbox).order_by(NetworkOutbox.id)).all()
    return [(row.kind, row.a, row.b) for row in rows]


def pair(a: Member, b: Member) -> tuple[int, int]:
    return (min(a.id, b.id), max(a.id, b.id))


@pytest.mark.parametrize("high_invites_low", [False, True])
def test_accept_writes_one_connect(ctx: Ctx, high_invites_low: bool) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    if high_invites_low:
        a, b = b, a
    sent = send_invitation(ctx, a, b).invitation
    assert outbox(ctx) == []
    accept_invitation(ctx, b, sent.id)
    accept_invitation(ctx, b, sent.id)  # idempotent: no second row
    assert outbox(ctx) == [("connect", *pair(a, b))]
    row = ctx.session.scalars(select(NetworkOutbox)).one()
    assert row.a < row.b
    assert row.created_at == ctx.clock.now()


def test_crossing_writes_one_connect(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    send_invitation(ctx, b, a)
    send_invitation(ctx, a, b)
    assert outbox(ctx) == [("connect", *pair(a, b))]


def test_remove_writes_one_disconnect(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, b, a)
    remove_connection(ctx, b, a)
    refusal("not_connected", remove_connection, ctx, a, b)
    assert outbox(ctx) == [("connect", *pair(a, b)), ("disconnect", *pair(a, b))]


def test_block_writes_one_disconnect_only_when_connected(ctx: Ctx) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    connect(ctx, a, b)
    block(ctx, b, a)
    block(ctx, b, a)  # already blocked: nothing more
    block(ctx, a, c)  # not connected: nothing to tell the engine
    assert outbox(ctx) == [("connect", *pair(a, b)), ("disconnect", *pair(a, b))]


def test_actions_that_do_not_change_connections_write_nothing(ctx: Ctx) -> None:
    a, b, c, d = (make_member(ctx, n) for n in ("Ana", "Ben", "Cy", "Dee"))
    ignore_invitation(ctx, b, send_invitation(ctx, a, b).invitation.id)
    withdraw_invitation(ctx, a, send_invitation(ctx, a, c).invitation.id)
    report_unknown(ctx, d, send_invitation(ctx, a, d).invitation.id)
    follow(ctx, c, d)
    unfollow(ctx, c, d)
    assert outbox(ctx) == []


def test_refused_actions_write_nothing(ctx: Ctx) -> None:
    a, b, c, d = (make_member(ctx, n) for n in ("Ana", "Ben", "Cy", "Dee"))
    connect(ctx, a, b)
    before = outbox(ctx)
    refusal("already_connected", send_invitation, ctx, a, b)
    refusal("self_invitation", send_invitation, ctx, a, a)
    pending = send_invitation(ctx, c, a).invitation
    refusal("invitation_not_found", accept_invitation, ctx, d, pending.id)
    with_settings(ctx, max_connections=1)
    refusal("connection_limit", accept_invitation, ctx, a, pending.id)
    refusal("recipient_connection_limit", send_invitation, ctx, d, a)
    assert outbox(ctx) == before


def test_refused_api_requests_roll_back(ctx: Ctx, kith: Kith, client: TestClient) -> None:
    """The outbox row is written in the action's transaction: a refusal after it
    (here: the cap, checked as the invitation is accepted) leaves nothing."""
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    kith.settings = kith.settings.model_copy(update={"max_connections": 0})
    response = client.post(f"{API}/invitations/{sent.id}/accept", headers=bearer(ctx, b))
    assert response.status_code == 429
    assert outbox(ctx) == []
    kith.settings = kith.settings.model_copy(update={"max_connections": 10})
    response = client.post(f"{API}/invitations/{sent.id}/accept", headers=bearer(ctx, b))
    assert response.status_code == 200
    assert outbox(ctx) == [("connect", *pair(a, b))]


def test_a_failure_after_the_outbox_write_rolls_it_back(committed_kith: Kith) -> None:
    """One transaction: if the unit of work fails after connecting, neither the
    connection nor its outbox row is committed."""
    kith = committed_kith
    with kith.uow() as ctx:
        a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        invitation_id = send_invitation(ctx, a, b).invitation.id
        ids = (a.id, b.id)

    def accept_then_fail() -> None:
        with kith.uow() as ctx:
            accept_invitation(ctx, ctx.session.get_one(Member, ids[1]), invitation_id)
            raise KithError("Something failed after the connection.", code="boom")

    with pytest.raises(KithError):
        accept_then_fail()
    with kith.uow(write=False) as ctx:
        assert outbox(ctx) == []
    with kith.uow() as ctx:
        accept_invitation(ctx, ctx.session.get_one(Member, ids[1]), invitation_id)
    with kith.uow(write=False) as ctx:
        assert outbox(ctx) == [("connect", min(ids), max(ids))]
