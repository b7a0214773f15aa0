""" "I don't know this person" is exactly as silent as ignoring: two worlds side by side,
one where the recipient ignored the invitation and one where they reported it, and
everything the sender can see (API, pages, lists, counts, notifications, insights,
the import's matches) must read the same, before and after the expiry date, and
after the recipient blocks the sender (and unblocks them)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.blocks.service import block
from kith.clock import FrozenClock
from kith.connections.service import (
    ignore_invitation,
    remove_connection,
    report_unknown,
    send_invitation,
    withdraw_invitation,
)
from kith.models import Contact, Invitation, Member, Notification
from kith.pagination import PageRequest
from kith.portability.inviting import imported_matches, invite_matches
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import HTMX, page_post, post, sign_in_as
from tests.fixtures.refusals import refused

API = "/api/v1"
WORLDS = ("ignore", "report")


class World:
    """A sender and a recipient who answered the sender's invitation one way."""

    def __init__(self, ctx: Ctx, answer: str) -> None:
        self.answer = answer
        tag = answer.capitalize()
        self.sender = make_member(ctx, "Sam", f"Stone{tag}", handle=f"sam-{answer}")
        self.recipient = make_member(ctx, "Rita", f"Reed{tag}", handle=f"rita-{answer}")
        self.words = {
            f"Stone{tag}": "Stone",
            f"Reed{tag}": "Reed",
            f"sam-{answer}": "sam",
            f"rita-{answer}": "rita",
            f"stone{tag.lower()}": "stone",
            f"reed{tag.lower()}": "reed",
        }
        self.ids: list[int] = []
        self.invitation = self.track(send_invitation(ctx, self.sender, self.recipient).invitation)
        answer_fn = ignore_invitation if answer == "ignore" else report_unknown
        answer_fn(ctx, self.recipient, self.invitation.id)

    def track(self, invitation: Invitation) -> Invitation:
        self.ids.append(invitation.id)
        return invitation

    def norm(self, value: Any) -> Any:
        """The same output with this world's names, handles and invitation ids blanked."""
        if isinstance(value, dict):
            return {
                k: "ID" if k.endswith("id") and isinstance(v, int) else self.norm(v)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.norm(v) for v in value]
        if isinstance(value, str):
            for word, same in self.words.items():
                value = value.replace(word, same)
            for invitation_id in self.ids:
                value = re.sub(rf"invitations?[/-]{invitation_id}\b", "invitation-ID", value)
            return re.sub(r'name="csrf_token" value="[^"]*"', "", value)
        return value


def _main(page: str) -> str:
    """A page's own content, without the header (whose counts are compared elsewhere)."""
    start = page.index("<main")
    return page[start : page.index("</main>", start)]


def _contact(ctx: Ctx, owner: Member, member: Member) -> Contact:
    """A private contact of ``owner``'s (as from an import) recognised as ``member``."""
    contact = Contact(
        owner_id=owner.id,
        name=member.name,
        source_key=f"test:{member.id}",
        matched_member_id=member.id,
        match="email",
        created_at=ctx.clock.now(),
    )
    ctx.session.add(contact)
    ctx.session.flush()
    return contact


