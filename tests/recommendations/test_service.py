"""Written recommendations (kith.recommendations) on both databases: only 1st degree,
the text rules, approval before display, revisions and edits, the silent decline,
hiding, and what a removal, a block and reconnecting do to what profiles show."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select

from kith.accounts.deletion import delete_account
from kith.blocks.service import block, unblock
from kith.connections.service import remove_connection
from kith.demo.service import DEMO_EMAIL, build_demo
from kith.models import Member, Notification, Recommendation
from kith.pagination import PageRequest
from kith.recommendations import service
from kith.recommendations.cards import profile_section
from kith.recommendations.service import About
from kith.recommendations.states import BOXES
from kith.recommendations.views import RecView, box_page, profile_page, view_of
from kith.relationships.pruning import removal_preview, remove_connections
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.recommendations import TEXT, accepted, position, written
from tests.fixtures.refusals import refusal

ALL = PageRequest(1, 50)


def _shown(ctx: Ctx, viewer: Member, member: Member, direction: str = "received") -> list[int]:
    return [v.id for v in profile_page(ctx, viewer, member, direction, ALL).items]


def _box(ctx: Ctx, member: Member, box: str) -> list[int]:
    return [v.id for v in box_page(ctx, member, box, ALL).items]


def _kinds(ctx: Ctx, member: Member) -> list[str]:
    return list(
        ctx.session.scalars(
            select(Notification.kind)
            .where(
                Notification.member_id == member.id,
                Notification.kind.startswith("recommendation"),
            )
            .order_by(Notification.id)
        )
    )


def test_only_current_connections_ask_and_write(ctx: Ctx) -> None:
    ana, ben, cara = (make_member(ctx, n) for n in ("Ana", "Ben", "Cara"))
    connect(ctx, ben, cara)  # ana is 2nd degree from cara
    connect(ctx, ana, ben)
    refusal("not_connected", service.request, ctx, ana, cara.handle, "same_team")
    refusal("not_connected", service.write, ctx, ana, cara.handle, "same_team", TEXT)
    refusal("not_connected", service.request, ctx, ana, ana.handle, "same_team")
    refusal("member_not_found", service.request, ctx, ana, "nobody-here", "same_team")
    rec = service.request(ctx, ana, ben.handle, "same_team", message="Would you?")
    assert (rec.author_id, rec.recipient_id, rec.status) == (ben.id, ana.id, "requested")
    # The connection goes: the writer can no longer write it.
    remove_connection(ctx, ana, ben)
    refusal("not_connected", service.edit, ctx, ben, rec.id, body=TEXT)


def test_request_rules(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    mine, bens = position(ctx, ana), position(ctx, ben, "Globex")
    refusal("invalid_relationship", service.request, ctx, ana, ben.handle, "friend")
    refusal(
        "position_not_found",
        service.request,
        ctx,
        ana,
        ben.handle,
        "client",
        About(position_id=bens.id),
    )
    refusal("position_not_found", service.request, ctx, ana, ben.handle, "client", About(2**63))
    refusal("message_too_long", service.request, ctx, ana, ben.handle, "client", message="x" * 1001)
    refusal("invalid_text", service.request, ctx, ana, ben.handle, "client", message="a\x00")
    rec = service.request(ctx, ana, ben.handle, "client", About(position_id=mine.id), "x" * 1000)
    assert view_of(rec, ben.id).about == "Engineer at Acme"
    refusal("recommendation_already_requested", service.request, ctx, ana, ben.handle, "client")
    # The other direction is its own request.
    service.request(ctx, ben, ana.handle, "mentored")
    # Writing unasked while a request is open is refused too, with the same code.
    refusal("recommendation_already_requested", service.write, ctx, ben, ana.handle, "client", TEXT)


def test_text_rules(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    refusal("recommendation_too_long", service.write, ctx, ben, ana.handle, "client", "é" * 3001)
    refusal("invalid_text", service.write, ctx, ben, ana.handle, "client", "a\x00b")
    refusal("recommendation_empty", service.write, ctx, ben, ana.handle, "client", "  ")
    rec = service.write(ctx, ben, ana.handle, "client", "é" * 3000 + "\n")
    assert rec.body == "é" * 3000
    assert rec.status == "pending"


def test_approval_before_display(ctx: Ctx) -> None:
    ana, ben, cara = (make_member(ctx, n) for n in ("Ana", "Ben", "Cara"))
    connect(ctx, ana, ben)
    rec = written(ctx, ben, ana)
    assert _shown(ctx, cara, ana) == []
    assert _shown(ctx, ana, ana) == []
    refusal("recommendation_not_found", service.find, ctx, cara, rec.id)
    assert _box(ctx, ana, "to_approve") == [rec.id]
    refusal("not_recommendation_author", service.edit, ctx, ana, rec.id, body="mine now")
    refusal("not_recommendation_recipient", service.accept, ctx, ben, rec.id)
    service.accept(ctx, ana, rec.id)
    assert _shown(ctx, cara, ana) == [rec.id]
    assert _shown(ctx, cara, ben, "given") == [rec.id]
    assert service.find(ctx, cara, rec.id).id == rec.id
    seen = view_of(rec, cara.id)
    assert (seen.role, seen.status, seen.body, seen.message) == ("reader", "accepted", TEXT, "")
    refusal("recommendation_closed", service.accept, ctx, ana, rec.id)
    assert _kinds(ctx, ben) == ["recommendation_requested", "recommendation_accepted"]
    assert _kinds(ctx, ana)[-1] == "recommendation_written"


def test_drafts_revisions_and_edits(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    rec = service.request(ctx, ana, ben.handle, "reported_to")
    assert _box(ctx, ben, "to_write") == [rec.id]
    assert _box(ctx, ana, "requested") == [rec.id]
    service.edit(ctx, ben, rec.id, body="First go", send=False)
    assert _box(ctx, ben, "drafts") == [rec.id]
    # The one who asked reads a draft as still requested, without its text.
    assert (view_of(rec, ana.id).status, view_of(rec, ana.id).body) == ("requested", "")
    refusal("recommendation_closed", service.accept, ctx, ana, rec.id)
    service.edit(ctx, ben, rec.id, body="Second go")
    refusal("note_empty", service.ask_revision, ctx, ana, rec.id, "  ")
    refusal("message_too_long", service.ask_revision, ctx, ana, rec.id, "n" * 1001)
    service.ask_revision(ctx, ana, rec.id, "Mention the migration project?")
    assert view_of(rec, ben.id).revision_note == "Mention the migration project?"
    assert _box(ctx, ben, "drafts") == [rec.id]
    service.edit(ctx, ben, rec.id, body="Third go, with the migration")
    service.accept(ctx, ana, rec.id)
    # An edit after acceptance waits for approval again and leaves the profile.
    refusal("recommendation_closed", service.edit, ctx, ben, rec.id, body="x", send=False)
    service.edit(ctx, ben, rec.id, body="Fourth go")
    assert rec.status == "pending"
    assert _shown(ctx, ana, ana) == []
    service.accept(ctx, ana, rec.id)
    assert _shown(ctx, ana, ana) == [rec.id]
    assert _kinds(ctx, ben) == [
        "recommendation_requested",
        "recommendation_revision",
        "recommendation_accepted",
        "recommendation_accepted",
    ]
    assert _kinds(ctx, ana) == ["recommendation_revised"]  # unread ones are replaced


def _writer_sees(v: RecView) -> dict[str, Any]:
    seen = dataclasses.asdict(v)
    for key in ("id", "recipient", "author"):
        seen.pop(key)
    return seen


def test_a_decline_is_silent_to_the_writer(ctx: Ctx) -> None:
    """The writer of a declined recommendation reads exactly what they read of one
    still waiting, can edit and withdraw it the same way, and is told nothing."""
    ben = make_member(ctx, "Ben")
    ana, cara = make_member(ctx, "Ana", "Same"), make_member(ctx, "Ana", "Same")
    connect(ctx, ana, ben)
    connect(ctx, cara, ben)
    waiting = written(ctx, ben, ana)
    declined = written(ctx, ben, cara)
    before = len(_kinds(ctx, ben))
    service.decline(ctx, cara, declined.id)
    assert len(_kinds(ctx, ben)) == before
    assert _writer_sees(view_of(waiting, ben.id)) == _writer_sees(view_of(declined, ben.id))
    assert view_of(declined, ben.id).label == "Sent"
    assert sorted(_box(ctx, ben, "written")) == sorted([waiting.id, declined.id])
    # The recipient no longer sees it at all.
    refusal("recommendation_not_found", service.find, ctx, cara, declined.id)
    assert _box(ctx, cara, "to_approve") == []
    # Editing: both stay "Sent"; writing another unasked is refused alike.
    for rec in (waiting, declined):
        service.edit(ctx, ben, rec.id, body="Edited")
        refusal("recommendation_closed", service.edit, ctx, ben, rec.id, send=False)
    assert _writer_sees(view_of(waiting, ben.id)) == _writer_sees(view_of(declined, ben.id))
    for other in (ana, cara):
        refusal(
            "recommendation_already_requested",
            service.write,
            ctx,
            ben,
            other.handle,
            "client",
            TEXT,
        )
    assert _shown(ctx, ana, cara) == []
    service.withdraw(ctx, ben, waiting.id)
    service.withdraw(ctx, ben, declined.id)
    for rec in (waiting, declined):
        refusal("recommendation_not_found", service.find, ctx, ben, rec.id)


def test_hide_and_show_again(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    rec = accepted(ctx, ben, ana)
    refusal("not_recommendation_recipient", service.set_hidden, ctx, ben, rec.id, True)
    service.set_hidden(ctx, ana, rec.id, True)
    assert _shown(ctx, ben, ana) == []
    assert view_of(rec, ana.id).label == "Hidden"
    assert view_of(rec, ben.id).hidden is False
    assert _box(ctx, ana, "received") == [rec.id]
    service.set_hidden(ctx, ana, rec.id, False)
    assert _shown(ctx, ben, ana) == [rec.id]


def test_removal_hides_and_reconnecting_restores(ctx: Ctx) -> None:
    ana, ben, cara, dan = (make_member(ctx, n) for n in ("Ana", "Ben", "Cara", "Dan"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cara)
    connect(ctx, ana, dan)
    given = accepted(ctx, ben, ana)
    back = accepted(ctx, ana, ben)
    from_cara = accepted(ctx, cara, ana)
    from_dan = accepted(ctx, dan, ana)
    rows = ctx.session.scalar(select(func.count()).select_from(Recommendation))
    assert sorted(_shown(ctx, dan, ana)) == sorted([given.id, from_cara.id, from_dan.id])
    # The preview counts, per person, both directions.
    preview = removal_preview(ctx, ana, [ben, cara])
    assert [p.recommendations for p in preview] == [2, 1]
    assert "2 recommendations between you are hidden" in preview[0].sentence
    assert "1 recommendation between you" in preview[1].sentence
    # One by one.
    remove_connection(ctx, ben, ana)
    assert given.id not in _shown(ctx, dan, ana)
    assert _shown(ctx, dan, ben, "given") == []
    assert _shown(ctx, dan, ana, "given") == []
    refusal("recommendation_not_found", service.find, ctx, dan, given.id)
    connect(ctx, ben, ana)
    assert given.id in _shown(ctx, dan, ana)
    assert _shown(ctx, dan, ana, "given") == [back.id]
    # In bulk.
    remove_connections(ctx, ana, [ben, cara])
    assert _shown(ctx, dan, ana) == [from_dan.id]
    connect(ctx, cara, ana)
    assert from_cara.id in _shown(ctx, dan, ana)
    # By a block, either way; unblocking alone does not bring it back, reconnecting does.
    block(ctx, cara, ana)
    assert from_cara.id not in _shown(ctx, dan, ana)
    refusal("recommendation_not_found", service.find, ctx, ana, from_cara.id)
    unblock(ctx, cara, ana)
    assert from_cara.id not in _shown(ctx, dan, ana)
    connect(ctx, ana, cara)
    assert from_cara.id in _shown(ctx, dan, ana)
    # Nothing was rewritten along the way.
    assert ctx.session.scalar(select(func.count()).select_from(Recommendation)) == rows
    assert {r.status for r in ctx.session.scalars(select(Recommendation))} == {"accepted"}


def test_a_viewer_never_sees_someone_they_blocked(ctx: Ctx) -> None:
    ana, ben, eve = (make_member(ctx, n) for n in ("Ana", "Ben", "Eve"))
    connect(ctx, ana, ben)
    rec = accepted(ctx, ben, ana)
    block(ctx, eve, ben)
    assert _shown(ctx, eve, ana) == []
    refusal("recommendation_not_found", service.find, ctx, eve, rec.id)


def test_anything_unseen_is_not_found(ctx: Ctx) -> None:
    ana, ben, eve = (make_member(ctx, n) for n in ("Ana", "Ben", "Eve"))
    connect(ctx, ana, ben)
    rec = service.request(ctx, ana, ben.handle, "client")
    for rec_id in (rec.id + 1000, 2**63, 0, -1):
        refusal("recommendation_not_found", service.find, ctx, ana, rec_id)
    refusal("recommendation_not_found", service.find, ctx, eve, rec.id)
    refusal("recommendation_not_found", service.withdraw, ctx, eve, rec.id)
    refusal("recommendation_not_found", service.decline, ctx, eve, rec.id)
    # An unasked draft does not exist for its recipient.
    draft = service.write(ctx, ana, ben.handle, "client", "Soon", send=False)
    refusal("recommendation_not_found", service.find, ctx, ben, draft.id)


def test_withdrawing(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    asked = service.request(ctx, ana, ben.handle, "client")
    # The writer sets a request aside: the one who asked still reads it as asked.
    service.withdraw(ctx, ben, asked.id)
    assert view_of(asked, ana.id).status == "requested"
    refusal("recommendation_not_found", service.find, ctx, ben, asked.id)
    refusal("recommendation_already_requested", service.request, ctx, ana, ben.handle, "client")
    service.withdraw(ctx, ana, asked.id)
    refusal("recommendation_not_found", service.find, ctx, ana, asked.id)
    again = service.request(ctx, ana, ben.handle, "client")
    service.edit(ctx, ben, again.id, body=TEXT)
    refusal("recommendation_closed", service.withdraw, ctx, ana, again.id)
    # Its notification to the recipient goes with it.
    service.withdraw(ctx, ben, again.id)
    assert "recommendation_written" not in _kinds(ctx, ana)


def test_deleting_an_account_removes_what_it_gave_and_received(ctx: Ctx) -> None:
    ana, ben, cara = (make_member(ctx, n) for n in ("Ana", "Ben", "Cara"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cara)
    connect(ctx, ben, cara)
    accepted(ctx, ben, ana)
    accepted(ctx, ana, ben)
    written(ctx, ana, cara)
    kept = accepted(ctx, cara, ben)
    delete_account(ctx, ana, confirmed=True)
    left = list(ctx.session.scalars(select(Recommendation.id)))
    assert left == [kept.id]
    assert _shown(ctx, cara, ben) == [kept.id]
    left_notes = ctx.session.scalars(
        select(Notification.recommendation_id).where(Notification.recommendation_id.is_not(None))
    )
    assert set(left_notes) == {kept.id}


def test_the_demo_has_recommendations_in_every_state(ctx: Ctx) -> None:
    build_demo(ctx, members=300, seed=3)
    demo = ctx.session.scalars(select(Member).where(Member.email == DEMO_EMAIL)).one()
    boxes = {box: len(_box(ctx, demo, box)) for box in BOXES}
    assert boxes == {
        "to_write": 1,
        "drafts": 1,
        "to_approve": 1,
        "requested": 1,
        "written": 1,
        "received": 2,
    }
    assert len(_shown(ctx, demo, demo)) == 2
    assert len(_shown(ctx, demo, demo, "given")) == 1
    # Along the community's relationships: every shown one is between colleagues.
    shown = list(
        ctx.session.scalars(select(Recommendation).where(Recommendation.status == "accepted"))
    )
    assert len(shown) > 20
    for rec in [r for r in shown if demo.id not in (r.author_id, r.recipient_id)][:50]:
        assert rec.position is not None
        assert rec.position.member_id == rec.recipient_id
    assert {r.relation for r in shown} >= {"managed_directly", "same_team"}


def test_the_profile_sections_take_two_statements_whatever_their_number(
    ctx: Ctx, counted: list[str]
) -> None:
    ana, viewer = make_member(ctx, "Ana"), make_member(ctx, "Vic")
    for size in (1, 6):
        for _ in range(size):
            writer = make_member(ctx, "Writer")
            connect(ctx, ana, writer)
            accepted(ctx, writer, ana, body="Great, " + writer.handle)
            accepted(ctx, ana, writer)
            position(ctx, ana)
        ctx.session.expire_all()
        # The two members loaded, as the profile page has them.
        assert ana.id
        assert viewer.id
        counted.clear()
        section = profile_section(ctx, viewer, ana)
        for direction in ("received", "given"):
            for item in section[direction]["items"]:
                assert item["author"]["name"]
                assert item["recipient"]["name"]
        # One each, the total counted in the same statement.
        assert len(counted) == 2, "\n".join(counted)
    assert section["received"]["total"] == 7
    assert len(section["received"]["items"]) == 3
