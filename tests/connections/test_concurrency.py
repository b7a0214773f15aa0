"""Races on real commits: threads hit the services at once, released by one barrier.

Each thread runs its own unit of work (its own connection and transaction), as
concurrent requests do. PostgreSQL serializes through row locks on the members;
SQLite write transactions start with BEGIN IMMEDIATE and queue up.
"""

from __future__ import annotations

from collections import Counter
from functools import partial

from sqlalchemy import func, select

from kith.connections.service import accept_invitation, send_invitation
from kith.models import OPEN_STATUSES, Connection, Invitation, Member, NetworkOutbox
from kith.runtime import Kith
from tests.fixtures.races import members, race, scalar

ROUNDS = 3


def invite(kith: Kith, sender_id: int, recipient_id: int) -> str:
    with kith.uow() as ctx:
        sender = ctx.session.get_one(Member, sender_id)
        recipient = ctx.session.get_one(Member, recipient_id)
        result = send_invitation(ctx, sender, recipient)
        return "connected" if result.connection is not None else "sent"


def accept(kith: Kith, member_id: int, invitation_id: int) -> str:
    with kith.uow() as ctx:
        accept_invitation(ctx, ctx.session.get_one(Member, member_id), invitation_id)
        return "accepted"


def test_two_accepts_of_one_invitation_make_one_connection(committed_kith: Kith) -> None:
    kith = committed_kith
    for _ in range(ROUNDS):
        a, b = members(kith, 2)
        with kith.uow() as ctx:
            invitation_id = send_invitation(
                ctx, ctx.session.get_one(Member, a), ctx.session.get_one(Member, b)
            ).invitation.id
        outcomes = race([partial(accept, kith, b, invitation_id)] * 2)
        assert outcomes == Counter(accepted=2)  # accepting is idempotent
        lo, hi = sorted((a, b))
        where = (Connection.member_lo_id == lo, Connection.member_hi_id == hi)
        assert scalar(kith, select(func.count()).select_from(Connection).where(*where)) == 1
        outbox = select(func.count()).select_from(NetworkOutbox).where(NetworkOutbox.a == lo)
        assert scalar(kith, outbox) == 1


def test_crossing_invitations_at_once_make_one_connection(committed_kith: Kith) -> None:
    kith = committed_kith
    for _ in range(ROUNDS):
        a, b = members(kith, 2)
        outcomes = race([partial(invite, kith, a, b), partial(invite, kith, b, a)])
        assert outcomes == Counter(sent=1, connected=1)
        lo, hi = sorted((a, b))
        connections = select(func.count()).select_from(Connection)
        assert (
            scalar(
                kith,
                connections.where(Connection.member_lo_id == lo, Connection.member_hi_id == hi),
            )
            == 1
        )
        still_open = (
            select(func.count())
            .select_from(Invitation)
            .where(
                Invitation.pair_lo == lo,
                Invitation.pair_hi == hi,
                Invitation.status.in_(OPEN_STATUSES),
            )
        )
        assert scalar(kith, still_open) == 0
        accepted = select(func.count()).select_from(Invitation).where(Invitation.pair_lo == lo)
        assert scalar(kith, accepted) == 1


def test_same_invitation_twice_at_once_stores_one(committed_kith: Kith) -> None:
    kith = committed_kith
    a, b = members(kith, 2)
    outcomes = race([partial(invite, kith, a, b)] * 4)
    assert outcomes == Counter(sent=1, invitation_pending=3)


def test_101_parallel_invitations_let_exactly_100_through(committed_kith: Kith) -> None:
    kith = committed_kith
    for _ in range(ROUNDS):
        [sender] = members(kith, 1, "Sam")
        recipients = members(kith, 101)
        actions = [partial(invite, kith, sender, r) for r in recipients]
        outcomes = race(actions)
        assert outcomes == Counter(sent=100, invitation_limit=1)
        sent = select(func.count()).select_from(Invitation).where(Invitation.sender_id == sender)
        assert scalar(kith, sent) == 100