def _sender_view(client: TestClient, ctx: Ctx, w: World) -> dict[str, Any]:
    s, r = w.sender, w.recipient
    auth = bearer(ctx, s)
    invite = client.post(f"{API}/invitations", json={"to": r.handle}, headers=auth)
    view: dict[str, Any] = {
        "invite": (invite.status_code, invite.json()),
        "sent": client.get(f"{API}/invitations/sent", headers=auth).json(),
        "one": client.get(f"{API}/invitations/{w.invitation.id}", headers=auth).json(),
        "profile": client.get(f"{API}/members/{r.handle}", headers=auth).json()["relationship"],
        "notifications": client.get(f"{API}/notifications", headers=auth).json(),
        "insights": client.get(f"{API}/me/insights", headers=auth).json()["invitations"],
    }
    sign_in_as(client, ctx, s)
    view["profile_page"] = _main(client.get(f"/in/{r.handle}").text)
    view["mynetwork_page"] = _main(client.get("/mynetwork").text)
    view["sent_page"] = _main(client.get("/mynetwork/sent").text)
    view["search_page"] = _main(client.get(f"/search?q=Reed{w.answer.capitalize()}").text)
    connect = page_post(client, f"/in/{r.handle}/connect")
    view["connect_page"] = (connect.status_code, _main(connect.text))
    # In place, with the header badges and the toast (htmx): from the profile and a list.
    for where in ("in", "people"):
        again = post(client, client.app.state.kith, f"/{where}/{r.handle}/connect", headers=HTMX)
        view[f"connect_{where}_htmx"] = (again.status_code, again.text)
    view["connect_dialog"] = client.get(f"/in/{r.handle}/connect", headers=HTMX).text
    _contact(ctx, s, r)
    matches = imported_matches(ctx, s, PageRequest(1, 10))
    view["import_matches"] = [(m.member.handle, m.state, m.detail) for m in matches.items]
    return w.norm(view)


def _worlds(ctx: Ctx) -> dict[str, World]:
    return {answer: World(ctx, answer) for answer in WORLDS}


def test_reported_reads_as_ignored_while_it_lasts(ctx: Ctx, client: TestClient) -> None:
    worlds = _worlds(ctx)
    ignored, reported = (_sender_view(client, ctx, worlds[w]) for w in WORLDS)
    assert ignored == reported
    status, body = reported["invite"]
    assert (status, body["error"]) == (409, "invitation_pending")
    assert body["detail"].startswith("You invited Rita Reed on ")
    assert [i["status"] for i in reported["sent"]["items"]] == ["pending"]
    assert reported["one"]["status"] == "pending"
    assert reported["profile"]["invitation_sent_id"] == "ID"
    assert reported["connect_page"][0] == 409
    assert "that invitation is still pending" in reported["connect_page"][1]
    assert reported["import_matches"] == [["rita", "pending", ""]]
    assert "don&#39;t know" not in str(reported)
    assert "don't know" not in str(reported)


