"""Introductions through the API and the pages: what each of the three sees at every
step, and that every silent path reads the same to the other side."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kith.blocks.service import block
from kith.clock import FrozenClock
from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer
from tests.fixtures.introductions import Three, synced, three
from tests.fixtures.pages import page_text, post, sign_in_as

API = "/api/v1/introductions"


def _ask(client: TestClient, ctx: Ctx, t: Three) -> int:
    response = client.post(
        API,
        json={
            "intermediary": t.hannah.handle,
            "to": t.alex.handle,
            "note": "We both map rivers",
            "message": "Hello Alex",
        },
        headers=bearer(ctx, t.ana),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["role"], body["status"]) == ("requester", "waiting")
    return int(body["id"])


def _requester_sees(client: TestClient, kith: Kith, ctx: Ctx, ana: Member) -> dict[str, Any]:
    """Everything the requester can read about her requests: the API's list, one
    request, her notifications, and the pages' text."""
    headers = bearer(ctx, ana)
    made = client.get(f"{API}/made", headers=headers).json()
    one = client.get(f"{API}/{made['items'][0]['id']}", headers=headers).json()
    notes = client.get("/api/v1/notifications", headers=headers).json()
    sign_in_as(client, ctx, ana)
    listed = page_text(client.get("/introductions?tab=made").text)
    detail = page_text(client.get(f"/introductions/{one['id']}").text)
    client.cookies.clear()
    return {"made": made, "one": one, "notes": notes, "list": listed, "detail": detail}


def _outcome(client: TestClient, ctx: Ctx, t: Three, how: str) -> None:
    """Bring a fresh request to one of the ends that must read alike to Ana."""
    req_id = _ask(client, ctx, t)
    if how in ("decline", "ignore_intermediary", "block_before", "remove_before"):
        if how == "decline":
            r = client.post(f"{API}/{req_id}/decline", headers=bearer(ctx, t.hannah))
            assert r.status_code == 200
        elif how == "block_before":
            block(ctx, t.alex, t.ana)
        elif how == "remove_before":
            from kith.connections.service import remove_connection

            remove_connection(ctx, t.alex, t.hannah)
        return
    r = client.post(
        f"{API}/{req_id}/forward", json={"note": "Worth it"}, headers=bearer(ctx, t.hannah)
    )
    assert r.status_code == 200, r.text
    if how == "ignore_target":
        return
    if how == "block_after":
        block(ctx, t.alex, t.ana)
        return
    action = {"decline_target": "ignore", "unknown": "unknown"}[how]
    r = client.post(f"{API}/{req_id}/{action}", headers=bearer(ctx, t.alex))
    assert r.status_code == 200, r.text


def _normalised(seen: dict[str, Any], t: Three) -> dict[str, Any]:
    return seen


@pytest.mark.parametrize(
    ("quiet", "other"),
    [
        ("ignore_intermediary", "decline"),
        ("ignore_intermediary", "block_before"),
        ("ignore_intermediary", "remove_before"),
        ("ignore_target", "decline_target"),
        ("ignore_target", "unknown"),
        ("ignore_target", "block_after"),
    ],
)
def test_the_requester_cannot_tell_a_silent_end_from_no_answer(
    client: TestClient, kith: Kith, clock: FrozenClock, quiet: str, other: str
) -> None:
    seen = []
    start = clock.now()
    for how in (quiet, other):
        clock.set(start)
        with kith.uow() as ctx:
            t = three(ctx)
            # Same names and handles in both worlds, so that the pages compare.
            t.ana.handle, t.hannah.handle, t.alex.handle = (f"{n}-{how}" for n in "abc")
        with kith.uow() as ctx:
            t = Three(*(ctx.session.merge(m) for m in (t.ana, t.hannah, t.alex)))
            _outcome(client, ctx, t, how)
        with kith.uow() as ctx:
            ana = ctx.session.merge(t.ana)
            now = _requester_sees(client, kith, ctx, ana)
            clock.advance(days=31)
            later = _requester_sees(client, kith, ctx, ana)
        seen.append((now, later, t))

    def scrub(value: Any, t: Three) -> Any:
        text = repr(value)
        for m, key in ((t.ana, "A"), (t.hannah, "H"), (t.alex, "X")):
            text = text.replace(m.handle, key).replace(m.name, key)
        import re

        text = re.sub(r"'id': \d+", "'id': N", text)
        text = re.sub(r"/introductions/\d+", "/introductions/N", text)
        text = re.sub(r"_id': \d+", "_id': N", text)
        return text

    (a_now, a_later, ta), (b_now, b_later, tb) = seen
    assert scrub(a_now, ta) == scrub(b_now, tb)
    assert scrub(a_later, ta) == scrub(b_later, tb)
    assert a_later["one"]["status"] in ("not_forwarded", "no_reply")


