"""The demo community: believable on every page the demo member opens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from kith.demo.service import DEMO_EMAIL, build_demo
from kith.models import Conversation, Member, Message
from kith.pagination import PageRequest
from kith.relationships.pruning import interaction_counts
from kith.relationships.reconnect import due_to_reconnect
from kith.uow import Ctx


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


def test_the_demo_member_brought_a_linkedin_network(ctx: Ctx) -> None:
    from kith.models import Contact, ImportRun
    from kith.portability.inviting import imported_matches
    from kith.portability.reports import report_of

    build_demo(ctx, members=300, seed=3)
    demo = ctx.session.scalars(select(Member).where(Member.email == DEMO_EMAIL)).one()
    [run] = ctx.session.scalars(select(ImportRun).where(ImportRun.owner_id == demo.id)).all()
    report = report_of(run)
    assert report.counts["new"] >= 24
    assert report.counts["skipped"] >= 1  # the hidden profile
    assert imported_matches(ctx, demo, PageRequest(1, 50)).total >= 6
    tagged = ctx.session.scalar(
        select(func.count())
        .select_from(Contact)
        .where(Contact.owner_id == demo.id, Contact.other_id.is_(None), Contact.tags.any())
    )
    assert tagged == 3
    due = due_to_reconnect(ctx, demo, PageRequest(1, 100))
    assert any(getattr(e, "kind", "") == "contact" for e in due.items)


def test_bulk_columns_store_values_as_the_orm_does(ctx: Ctx) -> None:
    import numpy as np

    from kith.demo.service import _bulk_columns, _timestamps
    from kith.models import Follow
    from tests.fixtures.factories import make_member

    a, b, c = (make_member(ctx, f"Bulk{n}", "Writer") for n in range(3))
    when = ctx.clock.now() - timedelta(days=3, minutes=7)
    ctx.session.add(Follow(follower_id=a.id, followee_id=b.id, created_at=when))
    ctx.session.flush()
    _bulk_columns(
        ctx,
        Follow,
        {
            "follower_id": np.array([a.id], dtype=np.int64),
            "followee_id": np.array([c.id], dtype=np.int64),
            "created_at": _timestamps(ctx.clock.now(), [(3 * 1440 + 7) * 60_000_000]),
        },
    )
    stored = ctx.session.execute(
        text("SELECT followee_id, CAST(created_at AS TEXT) FROM follows ORDER BY followee_id")
    ).all()
    assert [r[1] for r in stored] == [stored[0][1]] * 2
    ctx.session.expire_all()
    follows = ctx.session.scalars(select(Follow).order_by(Follow.followee_id)).all()
    assert [f.created_at for f in follows] == [when, when]


def test_the_demo_refuses_to_run_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its members share a published password: `kith demo` says so and stops, with an
    exit code, before it touches any database."""
    from typer.testing import CliRunner

    from kith.cli import app
    from kith.config import get_settings
    from tests.fixtures.settings import TEST_SECRET

    db = tmp_path / "production.db"
    monkeypatch.setenv("KITH_ENV", "production")
    monkeypatch.setenv("KITH_SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["demo", "--members", "20", "--url", f"sqlite:///{db}"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "(demo_in_production)" in out
    assert "not loaded in production" in out
    assert not db.exists()


def test_a_share_of_the_demo_members_have_photos(ctx: Ctx) -> None:
    from kith.members.photos import media_store

    build_demo(ctx, members=300, seed=3)
    keys = ctx.session.execute(select(Member.photo_key, Member.cover_key)).all()
    photos = [p for p, _ in keys if p]
    covers = [c for _, c in keys if c]
    assert 0.5 < len(photos) / len(keys) < 0.7
    assert 0.1 < len(covers) / len(keys) < 0.3
    demo = ctx.session.scalars(select(Member).where(Member.email == DEMO_EMAIL)).one()
    assert demo.photo_key
    assert demo.cover_key
    store = media_store(ctx.settings)
    assert all(store.file(k, 96) is not None for k in set(photos))
    assert all(store.file(k, 1584) is not None for k in set(covers))
