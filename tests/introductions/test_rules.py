"""Every rule of introductions, through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.accounts.deletion import delete_account
from kith.blocks.service import block
from kith.clock import FrozenClock
from kith.connections.queries import connection_between
from kith.connections.service import (
    remove_connection,
    report_unknown,
    send_invitation,
    status_for,
)
from kith.errors import KithError
from kith.introductions import lists, service
from kith.models import Contact, Interaction, IntroductionRequest, Notification
from kith.pagination import PageRequest
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.introductions import synced, three

PAGE = PageRequest(1, 20)


def _code(ctx: Ctx, fn: object, *args: object, **kw: object) -> str:
    with pytest.raises(KithError) as refused:
        fn(*args, **kw)  # type: ignore[operator]
    return refused.value.code


def test_the_whole_path_connects_with_introduced_by(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex, note="We both work on maps", message="Hi!")
    assert service.requester_status(ctx, req) == "waiting"
    assert service.intermediary_status(ctx, req) == "pending"
    # Nothing of it exists for the target before it is forwarded.
    assert _code(ctx, service.view, ctx, t.alex, req.id) == "introduction_not_found"
    assert lists.received(ctx, t.alex, PAGE).total == 0
    kinds = ctx.session.scalars(
        select(Notification.kind).where(Notification.member_id == t.alex.id)
    ).all()
    assert "introduction_received" not in kinds

    service.forward(ctx, t.hannah, req.id, "Ana is great — worth talking to")
    assert service.requester_status(ctx, req) == "forwarded"
    assert service.target_status(ctx, req) == "pending"
    assert [r.id for r in lists.received(ctx, t.alex, PAGE).items] == [req.id]
    note = ctx.session.scalar(
        select(Notification).where(
            Notification.member_id == t.alex.id, Notification.kind == "introduction_received"
        )
    )
    assert note is not None
    assert note.actor_id == t.hannah.id
    assert note.detail == t.ana.name

    connection = service.accept(ctx, t.alex, req.id)
    assert connection.context == f"Introduced by {t.hannah.name}"
    assert connection_between(ctx.session, t.ana.id, t.alex.id) is connection
    assert service.requester_status(ctx, req) == "connected"
    assert service.intermediary_status(ctx, req) == "connected"
    # Accepting twice is harmless; the requester is prompted to thank Hannah.
    assert service.accept(ctx, t.alex, req.id) is connection
    assert [r.id for r in lists.thanks_due(ctx, t.ana)] == [req.id]
    service.dismiss_thanks(ctx, t.ana, req.id)
    assert lists.thanks_due(ctx, t.ana) == []
    told = ctx.session.scalars(
        select(Notification.kind).where(Notification.introduction_id == req.id)
    ).all()
    assert sorted(told) == [
        "introduction_accepted",
        "introduction_made",
        "introduction_received",
        "introduction_request",
    ]


def test_forwarding_is_an_interaction_with_both_sides(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, req.id)
    rows = ctx.session.execute(
        select(Contact.other_id, Interaction.kind, Contact.last_interaction_at)
        .join(Interaction, Interaction.contact_id == Contact.id)
        .where(Contact.owner_id == t.hannah.id)
    ).all()
    assert sorted((r[0], r[1]) for r in rows) == sorted(
        [(t.ana.id, "introduction"), (t.alex.id, "introduction")]
    )
    assert all(r[2] == ctx.clock.now() for r in rows)


def test_refusals(ctx: Ctx) -> None:
    t = three(ctx)
    stranger = make_member(ctx, "Sam")
    assert _code(ctx, service.ask, ctx, t.ana, t.hannah, t.ana) == "self_introduction"
    assert _code(ctx, service.ask, ctx, t.ana, t.ana, t.alex) == "not_an_intermediary"
    assert _code(ctx, service.ask, ctx, t.ana, stranger, t.alex) == "not_an_intermediary"
    assert _code(ctx, service.ask, ctx, t.ana, t.hannah, stranger) == "not_an_intermediary"
    assert _code(ctx, service.ask, ctx, t.ana, t.alex, t.hannah) == "already_connected"
    long_message = "x" * (ctx.settings.invitation_note_max + 1)
    assert _code(ctx, service.ask, ctx, t.ana, t.hannah, t.alex, message=long_message) == (
        "note_too_long"
    )
    assert _code(ctx, service.ask, ctx, t.ana, t.hannah, t.alex, note="x" * 1001) == (
        "note_too_long"
    )
    assert _code(ctx, service.ask, ctx, t.ana, t.hannah, t.alex, note="a\x00b") == "invalid_text"
    assert _code(ctx, service.ask, ctx, t.hannah, t.ana, t.alex) == "already_connected"
    service.ask(ctx, t.ana, t.hannah, t.alex)
    # One open request per target, whoever is asked.
    other = make_member(ctx, "Omar")
    connect(ctx, t.ana, other)
    connect(ctx, other, t.alex)
    assert _code(ctx, service.ask, ctx, t.ana, other, t.alex) == "introduction_pending"
    assert _code(ctx, service.forward, ctx, t.ana, 2**62) == "introduction_not_found"
    assert _code(ctx, service.view, ctx, stranger, 1) == "introduction_not_found"


def test_one_open_request_per_target_until_it_lapses(ctx: Ctx, clock: FrozenClock) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.decline(ctx, t.hannah, req.id)
    # Declined silently: to Ana it is still open, so she can't ask again.
    assert _code(ctx, service.ask, ctx, t.ana, t.hannah, t.alex) == "introduction_pending"
    clock.advance(days=30)
    assert service.requester_status(ctx, req) == "not_forwarded"
    again = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.withdraw(ctx, t.ana, again.id)
    assert service.requester_status(ctx, again) == "withdrawn"
    service.ask(ctx, t.ana, t.hannah, t.alex)


def test_the_weekly_limit_says_when_to_retry(ctx: Ctx, clock: FrozenClock) -> None:
    ctx.settings.introductions_per_week = 2
    t = three(ctx)
    more = [make_member(ctx, f"Target{n}") for n in range(3)]
    for m in more:
        connect(ctx, t.hannah, m)
    service.ask(ctx, t.ana, t.hannah, more[0])
    clock.advance(days=2)
    service.ask(ctx, t.ana, t.hannah, more[1])
    with pytest.raises(KithError) as refused:
        service.ask(ctx, t.ana, t.hannah, more[2])
    assert refused.value.code == "introduction_limit"
    assert refused.value.status == 429
    assert int(refused.value.headers["Retry-After"]) == 5 * 86400 + 1
    clock.advance(days=5, seconds=1)
    service.ask(ctx, t.ana, t.hannah, more[2])


def test_a_member_who_turned_requests_off_is_not_offered(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        t = three(ctx)
        other = make_member(ctx, "Omar")
        connect(ctx, t.ana, other)
        connect(ctx, other, t.alex)
        service.set_accepts_requests(ctx, t.hannah, False)
        assert _code(ctx, service.ask, ctx, t.ana, t.hannah, t.alex) == "introductions_off"
    synced(kith)
    with kith.uow(write=False) as ctx:
        ana = ctx.session.merge(t.ana)
        options = lists.ask_options(ctx, ana, ctx.session.merge(t.alex))
        assert [c.intermediary.id for c in options.candidates] == [other.id]
        assert options.declined == 1


def test_ranking_follows_your_own_relationship(kith: Kith, client: TestClient) -> None:
    from kith.relationships.interactions import log_interaction

    with kith.uow() as ctx:
        t = three(ctx)
        omar = make_member(ctx, "Omar")
        connect(ctx, t.ana, omar)
        connect(ctx, omar, t.alex)
        log_interaction(ctx, t.ana, omar, "meeting")
    synced(kith)
    with kith.uow(write=False) as ctx:
        options = lists.ask_options(ctx, ctx.session.merge(t.ana), ctx.session.merge(t.alex))
        assert [c.intermediary.id for c in options.candidates] == [omar.id, t.hannah.id]
        assert options.degree == 2


def test_third_degree_asks_the_first_on_the_way(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        t = three(ctx)
        cleo = make_member(ctx, "Cleo", "Far")
        connect(ctx, t.alex, cleo)
    synced(kith)
    with kith.uow(write=False) as ctx:
        options = lists.ask_options(ctx, ctx.session.merge(t.ana), ctx.session.merge(cleo))
        assert options.degree == 3
        assert [(c.intermediary.id, c.via.id) for c in options.candidates] == [
            (t.hannah.id, t.alex.id)
        ]
    with kith.uow() as ctx:
        ana, hannah, alex, far = (ctx.session.merge(m) for m in (t.ana, t.hannah, t.alex, cleo))
        req = service.ask(ctx, ana, hannah, alex, final_target=far)
        assert req.final_target_id == far.id
        # One open request per member to reach, also in the end.
        assert _code(ctx, service.ask, ctx, ana, hannah, alex) == "introduction_pending"
        # A member not on the way is refused.
        assert _code(ctx, service.ask, ctx, hannah, alex, far, final_target=ana) in (
            "already_connected",
            "not_on_the_way",
            "not_an_intermediary",
        )


def test_the_targets_invite_policy(ctx: Ctx) -> None:
    t = three(ctx)
    t.alex.invite_policy = "shared_connection"
    ctx.session.flush()
    # The introduction is the path for "shared connection" members.
    first = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.withdraw(ctx, t.ana, first.id)
    t.alex.invite_policy = "email"
    ctx.session.flush()
    assert _code(ctx, service.ask, ctx, t.ana, t.hannah, t.alex) == "email_required"
    assert (
        _code(ctx, service.ask, ctx, t.ana, t.hannah, t.alex, email="wrong@example.org")
        == "email_mismatch"
    )
    req = service.ask(ctx, t.ana, t.hannah, t.alex, email=t.alex.email.upper())
    assert req.status == "pending"


def test_the_intermediary_must_be_connected_to_both_when_forwarding(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    remove_connection(ctx, t.alex, t.hannah)  # silent: Hannah's request just ends
    assert lists.asked(ctx, t.hannah, PAGE).total == 0
    assert _code(ctx, service.forward, ctx, t.hannah, req.id) == "introduction_not_found"
    assert service.requester_status(ctx, req) == "waiting"


@pytest.mark.parametrize("blocker", ["ana", "hannah", "alex"])
@pytest.mark.parametrize("blocked", ["ana", "hannah", "alex"])
def test_a_block_anywhere_ends_it_silently(ctx: Ctx, blocker: str, blocked: str) -> None:
    if blocker == blocked:
        return
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, req.id)
    block(ctx, getattr(t, blocker), getattr(t, blocked))
    # The requester reads exactly what a silent decline reads.
    assert service.requester_status(ctx, req) == "forwarded"
    assert lists.received(ctx, t.alex, PAGE).total == 0
    assert _code(ctx, service.accept, ctx, t.alex, req.id) == "introduction_not_found"


def test_a_block_before_forwarding_ends_it(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    block(ctx, t.alex, t.ana)
    assert lists.asked(ctx, t.hannah, PAGE).total == 0
    assert _code(ctx, service.forward, ctx, t.hannah, req.id) == "introduction_not_found"
    assert service.requester_status(ctx, req) == "waiting"


def test_i_dont_know_this_person_silences_the_requester(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, req.id)
    service.report_unknown(ctx, t.alex, req.id)
    assert service.requester_status(ctx, req) == "forwarded"
    # Later ones are forwarded but never delivered, and read the same.
    ctx.clock.advance(days=31)  # type: ignore[attr-defined]
    again = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, again.id)
    assert again.status == "undelivered"
    assert service.requester_status(ctx, again) == "forwarded"
    assert _code(ctx, service.view, ctx, t.alex, again.id) == "introduction_not_found"


def test_i_dont_know_this_person_on_an_introduction_silences_invitations_too(
    ctx: Ctx,
) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, req.id)
    service.report_unknown(ctx, t.alex, req.id)
    # Ana's invitation reads as sent and never reaches Alex, as after an invitation
    # Alex said he doesn't know her.
    later = send_invitation(ctx, t.ana, t.alex).invitation
    assert later.status == "undelivered"
    assert status_for(ctx, later, t.ana.id) == "pending"
    assert not ctx.session.scalars(
        select(Notification).where(
            Notification.member_id == t.alex.id,
            Notification.kind == "invitation_received",
            Notification.actor_id == t.ana.id,
        )
    ).all()
    # Alex may still invite Ana: with her invitation waiting, that connects them.
    assert send_invitation(ctx, t.alex, t.ana).connection is not None


def test_an_earlier_unknown_invitation_applies(ctx: Ctx) -> None:
    ana, alex = make_member(ctx, "Ana"), make_member(ctx, "Alex")
    invited = send_invitation(ctx, ana, alex).invitation
    report_unknown(ctx, alex, invited.id)
    hannah = make_member(ctx, "Hannah")
    connect(ctx, ana, hannah)
    connect(ctx, hannah, alex)
    req = service.ask(ctx, ana, hannah, alex)
    service.forward(ctx, hannah, req.id)
    assert req.status == "undelivered"
    assert lists.received(ctx, alex, PAGE).total == 0


def test_reports_on_introductions_count_towards_the_restriction(ctx: Ctx) -> None:
    ctx.settings.unknown_reports_threshold = 2
    t = three(ctx)
    other = make_member(ctx, "Zed")
    connect(ctx, t.hannah, other)
    for target in (t.alex, other):
        req = service.ask(ctx, t.ana, t.hannah, target)
        service.forward(ctx, t.hannah, req.id)
        service.report_unknown(ctx, target, req.id)
    assert t.ana.invite_restricted_until is not None
    new = make_member(ctx, "New")
    connect(ctx, t.hannah, new)
    assert _code(ctx, service.ask, ctx, t.ana, t.hannah, new) == "email_required"


def test_lapses_after_thirty_days(ctx: Ctx, clock: FrozenClock) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    clock.advance(days=30)
    assert service.requester_status(ctx, req) == "not_forwarded"
    assert service.intermediary_status(ctx, req) == "lapsed"
    assert _code(ctx, service.forward, ctx, t.hannah, req.id) == "introduction_closed"
    forwarded = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, forwarded.id)
    clock.advance(days=30)
    assert service.requester_status(ctx, forwarded) == "no_reply"
    assert _code(ctx, service.accept, ctx, t.alex, forwarded.id) == "introduction_closed"


def test_account_deletion_ends_pending_requests_silently(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex, note="private words")
    delete_account(ctx, t.hannah, confirmed=True)
    ctx.session.refresh(req)
    assert req.status == "ended"
    assert req.note == ""
    assert service.requester_status(ctx, req) == "waiting"
    assert (
        ctx.session.scalar(select(Notification).where(Notification.introduction_id == req.id))
        is None
    )


def test_summary_counts_the_year(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, req.id)
    service.accept(ctx, t.alex, req.id)
    mine = lists.summary(ctx, t.hannah)
    assert (mine.made_for_others, mine.people_connected, mine.forwarded) == (1, 2, 1)
    assert lists.summary(ctx, t.ana).received == 1
    assert lists.summary(ctx, t.ana).asked == 1
    assert lists.summary(ctx, t.alex).received == 1
    assert ctx.session.get(IntroductionRequest, req.id) is not None
    assert timedelta(0) <= ctx.clock.now() - req.created_at


def test_after_forwarding_the_intermediary_sees_no_block_between_the_others(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, req.id)
    block(ctx, t.alex, t.ana)
    # Hannah reads "forwarded" as before: the block between the two others is theirs.
    assert [r.id for r in lists.asked(ctx, t.hannah, PAGE).items] == [req.id]
    assert service.view(ctx, t.hannah, req.id) is req
    # A member Hannah blocked, or who blocked her, takes the request from her view.
    block(ctx, t.ana, t.hannah)
    assert lists.asked(ctx, t.hannah, PAGE).total == 0
    assert _code(ctx, service.view, ctx, t.hannah, req.id) == "introduction_not_found"


def test_a_removal_after_forwarding_changes_nothing(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    service.forward(ctx, t.hannah, req.id)
    remove_connection(ctx, t.hannah, t.alex)  # the rule holds when asking and forwarding
    connection = service.accept(ctx, t.alex, req.id)
    assert connection.context == f"Introduced by {t.hannah.name}"


def test_a_removal_between_requester_and_intermediary_ends_a_waiting_request(ctx: Ctx) -> None:
    t = three(ctx)
    req = service.ask(ctx, t.ana, t.hannah, t.alex)
    remove_connection(ctx, t.hannah, t.ana)
    assert lists.asked(ctx, t.hannah, PAGE).total == 0
    assert _code(ctx, service.decline, ctx, t.hannah, req.id) == "introduction_not_found"
    assert service.requester_status(ctx, req) == "waiting"