def test_each_of_the_three_at_every_step(client: TestClient, kith: Kith) -> None:
    with kith.uow() as ctx:
        t = three(ctx)
    synced(kith)
    with kith.uow() as ctx:
        t = Three(*(ctx.session.merge(m) for m in (t.ana, t.hannah, t.alex)))
        ana, hannah, alex = (bearer(ctx, m) for m in (t.ana, t.hannah, t.alex))
        options = client.get(f"{API}/options/{t.alex.handle}", headers=ana).json()
        assert [c["intermediary"]["handle"] for c in options["candidates"]] == [t.hannah.handle]
        req_id = _ask(client, ctx, t)
        again = client.post(
            API, json={"intermediary": t.hannah.handle, "to": t.alex.handle}, headers=ana
        )
        assert again.status_code == 409
        assert again.json()["error"] == "introduction_pending"
        assert client.get(f"{API}/received", headers=alex).json()["total"] == 0
        assert client.get(f"{API}/{req_id}", headers=alex).status_code == 404
        asked = client.get(f"{API}/{req_id}", headers=hannah).json()
        assert asked["status"] == "pending"
        assert [s["member"]["handle"] for s in asked["sides"]] == [t.ana.handle, t.alex.handle]
        assert asked["note"] == "We both map rivers"
        forwarded = client.post(
            f"{API}/{req_id}/forward", json={"note": "Ana is great"}, headers=hannah
        ).json()
        assert forwarded["status"] == "forwarded"
        got = client.get(f"{API}/{req_id}", headers=alex).json()
        assert (got["status"], got["note"], got["message"], got["forward_note"]) == (
            "pending",
            None,
            "Hello Alex",
            "Ana is great",
        )
        sign_in_as(client, ctx, t.alex)
        text = page_text(client.get(f"/introductions/{req_id}").text)
        assert f"Introduction from {t.hannah.name}: {t.ana.name}" in text
        assert "Ana is great" in text
        assert "Hello Alex" in text
        assert "We both map rivers" not in text
        accepted = post(client, kith, f"/introductions/{req_id}/accept")
        assert accepted.status_code == 303
        client.cookies.clear()
        mine = client.get(f"{API}/{req_id}", headers=ana).json()
        assert (mine["status"], mine["thank"]) == ("connected", True)
        connections = client.get(f"/api/v1/members/{t.ana.handle}/connections", headers=ana)
        contexts = {c["member"]["handle"]: c["context"] for c in connections.json()["items"]}
        assert contexts[t.alex.handle] == f"Introduced by {t.hannah.name}"


def test_the_limit_answers_429_with_retry_after(client: TestClient, kith: Kith) -> None:
    kith.settings.introductions_per_week = 1
    with kith.uow() as ctx:
        t = three(ctx)
        from tests.fixtures.factories import connect, make_member

        other = make_member(ctx, "Olu")
        connect(ctx, t.hannah, other)
        _ask(client, ctx, t)
        response = client.post(
            API,
            json={"intermediary": t.hannah.handle, "to": other.handle},
            headers=bearer(ctx, t.ana),
        )
    assert response.status_code == 429
    assert response.json()["error"] == "introduction_limit"
    assert int(response.headers["Retry-After"]) == 7 * 86400 + 1


def test_bad_input_is_refused_in_words(client: TestClient, kith: Kith) -> None:
    with kith.uow() as ctx:
        t = three(ctx)
        headers = bearer(ctx, t.ana)
    for path in (f"{API}/{2**63}", f"{API}/0", f"{API}/abc"):
        r = client.get(path, headers=headers)
        assert r.status_code == 404
        assert r.json()["error"] == "introduction_not_found"
    r = client.post(API, json={"intermediary": "nobody-here", "to": t.alex.handle}, headers=headers)
    assert r.status_code == 404
    assert r.json()["error"] == "member_not_found"
    r = client.post(
        API,
        json={"intermediary": t.hannah.handle, "to": t.alex.handle, "message": "x" * 301},
        headers=headers,
    )
    assert r.status_code == 422
    assert r.json()["error"] == "note_too_long"
    r = client.post(
        API,
        json={"intermediary": t.hannah.handle, "to": t.alex.handle, "note": "a\x00b"},
        headers=headers,
    )
    assert r.status_code == 422


def test_the_ask_page_and_the_setting(client: TestClient, kith: Kith) -> None:
    with kith.uow() as ctx:
        t = three(ctx)
    synced(kith)
    with kith.uow() as ctx:
        t = Three(*(ctx.session.merge(m) for m in (t.ana, t.hannah, t.alex)))
        sign_in_as(client, ctx, t.ana)
        profile = page_text(client.get(f"/in/{t.alex.handle}").text)
        assert "Ask for an introduction" in profile
        page = page_text(client.get(f"/introductions/ask/{t.alex.handle}").text)
        assert t.hannah.name in page
        sent = post(
            client,
            kith,
            f"/introductions/ask/{t.alex.handle}",
            {"path": t.hannah.handle, "note": "Why", "message": "Hi"},
        )
        assert sent.status_code == 303, sent.text[-3000:]
        listed = page_text(client.get("/introductions?tab=made").text)
        assert "Waiting" in listed
        refused = post(
            client, kith, f"/introductions/ask/{t.alex.handle}", {"path": t.hannah.handle}
        )
        assert refused.status_code == 409
        assert "You already asked" in page_text(refused.text)
        sign_in_as(client, ctx, t.hannah)
        assert post(client, kith, "/introductions/settings", {}).status_code == 303
        assert client.get(f"{API}/settings", headers=bearer(ctx, t.hannah)).json() == {
            "accepts_requests": False
        }


