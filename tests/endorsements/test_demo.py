"""The demo community's endorsements follow its relationships: all between current
connections, of skills on the recipient's profile, colleagues far more often than
others; and the demo is quick to build (both databases)."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from kith.demo.service import build_demo
from kith.endorsements.service import shown_by
from kith.models import Endorsement, Member, MemberSkill, Position
from kith.uow import Ctx


def test_demo_endorsements_follow_the_relationships(ctx: Ctx) -> None:
    started = time.perf_counter()
    result = build_demo(ctx, members=300, seed=5)
    took = time.perf_counter() - started
    assert result.endorsements > 300
    total = ctx.session.scalar(select(func.count()).select_from(Endorsement))
    assert total == result.endorsements
    # Every one is shown: between connections, of a skill on the profile.
    recipients = ctx.session.scalars(select(Member.id)).all()
    shown = sum(
        ctx.session.scalar(select(func.count()).select_from(Endorsement).where(shown_by(m))) or 0
        for m in recipients
    )
    assert shown == total
    on_profile = (
        select(MemberSkill.member_id)
        .where(
            MemberSkill.member_id == Endorsement.recipient_id,
            MemberSkill.skill_id == Endorsement.skill_id,
        )
        .exists()
    )
    assert ctx.session.scalar(select(func.count()).select_from(Endorsement).where(~on_profile)) == 0
    # Colleagues endorse each other more than their share of connections would say.
    mine, theirs = Position.__table__.alias("mine"), Position.__table__.alias("theirs")
    colleagues = (
        select(mine.c.id)
        .join(theirs, theirs.c.company_id == mine.c.company_id)
        .where(
            mine.c.member_id == Endorsement.endorser_id,
            theirs.c.member_id == Endorsement.recipient_id,
        )
        .exists()
    )
    by_colleagues = (
        ctx.session.scalar(select(func.count()).select_from(Endorsement).where(colleagues)) or 0
    )
    assert by_colleagues / total > 0.3
    assert took < 60
