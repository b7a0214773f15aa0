"""The demo community: believable on every page the demo member opens."""

from __future__ import annotations

from sqlalchemy import func, select

from kith.db import Ctx
from kith.demo.service import DEMO_EMAIL, build_demo
from kith.models import Conversation, Member, Message
from kith.pagination import PageRequest
from kith.relationships.service import due_to_reconnect, interaction_counts


def test_the_demo_member_has_relationships_to_manage(ctx: Ctx) -> None:
    result = build_demo(ctx, members=300, seed=3)
    demo = ctx.session.scalars(select(Member).where(Member.email == DEMO_EMAIL)).one()
    assert result.demo_email == DEMO_EMAIL
    due = due_to_reconnect(ctx, demo, PageRequest(1, 20))
    assert due.total >= 1
    counts = interaction_counts(ctx, demo, recent_days=90)
    assert 0 < counts.recent < counts.connections
    conversations = ctx.session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where((Conversation.member_lo_id == demo.id) | (Conversation.member_hi_id == demo.id))
    )
    assert conversations == 3
    assert ctx.session.scalar(select(func.count()).select_from(Message)) == 6