def test_my_insights_count_the_introductions_of_the_year(client: TestClient, kith: Kith) -> None:
    from kith.introductions import service

    with kith.uow() as ctx:
        t = three(ctx)
        req = service.ask(ctx, t.ana, t.hannah, t.alex)
        service.forward(ctx, t.hannah, req.id)
        service.accept(ctx, t.alex, req.id)
    with kith.uow() as ctx:
        sign_in_as(client, ctx, ctx.session.merge(t.hannah))
        text = page_text(client.get("/insights").text)
        assert "You connected 2 people this year." in text
        summary = client.get(f"{API}/summary", headers=bearer(ctx, t.hannah)).json()
        assert summary["made_for_others"] == 1
        assert summary["people_connected"] == 2


def test_the_intermediary_replies_privately(client: TestClient, kith: Kith) -> None:
    with kith.uow() as ctx:
        t = three(ctx)
        req_id = _ask(client, ctx, t)
        hannah = bearer(ctx, t.hannah)
        r = client.post(
            f"{API}/{req_id}/reply", json={"body": "Happy to — tell me more?"}, headers=hannah
        )
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "pending"
        empty = client.post(f"{API}/{req_id}/reply", json={"body": ""}, headers=hannah)
        assert empty.status_code == 422
        inbox = client.get("/api/v1/messages", headers=bearer(ctx, t.ana))
        assert "Happy to — tell me more?" in inbox.text
        other = client.post(
            f"{API}/{req_id}/reply", json={"body": "x"}, headers=bearer(ctx, t.alex)
        )
        assert other.status_code == 404


@pytest.mark.parametrize("other", ["ignore", "unknown", "undelivered"])
def test_the_intermediary_cannot_tell_how_the_target_answered(
    client: TestClient, kith: Kith, other: str
) -> None:
    """After forwarding, the intermediary reads "forwarded" whatever the target did
    (unless they accept), in the API and on the pages."""
    seen = []
    for how in ("nothing", other):
        with kith.uow() as ctx:
            t = three(ctx)
            for m, key in ((t.ana, "a"), (t.hannah, "h"), (t.alex, "x")):
                m.handle = f"{key}-{how}"
            if how == "undelivered":
                from kith.connections.service import report_unknown, send_invitation

                invited = send_invitation(ctx, t.ana, t.alex).invitation
                report_unknown(ctx, t.alex, invited.id)
            req_id = _ask(client, ctx, t)
            client.post(f"{API}/{req_id}/forward", json={}, headers=bearer(ctx, t.hannah))
            if how in ("ignore", "unknown"):
                r = client.post(f"{API}/{req_id}/{how}", headers=bearer(ctx, t.alex))
                assert r.status_code == 200
            headers = bearer(ctx, t.hannah)
            body = client.get(f"{API}/asked", headers=headers).json()
            one = client.get(f"{API}/{req_id}", headers=headers).json()
            sign_in_as(client, ctx, t.hannah)
            page = page_text(client.get(f"/introductions/{req_id}").text)
            listed = page_text(client.get("/introductions?tab=asked").text)
            client.cookies.clear()
        import re

        text = repr((body, one, page, listed)).replace(how, "W")
        seen.append(re.sub(r"\d+", "N", text))
    assert seen[0] == seen[1]


def test_the_ask_page_asks_for_the_address_when_the_setting_does(
    client: TestClient, kith: Kith
) -> None:
    with kith.uow() as ctx:
        t = three(ctx)
        t.alex.invite_policy = "email"
    synced(kith)
    with kith.uow() as ctx:
        t = Three(*(ctx.session.merge(m) for m in (t.ana, t.hannah, t.alex)))
        sign_in_as(client, ctx, t.ana)
        page = client.get(f"/introductions/ask/{t.alex.handle}").text
        assert 'name="email"' in page
        wrong = post(
            client,
            kith,
            f"/introductions/ask/{t.alex.handle}",
            {"path": t.hannah.handle, "email": "someone@example.org"},
        )
        assert wrong.status_code == 403
        assert f"That is not {t.alex.name}'s email address." in page_text(wrong.text)
        right = post(
            client,
            kith,
            f"/introductions/ask/{t.alex.handle}",
            {"path": t.hannah.handle, "email": t.alex.email},
        )
        assert right.status_code == 303
