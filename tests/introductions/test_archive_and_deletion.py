"""Introductions in the JSON archive and in account deletion, on both databases."""

from __future__ import annotations

from kith.accounts.deletion import delete_account
from kith.blocks.service import block
from kith.introductions import service
from kith.portability.archive import member_archive
from kith.uow import Ctx
from tests.fixtures.introductions import three


def test_each_of_the_three_has_their_part_in_the_archive(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex, note="for Hannah", message="for Alex")
    assert member_archive(ctx, t.alex)["introductions"]["received"] == []
    service.forward(ctx, t.hannah, req.id, "worth it")
    made = member_archive(ctx, t.ana)["introductions"]["made"]
    asked = member_archive(ctx, t.hannah)["introductions"]["asked"]
    received = member_archive(ctx, t.alex)["introductions"]["received"]
    assert [(m["status"], m["note"], m["forward_note"]) for m in made] == [
        ("forwarded", "for Hannah", "worth it")
    ]
    assert [a["status"] for a in asked] == ["forwarded"]
    assert [(r["status"], r["message"]) for r in received] == [("pending", "for Alex")]
    assert "note" not in received[0]


def test_a_silent_decline_is_silent_in_the_archive(ctx: Ctx) -> None:
    seen = []
    for how in ("ignore", "decline", "block"):
        t = three(ctx)
        req = service.ask(ctx, t.ana, t.hannah, t.alex)
        if how == "decline":
            service.decline(ctx, t.hannah, req.id)
        elif how == "block":
            block(ctx, t.alex, t.ana)
        made = member_archive(ctx, t.ana)["introductions"]["made"]
        seen.append([(m["status"], m["forwarded_at"], m["forward_note"]) for m in made])
    assert seen[0] == seen[1] == seen[2] == [("waiting", None, "")]


def test_deleting_the_target_ends_a_forwarded_request_silently(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex, message="Hello")
    service.forward(ctx, t.hannah, req.id)
    delete_account(ctx, t.alex, confirmed=True)
    ctx.session.refresh(req)
    assert req.status == "ended"
    assert req.message == ""
    assert service.requester_status(ctx, req) == "forwarded"
    assert member_archive(ctx, t.hannah)["introductions"]["asked"] == []


def test_the_demo_member_has_introductions_in_each_state(ctx: Ctx) -> None:
    from sqlalchemy import select

    from kith.demo.service import DEMO_EMAIL, build_demo
    from kith.models import Member

    build_demo(ctx, members=300, seed=3)
    demo = ctx.session.scalars(select(Member).where(Member.email == DEMO_EMAIL)).one()
    archive = member_archive(ctx, demo)["introductions"]
    made = {m["status"] for m in archive["made"]}
    assert {"waiting", "forwarded", "connected", "not_forwarded"} <= made
    assert {a["status"] for a in archive["asked"]} >= {"pending", "forwarded", "declined"}
    assert {r["status"] for r in archive["received"]} >= {"pending", "accepted"}