def test_after_expiry_a_new_invitation_appears_sent_and_is_never_delivered(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    worlds = _worlds(ctx)
    clock.advance(days=181)
    answers: dict[str, Any] = {}
    for name, w in worlds.items():
        auth = bearer(ctx, w.sender)
        first = client.post(f"{API}/invitations", json={"to": w.recipient.handle}, headers=auth)
        assert first.status_code == 201, first.text
        w.track(ctx.session.get_one(Invitation, first.json()["invitation"]["id"]))
        again = client.post(f"{API}/invitations", json={"to": w.recipient.handle}, headers=auth)
        answers[name] = w.norm(
            {
                "first": first.json(),
                "again": (again.status_code, again.json()),
                "sent": client.get(f"{API}/invitations/sent", headers=auth).json(),
                "insights": client.get(f"{API}/me/insights", headers=auth).json()["invitations"],
            }
        )
    assert answers["ignore"] == answers["report"]
    assert answers["report"]["first"]["invitation"]["status"] == "pending"
    assert answers["report"]["again"][0] == 409
    assert answers["report"]["again"][1]["error"] == "invitation_pending"

    # The ignoring recipient receives the new invitation; the reporting one never does.
    def received(w: World) -> tuple[int, int]:
        listed = client.get(f"{API}/invitations/received", headers=bearer(ctx, w.recipient))
        notes = ctx.session.scalar(
            select(func.count()).where(
                Notification.member_id == w.recipient.id,
                Notification.kind == "invitation_received",
            )
        )
        return listed.json()["total"], int(notes or 0)

    assert received(worlds["ignore"]) == (1, 2)
    assert received(worlds["report"]) == (0, 1)  # only the first, reported, invitation
    phantom = worlds["report"].ids[-1]
    as_rita = bearer(ctx, worlds["report"].recipient)
    fetched = client.get(f"{API}/invitations/{phantom}", headers=as_rita)
    refused(fetched, 404, "invitation_not_found")
    for answer in ("accept", "ignore", "report"):
        refused(
            client.post(f"{API}/invitations/{phantom}/{answer}", headers=as_rita),
            404,
            "invitation_not_found",
        )
    # Her own archive has no trace of it either.
    archive = client.get(f"{API}/me/export/archive", headers=as_rita)
    assert archive.status_code == 200, archive.text
    assert len(archive.json()["invitations"]["received"]) == 1


def test_withdrawing_reads_the_same_and_so_does_the_cooldown(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    worlds = _worlds(ctx)
    seen = {}
    for name, w in worlds.items():
        withdrawn = withdraw_invitation(ctx, w.sender, w.invitation.id)
        auth = bearer(ctx, w.sender)
        got = client.get(f"{API}/invitations/{withdrawn.id}", headers=auth).json()
        again = client.post(f"{API}/invitations", json={"to": w.recipient.handle}, headers=auth)
        seen[name] = w.norm({"got": got, "again": (again.status_code, again.json())})
    assert seen["ignore"] == seen["report"]
    assert seen["report"]["got"]["status"] == "withdrawn"
    assert seen["report"]["again"][1]["error"] == "withdraw_cooldown"


def test_the_recipient_inviting_back_connects_either_way(ctx: Ctx, client: TestClient) -> None:
    worlds = _worlds(ctx)
    for w in worlds.values():
        result = send_invitation(ctx, w.recipient, w.sender)
        assert result.connection is not None  # crossing: the sender's invitation is accepted
        assert result.invitation.id == w.invitation.id
        assert result.invitation.status == "accepted"
        accepted = ctx.session.scalar(
            select(func.count()).where(
                Notification.member_id == w.sender.id, Notification.kind == "invitation_accepted"
            )
        )
        assert accepted == 1


def test_inviting_from_an_import_report_reads_the_same(ctx: Ctx, clock: FrozenClock) -> None:
    worlds = _worlds(ctx)
    outcomes = {}
    for name, w in worlds.items():
        contact = _contact(ctx, w.sender, w.recipient)
        now = invite_matches(ctx, w.sender, [contact.id])
        clock.advance(days=181)
        later = invite_matches(ctx, w.sender, [contact.id])
        clock.advance(days=-181)
        outcomes[name] = w.norm([(o.status, o.detail) for o in now + later])
    assert outcomes["ignore"] == outcomes["report"]
    assert [status for status, _ in outcomes["report"]] == ["refused", "sent"]
    undelivered = ctx.session.scalar(
        select(func.count()).where(
            Invitation.recipient_id == worlds["report"].recipient.id,
            Invitation.status == "undelivered",
        )
    )
    assert undelivered == 1


def test_suggestions_read_the_same_and_the_reporter_is_spared(
    ctx: Ctx, client: TestClient, kith: Kith, clock: FrozenClock
) -> None:
    worlds = _worlds(ctx)
    for w in worlds.values():  # a shared connection makes each a suggestion for the other
        connect(ctx, make_member(ctx, "Cy"), w.sender)
        friend = ctx.session.scalars(select(Member).order_by(Member.id.desc())).first()
        assert friend is not None
        connect(ctx, friend, w.recipient)
    assert kith.network is not None
    kith.network.poll()

    def suggested(viewer: Member) -> list[str]:
        got = client.get(f"{API}/suggestions", headers=bearer(ctx, viewer)).json()
        return [i["member"]["handle"] for i in got["items"]]

    for w in worlds.values():
        assert suggested(w.sender) == []  # pending to the sender, either way
    clock.advance(days=181)
    assert suggested(worlds["ignore"].sender) == [worlds["ignore"].recipient.handle]
    assert suggested(worlds["report"].sender) == [worlds["report"].recipient.handle]
    # The one who said "I don't know this person" is not offered the sender again.
    assert suggested(worlds["ignore"].recipient) == [worlds["ignore"].sender.handle]
    assert suggested(worlds["report"].recipient) == []


# --- blocks: a block closes the invitation alike in both worlds ------------------------


def _content(response: Any) -> tuple[int, str]:
    """A page's status and own content (the whole text if it has no main part)."""
    text = response.text
    return response.status_code, _main(text) if "<main" in text else text


def _answer(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json()


def _set_block(client: TestClient, ctx: Ctx, blocker: Member, target: Member, on: bool) -> None:
    url = f"{API}/blocks/{target.handle}"
    auth = bearer(ctx, blocker)
    response = client.put(url, headers=auth) if on else client.delete(url, headers=auth)
    assert response.status_code == 204, response.text


def _blocked_sender_view(client: TestClient, ctx: Ctx, w: World) -> dict[str, Any]:
    """Everything the sender can see of the recipient and their invitations while the
    recipient blocks them."""
    s, r = w.sender, w.recipient
    auth = bearer(ctx, s)
    view: dict[str, Any] = {
        "invite": _answer(client.post(f"{API}/invitations", json={"to": r.handle}, headers=auth)),
        "sent": client.get(f"{API}/invitations/sent", headers=auth).json(),
        "each": [_answer(client.get(f"{API}/invitations/{i}", headers=auth)) for i in w.ids],
        "withdraw": [
            _answer(client.post(f"{API}/invitations/{i}/withdraw", headers=auth)) for i in w.ids
        ],
        "profile": _answer(client.get(f"{API}/members/{r.handle}", headers=auth)),
        "notifications": client.get(f"{API}/notifications", headers=auth).json(),
        "insights": client.get(f"{API}/me/insights", headers=auth).json()["invitations"],
    }
    sign_in_as(client, ctx, s)
    view["profile_page"] = _content(client.get(f"/in/{r.handle}"))
    view["mynetwork_page"] = _content(client.get("/mynetwork"))
    view["sent_page"] = _content(client.get("/mynetwork/sent"))
    view["search_page"] = _content(client.get(f"/search?q=Reed{w.answer.capitalize()}"))
    view["connect_page"] = _content(page_post(client, f"/in/{r.handle}/connect"))
    return w.norm(view)


def _stored(ctx: Ctx, w: World) -> list[tuple[str, bool]]:
    ctx.session.expire_all()
    rows = [ctx.session.get_one(Invitation, i) for i in w.ids]
    return [(i.status, i.reported_at is not None) for i in rows]


def test_a_block_after_the_answer_reads_the_same(ctx: Ctx, client: TestClient) -> None:
    worlds = _worlds(ctx)
    for w in worlds.values():
        _set_block(client, ctx, w.recipient, w.sender, on=True)
    ignored, reported = (_blocked_sender_view(client, ctx, worlds[w]) for w in WORLDS)
    assert ignored == reported
    # The block removed the invitation: to the sender it is gone with the recipient.
    assert reported["sent"]["total"] == 0
    assert [(code, body["error"]) for code, body in reported["each"]] == [
        (404, "invitation_not_found")
    ]
    assert [(code, body["error"]) for code, body in reported["withdraw"]] == [
        (404, "invitation_not_found")
    ]
    assert (reported["invite"][0], reported["invite"][1]["error"]) == (404, "member_not_found")
    assert reported["profile"][0] == 404
    assert reported["insights"]["pending"] == 0
    assert "cancel" not in str(reported).lower()
    # Both invitations are closed alike; the report is kept.
    assert _stored(ctx, worlds["ignore"]) == [("cancelled", False)]
    assert _stored(ctx, worlds["report"]) == [("cancelled", True)]
    # The blocker sees what they did, in both worlds alike.
    blocker_sees = {
        name: w.norm(
            _answer(client.get(f"{API}/invitations/{w.ids[0]}", headers=bearer(ctx, w.recipient)))
        )
        for name, w in worlds.items()
    }
    assert blocker_sees["ignore"] == blocker_sees["report"]
    assert blocker_sees["report"][1]["status"] == "cancelled"


def test_a_block_by_the_sender_reads_the_same(ctx: Ctx, client: TestClient) -> None:
    worlds = _worlds(ctx)
    seen = {}
    for name, w in worlds.items():
        _set_block(client, ctx, w.sender, w.recipient, on=True)
        as_sender, as_recipient = bearer(ctx, w.sender), bearer(ctx, w.recipient)
        url = f"{API}/invitations/{w.invitation.id}"
        seen[name] = w.norm(
            {
                "sender": _answer(client.get(url, headers=as_sender)),
                "recipient": _answer(client.get(url, headers=as_recipient)),
                "received": client.get(f"{API}/invitations/received", headers=as_recipient).json(),
            }
        )
    assert seen["ignore"] == seen["report"]
    assert seen["report"]["sender"][1]["status"] == "cancelled"
    assert seen["report"]["recipient"][0] == 404
    assert _stored(ctx, worlds["report"]) == [("cancelled", True)]


def test_a_block_after_an_undelivered_invitation_reads_the_same(
    ctx: Ctx, client: TestClient, clock: FrozenClock
) -> None:
    worlds = _worlds(ctx)
    clock.advance(days=181)
    for w in worlds.values():
        again = client.post(
            f"{API}/invitations", json={"to": w.recipient.handle}, headers=bearer(ctx, w.sender)
        )
        assert again.status_code == 201, again.text
        w.track(ctx.session.get_one(Invitation, again.json()["invitation"]["id"]))
    assert _stored(ctx, worlds["report"])[1] == ("undelivered", False)
    for w in worlds.values():
        _set_block(client, ctx, w.recipient, w.sender, on=True)
    ignored, reported = (_blocked_sender_view(client, ctx, worlds[w]) for w in WORLDS)
    assert ignored == reported
    assert reported["sent"]["total"] == 0
    assert reported["each"][0][1]["status"] == "expired"  # closed before the block
    assert (reported["each"][1][0], reported["each"][1][1]["error"]) == (
        404,
        "invitation_not_found",
    )
    assert _stored(ctx, worlds["report"]) == [("declined_unknown", True), ("cancelled", False)]
    assert _stored(ctx, worlds["ignore"]) == [("expired", False), ("cancelled", False)]
    # The undelivered invitation stays unknown to the recipient who blocked its sender.
    rita = worlds["report"].recipient
    as_rita = bearer(ctx, rita)
    phantom = worlds["report"].ids[1]
    refused(
        client.get(f"{API}/invitations/{phantom}", headers=as_rita), 404, "invitation_not_found"
    )
    refused(
        client.post(f"{API}/invitations/{phantom}/accept", headers=as_rita),
        404,
        "invitation_not_found",
    )
    archive = client.get(f"{API}/me/export/archive", headers=as_rita)
    assert archive.status_code == 200, archive.text
    assert len(archive.json()["invitations"]["received"]) == 1
    ignoring = client.get(
        f"{API}/me/export/archive", headers=bearer(ctx, worlds["ignore"].recipient)
    )
    assert len(ignoring.json()["invitations"]["received"]) == 2


def test_after_an_unblock_only_the_ignored_sender_reaches_the_recipient(
    ctx: Ctx, client: TestClient, kith: Kith
) -> None:
    worlds = _worlds(ctx)
    for w in worlds.values():  # a shared connection makes each a suggestion for the other
        friend = make_member(ctx, "Cy", f"Cole{w.answer}")
        connect(ctx, friend, w.sender)
        connect(ctx, friend, w.recipient)
        _set_block(client, ctx, w.recipient, w.sender, on=True)
        _set_block(client, ctx, w.recipient, w.sender, on=False)
    assert kith.network is not None
    kith.network.poll()

    def suggested(viewer: Member) -> list[str]:
        got = client.get(f"{API}/suggestions", headers=bearer(ctx, viewer)).json()
        return [i["member"]["handle"] for i in got["items"]]

    # The one who said "I don't know this person" is still not offered the sender.
    assert suggested(worlds["ignore"].recipient) == [worlds["ignore"].sender.handle]
    assert suggested(worlds["report"].recipient) == []

    seen = {}
    for name, w in worlds.items():
        auth = bearer(ctx, w.sender)
        old = _answer(client.get(f"{API}/invitations/{w.invitation.id}", headers=auth))
        new = client.post(f"{API}/invitations", json={"to": w.recipient.handle}, headers=auth)
        assert new.status_code == 201, new.text
        w.track(ctx.session.get_one(Invitation, new.json()["invitation"]["id"]))
        again = client.post(f"{API}/invitations", json={"to": w.recipient.handle}, headers=auth)
        seen[name] = w.norm(
            {
                "old": old,
                "new": new.json(),
                "again": _answer(again),
                "sent": client.get(f"{API}/invitations/sent", headers=auth).json(),
                "profile": client.get(f"{API}/members/{w.recipient.handle}", headers=auth).json(),
                "insights": client.get(f"{API}/me/insights", headers=auth).json()["invitations"],
            }
        )
    assert seen["ignore"] == seen["report"]
    assert (seen["report"]["old"][0], seen["report"]["old"][1]["error"]) == (
        404,
        "invitation_not_found",
    )
    assert seen["report"]["new"]["invitation"]["status"] == "pending"
    assert seen["report"]["again"][1]["error"] == "invitation_pending"
    assert [i["status"] for i in seen["report"]["sent"]["items"]] == ["pending"]
    # Only the ignoring recipient receives it: the report still stands.
    assert _stored(ctx, worlds["report"]) == [("cancelled", True), ("undelivered", False)]
    assert _stored(ctx, worlds["ignore"]) == [("cancelled", False), ("pending", False)]

    def received(w: World) -> int:
        listed = client.get(f"{API}/invitations/received", headers=bearer(ctx, w.recipient))
        return int(listed.json()["total"])

    assert received(worlds["ignore"]) == 1
    assert received(worlds["report"]) == 0


def test_a_report_closed_by_a_block_still_counts_towards_the_restriction(ctx: Ctx) -> None:
    sender = make_member(ctx, "Sam")
    threshold = ctx.settings.unknown_reports_threshold
    recipients = [make_member(ctx, f"R{n}") for n in range(threshold)]
    invitations = [send_invitation(ctx, sender, r).invitation for r in recipients]
    for recipient, invitation in zip(recipients[:-1], invitations[:-1], strict=True):
        report_unknown(ctx, recipient, invitation.id)
    block(ctx, recipients[0], sender)
    assert invitations[0].status == "cancelled"
    assert sender.invite_restricted_until is None
    report_unknown(ctx, recipients[-1], invitations[-1].id)
    assert sender.invite_restricted_until is not None


def test_inviting_back_takes_the_report_back(ctx: Ctx, client: TestClient) -> None:
    w = World(ctx, "report")
    result = send_invitation(ctx, w.recipient, w.sender)
    assert result.connection is not None
    assert _stored(ctx, w) == [("accepted", False)]
    remove_connection(ctx, w.sender, w.recipient)
    later = send_invitation(ctx, w.sender, w.recipient).invitation
    assert later.status == "pending"
    listed = client.get(f"{API}/invitations/received", headers=bearer(ctx, w.recipient))
    assert [i["id"] for i in listed.json()["items"]] == [later.id]
