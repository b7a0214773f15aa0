"""Every rule of DESIGN "Connections and invitations", through the services and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.clock import FrozenClock
from kith.connections.service import (
    accept_invitation,
    expire_invitations,
    ignore_invitation,
    list_connections,
    received_invitations,
    remove_connection,
    report_unknown,
    send_invitation,
    sent_invitations,
    status_for,
    withdraw_invitation,
)
from kith.follows.service import follow
from kith.models import (
    OPEN_STATUSES,
    Connection,
    Follow,
    Invitation,
    Member,
    NetworkOutbox,
    Notification,
)
from kith.notifications.service import mark_read, unread_count
from kith.pagination import PageRequest
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.refusals import refusal, refused
from tests.fixtures.settings import with_settings

API = "/api/v1"
ALL = PageRequest(1, 100)


def count(ctx: Ctx, model: type, *where: object) -> int:
    return int(ctx.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def open_between(ctx: Ctx, a: Member, b: Member) -> int:
    lo, hi = sorted((a.id, b.id))
    return count(
        ctx,
        Invitation,
        Invitation.pair_lo == lo,
        Invitation.pair_hi == hi,
        Invitation.status.in_(OPEN_STATUSES),
    )


def connections_of(ctx: Ctx, a: Member, b: Member) -> int:
    lo, hi = sorted((a.id, b.id))
    return count(ctx, Connection, Connection.member_lo_id == lo, Connection.member_hi_id == hi)


def notes(ctx: Ctx, member: Member, kind: str) -> list[Notification]:
    return list(
        ctx.session.scalars(
            select(Notification).where(
                Notification.member_id == member.id, Notification.kind == kind
            )
        )
    )


def invite(client: TestClient, headers: dict[str, str], to: str, **body: object):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/invitations", json={"to": to, **body}, headers=headers)


# --- refusals at the door ---------------------------------------------------------------


def test_self_invitation_refused(ctx: Ctx, client: TestClient) -> None:
    a = make_member(ctx, "Ana")
    refusal("self_invitation", send_invitation, ctx, a, a)
    refused(invite(client, bearer(ctx, a), a.handle), 422, "self_invitation")
    assert count(ctx, Invitation) == 0


def test_note_at_most_300_characters(ctx: Ctx, client: TestClient) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    err = refusal("note_too_long", send_invitation, ctx, a, b, note="x" * 301)
    assert err.status == 422
    body = refused(invite(client, bearer(ctx, a), c.handle, note="y" * 301), 422, "note_too_long")
    assert "301" in body["detail"]
    assert count(ctx, Invitation) == 0
    result = send_invitation(ctx, a, b, note="x" * 300)
    assert result.invitation.note == "x" * 300
    sent = invite(client, bearer(ctx, a), c.handle, note="y" * 300)
    assert sent.status_code == 201, sent.text
    assert sent.json()["invitation"]["note"] == "y" * 300


def test_context_is_recorded_on_the_connection(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    refusal("context_too_long", send_invitation, ctx, a, b, context="c" * 121)
    sent = send_invitation(ctx, a, b, note="Hi", context="  We worked   together at Acme ")
    connection = accept_invitation(ctx, b, sent.invitation.id)
    assert connection.context == "We worked together at Acme"
    assert connection.inviter_id == a.id
    assert connection.invitation_id == sent.invitation.id
    assert connection.created_at == ctx.clock.now()


def test_already_connected_refused(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, a, b)
    refusal("already_connected", send_invitation, ctx, a, b)
    refusal("already_connected", send_invitation, ctx, b, a)
    refused(invite(client, bearer(ctx, b), a.handle), 409, "already_connected")
    assert count(ctx, Invitation) == 1


def test_duplicate_pending_refused(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    send_invitation(ctx, a, b)
    refusal("invitation_pending", send_invitation, ctx, a, b)
    refused(invite(client, bearer(ctx, a), b.handle), 409, "invitation_pending")
    assert count(ctx, Invitation) == 1


def test_inactive_member_cannot_be_invited(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    b.is_active = False
    ctx.session.flush()
    refusal("member_not_found", send_invitation, ctx, a, b)
    refused(invite(client, bearer(ctx, a), b.handle), 404, "member_not_found")
    refused(invite(client, bearer(ctx, a), "nobody-here"), 404, "member_not_found")


# --- crossing invitations ----------------------------------------------------------------


def test_crossing_invitations_accept_each_other(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    first = send_invitation(ctx, a, b, context="Acme")
    crossed = send_invitation(ctx, b, a, note="Hello!")
    assert crossed.connection is not None
    assert crossed.invitation.id == first.invitation.id
    assert crossed.invitation.status == "accepted"
    assert connections_of(ctx, a, b) == 1
    assert crossed.connection.inviter_id == a.id  # the first inviter invited
    assert crossed.connection.context == "Acme"
    assert open_between(ctx, a, b) == 0
    assert count(ctx, Invitation) == 1  # no second invitation was stored
    assert count(ctx, Follow, Follow.follower_id == a.id, Follow.followee_id == b.id) == 1
    assert count(ctx, Follow, Follow.follower_id == b.id, Follow.followee_id == a.id) == 1
    [accepted] = notes(ctx, a, "invitation_accepted")
    assert accepted.actor_id == b.id
    assert accepted.invitation_id == first.invitation.id
    assert notes(ctx, b, "invitation_accepted") == []


def test_crossing_invitations_through_the_api(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    assert invite(client, bearer(ctx, a), b.handle).status_code == 201
    crossed = invite(client, bearer(ctx, b), a.handle)
    assert crossed.status_code == 200, crossed.text
    assert crossed.json()["connected"] is True
    assert crossed.json()["invitation"]["status"] == "accepted"
    assert open_between(ctx, a, b) == 0
    assert connections_of(ctx, a, b) == 1
    assert client.get(f"{API}/invitations/received", headers=bearer(ctx, b)).json()["total"] == 0
    assert client.get(f"{API}/invitations/sent", headers=bearer(ctx, a)).json()["total"] == 0


def test_crossing_an_expired_invitation_sends_a_new_one(ctx: Ctx, clock: FrozenClock) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    old = send_invitation(ctx, a, b).invitation
    clock.advance(days=180)
    result = send_invitation(ctx, b, a)
    assert result.connection is None
    assert old.status == "expired"
    assert result.invitation.sender_id == b.id
    assert connections_of(ctx, a, b) == 0


# --- blocks --------------------------------------------------------------------------------


def test_blocked_either_way(ctx: Ctx, client: TestClient) -> None:
    from kith.blocks.service import block

    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    block(ctx, a, b)
    err = refusal("member_blocked", send_invitation, ctx, a, b)
    assert err.status == 409
    err = refusal("member_not_found", send_invitation, ctx, b, a)
    assert err.status == 404
    refused(invite(client, bearer(ctx, a), b.handle), 409, "member_blocked")
    refused(invite(client, bearer(ctx, b), a.handle), 404, "member_not_found")
    assert count(ctx, Invitation) == 0


# --- who can invite me -------------------------------------------------------------------


def test_recipient_policy_email(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben", email="ben.okafor@example.org")
    b.invite_policy = "email"
    ctx.session.flush()
    refusal("email_required", send_invitation, ctx, a, b)
    refusal("email_mismatch", send_invitation, ctx, a, b, email="ben@example.org")
    refused(invite(client, bearer(ctx, a), b.handle), 403, "email_required")
    refused(invite(client, bearer(ctx, a), b.handle, email="someone@x.org"), 403, "email_mismatch")
    assert count(ctx, Invitation) == 0
    sent = invite(client, bearer(ctx, a), b.handle, email=" Ben.Okafor@Example.org ")
    assert sent.status_code == 201, sent.text


def test_recipient_policy_shared_connection(ctx: Ctx, client: TestClient) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    b.invite_policy = "shared_connection"
    ctx.session.flush()
    refusal("recipient_policy", send_invitation, ctx, a, b)
    refused(invite(client, bearer(ctx, a), b.handle), 403, "recipient_policy")
    connect(ctx, a, c)
    refusal("recipient_policy", send_invitation, ctx, a, b)  # c is not b's connection yet
    connect(ctx, b, c)
    sent = invite(client, bearer(ctx, a), b.handle)
    assert sent.status_code == 201, sent.text


def test_policy_does_not_stop_crossing_acceptance(ctx: Ctx) -> None:
    """B invited A; A accepts by inviting back even though B only takes email invitations."""
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    b.invite_policy = "email"
    ctx.session.flush()
    send_invitation(ctx, b, a)
    assert send_invitation(ctx, a, b).connection is not None


# --- the weekly limit --------------------------------------------------------------------


def test_one_hundred_invitations_per_rolling_week(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    sender = make_member(ctx, "Sam")
    others = [make_member(ctx, "Rae") for _ in range(102)]
    for other in others[:100]:
        send_invitation(ctx, sender, other)
        clock.advance(minutes=1)
    err = refusal("invitation_limit", send_invitation, ctx, sender, others[100])
    assert err.status == 429
    response = invite(client, bearer(ctx, sender), others[100].handle)
    refused(response, 429, "invitation_limit")
    # The oldest invitation leaves the window 7 days after it was sent.
    expected = (timedelta(days=7) - timedelta(minutes=100)).total_seconds() + 1
    assert int(response.headers["Retry-After"]) == int(expected)
    assert count(ctx, Invitation, Invitation.sender_id == sender.id) == 100

    clock.advance(seconds=int(response.headers["Retry-After"]))
    assert send_invitation(ctx, sender, others[100]).invitation.status == "pending"
    # Only the first invitation left the window: the next one is refused again.
    refusal("invitation_limit", send_invitation, ctx, sender, others[101])


def test_withdrawn_invitations_still_count_against_the_limit(ctx: Ctx, clock: FrozenClock) -> None:
    with_settings(ctx, invitations_per_week=3)
    sender = make_member(ctx, "Sam")
    others = [make_member(ctx, "Rae") for _ in range(4)]
    for other in others[:3]:
        withdraw_invitation(ctx, sender, send_invitation(ctx, sender, other).invitation.id)
    refusal("invitation_limit", send_invitation, ctx, sender, others[3])
    clock.advance(days=7)
    send_invitation(ctx, sender, others[3])


# --- withdraw ----------------------------------------------------------------------------


def test_withdraw_then_21_day_cooldown(ctx: Ctx, client: TestClient, clock: FrozenClock) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    response = client.post(f"{API}/invitations/{sent.id}/withdraw", headers=bearer(ctx, a))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn"
    ctx.session.expire_all()
    assert sent.status == "withdrawn"
    assert sent.withdrawn_at == clock.now()
    # Withdrawing twice changes nothing.
    assert withdraw_invitation(ctx, a, sent.id).withdrawn_at == clock.now()
    # The recipient no longer sees it, and cannot accept it.
    assert received_invitations(ctx, b, ALL).total == 0
    refusal("invitation_closed", accept_invitation, ctx, b, sent.id)
    clock.advance(days=1)
    refusal("withdraw_cooldown", send_invitation, ctx, a, b)
    clock.advance(days=19, hours=23)
    refused(invite(client, bearer(ctx, a), b.handle), 409, "withdraw_cooldown")
    clock.advance(hours=1)  # exactly 21 days after withdrawing
    again = invite(client, bearer(ctx, a), b.handle)
    assert again.status_code == 201, again.text
    # The recipient may invite back at any time: the cooldown binds the one who withdrew.


def test_recipient_may_invite_after_sender_withdrew(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    withdraw_invitation(ctx, a, send_invitation(ctx, a, b).invitation.id)
    result = send_invitation(ctx, b, a)
    assert result.connection is None
    assert result.invitation.sender_id == b.id


def test_withdraw_by_a_non_sender_is_not_found(ctx: Ctx, client: TestClient) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    sent = send_invitation(ctx, a, b).invitation
    refusal("invitation_not_found", withdraw_invitation, ctx, b, sent.id)
    refusal("invitation_not_found", withdraw_invitation, ctx, c, sent.id)
    refused(
        client.post(f"{API}/invitations/{sent.id}/withdraw", headers=bearer(ctx, b)),
        404,
        "invitation_not_found",
    )
    refused(
        client.post(f"{API}/invitations/{sent.id + 999}/withdraw", headers=bearer(ctx, a)),
        404,
        "invitation_not_found",
    )
    assert sent.status == "pending"


def test_withdraw_after_acceptance_is_closed(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    accept_invitation(ctx, b, sent.id)
    refusal("invitation_closed", withdraw_invitation, ctx, a, sent.id)
    assert sent.status == "accepted"


# --- expiry ------------------------------------------------------------------------------


def test_expiry_after_180_days(ctx: Ctx, client: TestClient, clock: FrozenClock) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    clock.advance(days=179, hours=23)
    assert status_for(ctx, sent, a.id) == "pending"
    assert received_invitations(ctx, b, ALL).total == 1
    clock.advance(hours=1)
    # Decided from timestamps: nothing swept it, the row still says pending.
    assert sent.status == "pending"
    assert status_for(ctx, sent, a.id) == "expired"
    assert status_for(ctx, sent, b.id) == "expired"
    assert sent_invitations(ctx, a, ALL).total == 0
    assert received_invitations(ctx, b, ALL).total == 0
    got = client.get(f"{API}/invitations/{sent.id}", headers=bearer(ctx, a))
    assert got.json()["status"] == "expired"
    refused(
        client.post(f"{API}/invitations/{sent.id}/accept", headers=bearer(ctx, b)),
        409,
        "invitation_closed",
    )
    assert connections_of(ctx, a, b) == 0
    again = invite(client, bearer(ctx, a), b.handle)
    assert again.status_code == 201, again.text
    ctx.session.expire_all()
    assert sent.status == "expired"
    assert sent.responded_at == sent.created_at + timedelta(days=180)
    assert count(ctx, Invitation) == 2


def test_expire_sweep_marks_only_old_open_invitations(ctx: Ctx, clock: FrozenClock) -> None:
    a, b, c, d = (make_member(ctx, n) for n in ("Ana", "Ben", "Cy", "Dee"))
    old = send_invitation(ctx, a, b).invitation
    ignored = send_invitation(ctx, a, c).invitation
    ignore_invitation(ctx, c, ignored.id)
    accepted = send_invitation(ctx, d, a).invitation
    accept_invitation(ctx, a, accepted.id)
    clock.advance(days=100)
    young = send_invitation(ctx, b, c).invitation
    clock.advance(days=80)
    assert expire_invitations(ctx) == 2
    assert (old.status, ignored.status, accepted.status, young.status) == (
        "expired",
        "expired",
        "accepted",
        "pending",
    )
    assert expire_invitations(ctx) == 0


# --- ignore ------------------------------------------------------------------------------


def test_ignore_is_silent(ctx: Ctx, client: TestClient, clock: FrozenClock) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    response = client.post(f"{API}/invitations/{sent.id}/ignore", headers=bearer(ctx, b))
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    # The recipient no longer lists it ...
    received = client.get(f"{API}/invitations/received", headers=bearer(ctx, b)).json()
    assert received["total"] == 0
    assert received["items"] == []
    # ... the sender still sees it pending, in the list and on its own.
    sent_list = client.get(f"{API}/invitations/sent", headers=bearer(ctx, a)).json()
    assert [(i["id"], i["status"]) for i in sent_list["items"]] == [(sent.id, "pending")]
    got = client.get(f"{API}/invitations/{sent.id}", headers=bearer(ctx, a)).json()
    assert got["status"] == "pending"
    profile = client.get(f"{API}/members/{b.handle}", headers=bearer(ctx, a)).json()
    assert profile["relationship"]["invitation_sent_id"] == sent.id
    refused(invite(client, bearer(ctx, a), b.handle), 409, "invitation_pending")
    assert notes(ctx, a, "invitation_accepted") == []
    # Ignoring twice is harmless; until expiry.
    assert ignore_invitation(ctx, b, sent.id).status == "ignored"
    clock.advance(days=180)
    got = client.get(f"{API}/invitations/{sent.id}", headers=bearer(ctx, a)).json()
    assert got["status"] == "expired"
    assert client.get(f"{API}/invitations/sent", headers=bearer(ctx, a)).json()["total"] == 0


def test_ignore_by_the_sender_is_not_found(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    refusal("invitation_not_found", ignore_invitation, ctx, a, sent.id)
    refusal("invitation_not_found", report_unknown, ctx, a, sent.id)


# --- "I don't know this person" ----------------------------------------------------------


def test_dont_know_this_person_is_silent_and_forever(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    response = client.post(f"{API}/invitations/{sent.id}/report", headers=bearer(ctx, b))
    assert response.status_code == 200
    assert response.json()["status"] == "declined_unknown"
    # Silent to the sender, like ignoring (tests/connections/test_unknown_is_silent.py
    # compares the two everywhere).
    got = client.get(f"{API}/invitations/{sent.id}", headers=bearer(ctx, a)).json()
    assert got["status"] == "pending"
    assert client.get(f"{API}/invitations/received", headers=bearer(ctx, b)).json()["total"] == 0
    refused(invite(client, bearer(ctx, a), b.handle), 409, "invitation_pending")
    ctx.session.expire_all()
    # Withdrawing the reported invitation does not lift it, nor does time: every later
    # invitation reads as sent and never reaches Ben.
    withdraw_invitation(ctx, a, sent.id)
    assert sent.status == "declined_unknown"
    clock.advance(days=22)
    later = send_invitation(ctx, a, b).invitation
    assert later.status == "undelivered"
    assert status_for(ctx, later, a.id) == "pending"
    clock.advance(days=1000)
    assert send_invitation(ctx, a, b).invitation.status == "undelivered"
    assert len(notes(ctx, b, "invitation_received")) == 1  # the first one only
    # The one who reported may still invite the other: as with an ignored invitation,
    # that accepts the one still pending to its sender.
    assert send_invitation(ctx, b, a).connection is not None


def test_five_reports_in_30_days_restrict_the_sender(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    spammer = make_member(ctx, "Sam")
    victims = [make_member(ctx, "Vic") for _ in range(5)]
    target = make_member(ctx, "Tia", email="tia.target@example.org")
    for i, victim in enumerate(victims):
        invitation = send_invitation(ctx, spammer, victim).invitation
        clock.advance(days=5)
        report_unknown(ctx, victim, invitation.id)
        if i < 4:
            assert spammer.invite_restricted_until is None
    assert spammer.invite_restricted_until == clock.now() + timedelta(days=30)
    refusal("email_required", send_invitation, ctx, spammer, target)
    refused(invite(client, bearer(ctx, spammer), target.handle), 403, "email_required")
    refused(
        invite(client, bearer(ctx, spammer), target.handle, email="nope@example.org"),
        403,
        "email_mismatch",
    )
    settings = client.get(f"{API}/me/settings", headers=bearer(ctx, spammer)).json()
    assert settings["invite_restricted_until"] is not None
    other = make_member(ctx, "Oli")
    ok = invite(client, bearer(ctx, spammer), target.handle, email="TIA.target@example.org")
    assert ok.status_code == 201, ok.text
    clock.advance(days=29, hours=23)
    refusal("email_required", send_invitation, ctx, spammer, other)
    clock.advance(hours=1)
    assert send_invitation(ctx, spammer, other).invitation.status == "pending"


def test_reports_spread_over_more_than_30_days_do_not_restrict(
    ctx: Ctx, clock: FrozenClock
) -> None:
    spammer = make_member(ctx, "Sam")
    for _ in range(5):
        victim = make_member(ctx, "Vic")
        report_unknown(ctx, victim, send_invitation(ctx, spammer, victim).invitation.id)
        clock.advance(days=8)
    assert spammer.invite_restricted_until is None
    send_invitation(ctx, spammer, make_member(ctx, "Oli"))


# --- the connection cap ------------------------------------------------------------------


def test_connection_cap(ctx: Ctx, kith: Kith, client: TestClient) -> None:
    with_settings(ctx, max_connections=2)
    kith.settings = ctx.settings
    a, b, c, d, e = (make_member(ctx, n) for n in ("Ana", "Ben", "Cy", "Dee", "Eve"))
    pending = send_invitation(ctx, e, a).invitation  # sent while A still had room
    connect(ctx, a, b)
    connect(ctx, a, c)
    # A, at the cap, can neither invite nor accept nor be invited.
    refusal("connection_limit", send_invitation, ctx, a, d)
    refusal("recipient_connection_limit", send_invitation, ctx, d, a)
    err = refusal("connection_limit", accept_invitation, ctx, a, pending.id)
    assert err.status == 429
    refused(invite(client, bearer(ctx, a), d.handle), 429, "connection_limit")
    refused(invite(client, bearer(ctx, d), a.handle), 429, "recipient_connection_limit")
    refused(
        client.post(f"{API}/invitations/{pending.id}/accept", headers=bearer(ctx, a)),
        429,
        "connection_limit",
    )
    # Accepting an invitation from a member who is at the cap.
    to_d = send_invitation(ctx, d, c).invitation  # C has one connection
    connect(ctx, d, e)
    connect(ctx, b, c)  # C is now at the cap
    refusal("connection_limit", accept_invitation, ctx, c, to_d.id)
    # Others can still follow a member at the cap.
    assert follow(ctx, d, a) is True
    assert ctx.session.scalar(select(func.count()).select_from(Connection)) == 4
    assert pending.status == "pending"


def test_accepting_from_a_sender_at_the_cap(ctx: Ctx) -> None:
    with_settings(ctx, max_connections=1)
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    pending = send_invitation(ctx, a, c).invitation
    connect(ctx, a, b)
    refusal("recipient_connection_limit", accept_invitation, ctx, c, pending.id)
    # Crossing: C inviting A back would connect, so it is refused the same way.
    refusal("recipient_connection_limit", send_invitation, ctx, c, a)
    assert connections_of(ctx, a, c) == 0


# --- accept ------------------------------------------------------------------------------


def test_accept_is_idempotent(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    first = client.post(f"{API}/invitations/{sent.id}/accept", headers=bearer(ctx, b))
    second = client.post(f"{API}/invitations/{sent.id}/accept", headers=bearer(ctx, b))
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["member"]["handle"] == a.handle
    assert connections_of(ctx, a, b) == 1
    assert count(ctx, NetworkOutbox) == 1
    assert len(notes(ctx, a, "invitation_accepted")) == 1


def test_accept_by_a_non_recipient_is_not_found(ctx: Ctx, client: TestClient) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    sent = send_invitation(ctx, a, b).invitation
    refusal("invitation_not_found", accept_invitation, ctx, a, sent.id)
    refusal("invitation_not_found", accept_invitation, ctx, c, sent.id)
    refused(
        client.post(f"{API}/invitations/{sent.id}/accept", headers=bearer(ctx, c)),
        404,
        "invitation_not_found",
    )
    refused(
        client.get(f"{API}/invitations/{sent.id}", headers=bearer(ctx, c)),
        404,
        "invitation_not_found",
    )
    assert count(ctx, Connection) == 0
    assert sent.status == "pending"


def test_accept_an_ignored_invitation_later(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    ignore_invitation(ctx, b, sent.id)
    accept_invitation(ctx, b, sent.id)
    assert sent.status == "accepted"
    assert connections_of(ctx, a, b) == 1


def test_accept_after_the_connection_was_removed_is_closed(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sent = send_invitation(ctx, a, b).invitation
    accept_invitation(ctx, b, sent.id)
    remove_connection(ctx, a, b)
    refusal("invitation_closed", accept_invitation, ctx, b, sent.id)
    assert connections_of(ctx, a, b) == 0


# --- lists -------------------------------------------------------------------------------


def test_invitation_lists_are_paginated(ctx: Ctx, client: TestClient, clock: FrozenClock) -> None:
    me = make_member(ctx, "Mia")
    senders = [make_member(ctx, "Sid") for _ in range(5)]
    for sender in senders:
        send_invitation(ctx, sender, me)
        clock.advance(minutes=1)
    recipients = [make_member(ctx, "Rae") for _ in range(3)]
    for recipient in recipients:
        send_invitation(ctx, me, recipient)
        clock.advance(minutes=1)
    headers = bearer(ctx, me)
    page1 = client.get(f"{API}/invitations/received?per_page=2", headers=headers).json()
    page3 = client.get(f"{API}/invitations/received?per_page=2&page=3", headers=headers).json()
    assert (page1["total"], page1["pages"], page1["page"], page1["per_page"]) == (5, 3, 1, 2)
    assert [i["sender"]["handle"] for i in page1["items"]] == [s.handle for s in senders[:2:-1]]
    assert [i["sender"]["handle"] for i in page3["items"]] == [senders[0].handle]
    beyond = client.get(f"{API}/invitations/received?per_page=2&page=9", headers=headers).json()
    assert beyond["items"] == []
    assert beyond["total"] == 5
    sent = client.get(f"{API}/invitations/sent?per_page=2&page=2", headers=headers).json()
    assert sent["total"] == 3
    assert [i["recipient"]["handle"] for i in sent["items"]] == [recipients[0].handle]
    assert all(i["status"] == "pending" for i in sent["items"])


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "per_page=0", "per_page=101", "page=0&per_page=5"],
)
def test_invalid_page_is_refused(ctx: Ctx, client: TestClient, query: str) -> None:
    headers = bearer(ctx, make_member(ctx, "Mia"))
    for path in ("invitations/received", "invitations/sent", "connections"):
        refused(client.get(f"{API}/{path}?{query}", headers=headers), 422, "invalid_page")
    refusal("invalid_page", PageRequest.of, 0, None, default=20, maximum=100)


def test_connection_list_by_recent_and_by_name(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    me = make_member(ctx, "Mia", "Moss")
    names = [("Zoe", "Adams"), ("Al", "Young"), ("Bea", "adams"), ("Cal", "Marsh")]
    people = []
    for first, last in names:
        other = make_member(ctx, first, last)
        connect(ctx, other, me)
        people.append(other)
        clock.advance(hours=1)
    headers = bearer(ctx, me)
    recent = client.get(f"{API}/connections?per_page=3", headers=headers).json()
    assert (recent["total"], recent["pages"]) == (4, 2)
    assert [i["member"]["handle"] for i in recent["items"]] == [p.handle for p in people[:0:-1]]
    assert recent["items"][0]["invited_by_you"] is False
    by_name = client.get(f"{API}/connections?sort=name&per_page=2&page=1", headers=headers).json()
    page2 = client.get(f"{API}/connections?sort=name&per_page=2&page=2", headers=headers).json()
    ordered = [i["member"]["name"] for i in by_name["items"] + page2["items"]]
    assert ordered == ["Bea adams", "Zoe Adams", "Cal Marsh", "Al Young"]
    filtered = client.get(f"{API}/connections?q=marsh", headers=headers).json()
    assert [i["member"]["name"] for i in filtered["items"]] == ["Cal Marsh"]
    refused(client.get(f"{API}/connections?sort=age", headers=headers), 422, "invalid_sort")
    page = list_connections(ctx, me, me, PageRequest(2, 3), sort="recent")
    assert [e.member.id for e in page.items] == [people[0].id]
    refusal("invalid_sort", list_connections, ctx, me, me, ALL, sort="age")


# --- removal -----------------------------------------------------------------------------


def test_removal_is_silent_and_removes_follows(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, a, b)
    before = count(ctx, Notification)
    assert count(ctx, Follow) == 2
    response = client.delete(f"{API}/connections/{b.handle}", headers=bearer(ctx, a))
    assert response.status_code == 204
    assert connections_of(ctx, a, b) == 0
    assert count(ctx, Follow) == 0
    assert count(ctx, Notification) == before
    refused(
        client.delete(f"{API}/connections/{b.handle}", headers=bearer(ctx, a)), 404, "not_connected"
    )
    refusal("not_connected", remove_connection, ctx, b, a)
    # They may connect again.
    connect(ctx, b, a)
    assert connections_of(ctx, a, b) == 1


def test_removal_leaves_follows_with_others(ctx: Ctx) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    connect(ctx, a, b)
    follow(ctx, a, c)
    follow(ctx, c, b)
    remove_connection(ctx, b, a)
    pairs = set(ctx.session.execute(select(Follow.follower_id, Follow.followee_id)).all())
    assert pairs == {(a.id, c.id), (c.id, b.id)}


# --- connection-list visibility ---------------------------------------------------------


def test_connections_list_visibility(ctx: Ctx, client: TestClient) -> None:
    owner, friend, stranger, other = (make_member(ctx, n) for n in ("Ola", "Fay", "Stu", "Oz"))
    connect(ctx, owner, friend)
    connect(ctx, owner, other)
    url = f"{API}/members/{owner.handle}/connections"
    listing = client.get(url, headers=bearer(ctx, friend)).json()
    assert {i["member"]["handle"] for i in listing["items"]} == {friend.handle, other.handle}
    refused(client.get(url, headers=bearer(ctx, stranger)), 403, "connections_private")
    owner.connections_visibility = "only_me"
    ctx.session.flush()
    refused(client.get(url, headers=bearer(ctx, friend)), 403, "connections_private")
    refusal("connections_private", list_connections, ctx, friend, owner, ALL)
    mine = client.get(url, headers=bearer(ctx, owner)).json()
    assert mine["total"] == 2


def test_settings_visibility_through_the_api(ctx: Ctx, client: TestClient) -> None:
    owner, friend = make_member(ctx, "Ola"), make_member(ctx, "Fay")
    connect(ctx, owner, friend)
    response = client.patch(
        f"{API}/me/settings", json={"connections_visibility": "only_me"}, headers=bearer(ctx, owner)
    )
    assert response.status_code == 200, response.text
    url = f"{API}/members/{owner.handle}/connections"
    refused(client.get(url, headers=bearer(ctx, friend)), 403, "connections_private")


# --- notifications -----------------------------------------------------------------------


def test_notifications(ctx: Ctx, client: TestClient, clock: FrozenClock) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    sent = send_invitation(ctx, a, b).invitation
    [received] = notes(ctx, b, "invitation_received")
    assert (received.actor_id, received.invitation_id) == (a.id, sent.id)
    clock.advance(minutes=1)
    accept_invitation(ctx, b, sent.id)
    [accepted] = notes(ctx, a, "invitation_accepted")
    assert (accepted.actor_id, accepted.invitation_id) == (b.id, sent.id)
    # Connecting makes both follow each other without "new follower" noise.
    assert notes(ctx, a, "new_follower") == notes(ctx, b, "new_follower") == []
    clock.advance(minutes=1)
    follow(ctx, c, b)
    [followed] = notes(ctx, b, "new_follower")
    assert followed.actor_id == c.id
    assert unread_count(ctx, b) == 2

    headers = bearer(ctx, b)
    listing = client.get(f"{API}/notifications", headers=headers).json()
    assert [n["kind"] for n in listing["items"]] == ["new_follower", "invitation_received"]
    assert listing["unread"] == 2
    assert listing["items"][0]["actor"]["handle"] == c.handle
    one = client.post(f"{API}/notifications/{followed.id}/read", headers=headers)
    assert one.json() == {"marked": 1}
    assert client.get(f"{API}/notifications?unread=true", headers=headers).json()["total"] == 1
    refused(
        client.post(f"{API}/notifications/{accepted.id}/read", headers=headers),
        404,
        "notification_not_found",
    )
    assert client.post(f"{API}/notifications/read", headers=headers).json() == {"marked": 1}
    assert client.get(f"{API}/notifications", headers=headers).json()["unread"] == 0
    assert mark_read(ctx, a) == 1
    assert unread_count(ctx, a) == 0


# --- history -----------------------------------------------------------------------------


def test_history_is_kept(ctx: Ctx, clock: FrozenClock) -> None:
    from kith.blocks.service import block

    a, b, c, d, e, f = (make_member(ctx, n) for n in ("Ana", "Ben", "Cy", "Dee", "Eve", "Fox"))
    accepted = send_invitation(ctx, a, b).invitation
    accept_invitation(ctx, b, accepted.id)
    withdrawn = send_invitation(ctx, a, c).invitation
    withdraw_invitation(ctx, a, withdrawn.id)
    ignored = send_invitation(ctx, a, d).invitation
    ignore_invitation(ctx, d, ignored.id)
    reported = send_invitation(ctx, a, e).invitation
    report_unknown(ctx, e, reported.id)
    cancelled = send_invitation(ctx, a, f).invitation
    block(ctx, f, a)
    remove_connection(ctx, a, b)
    clock.advance(days=200)
    expire_invitations(ctx)
    statuses = dict(ctx.session.execute(select(Invitation.id, Invitation.status)).all())
    assert statuses == {
        accepted.id: "accepted",
        withdrawn.id: "withdrawn",
        ignored.id: "expired",
        reported.id: "declined_unknown",
        cancelled.id: "cancelled",
    }
    responded = dict(ctx.session.execute(select(Invitation.id, Invitation.responded_at)).all())
    assert None not in responded.values(), responded
