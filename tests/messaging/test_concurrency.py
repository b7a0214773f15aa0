"""Messages sent at the same moment to one conversation, on real commits: none is
lost and they are numbered one after the other (PostgreSQL row locks; SQLite
BEGIN IMMEDIATE)."""

from __future__ import annotations

from collections import Counter
from functools import partial

from sqlalchemy import select

from kith.messaging.service import send_message
from kith.models import Conversation, Member, Message
from kith.runtime import Kith
from tests.fixtures.factories import connect
from tests.fixtures.races import members, race

ROUNDS = 3


def write(kith: Kith, sender_id: int, recipient_id: int, body: str) -> str:
    with kith.uow() as ctx:
        sender = ctx.session.get_one(Member, sender_id)
        recipient = ctx.session.get_one(Member, recipient_id)
        send_message(ctx, sender, recipient, body)
        return "sent"


def test_concurrent_messages_to_one_conversation_are_all_stored_in_order(
    committed_kith: Kith,
) -> None:
    kith = committed_kith
    for round_no in range(ROUNDS):
        a, b = members(kith, 2)
        with kith.uow() as ctx:
            connect(ctx, ctx.session.get_one(Member, a), ctx.session.get_one(Member, b))
        # The first messages also race to create the conversation.
        actions = [partial(write, kith, a, b, f"a{round_no}-{i}") for i in range(4)]
        actions += [partial(write, kith, b, a, f"b{round_no}-{i}") for i in range(4)]
        assert race(actions) == Counter(sent=8)
        with kith.uow(write=False) as ctx:
            [conversation] = ctx.session.scalars(
                select(Conversation).where(Conversation.member_lo_id == min(a, b))
            ).all()
            seqs = ctx.session.scalars(
                select(Message.seq)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.seq)
            ).all()
            assert list(seqs) == list(range(1, 9))
            assert conversation.last_seq == 8
            bodies = set(
                ctx.session.scalars(
                    select(Message.body).where(Message.conversation_id == conversation.id)
                )
            )
            assert len(bodies) == 8
