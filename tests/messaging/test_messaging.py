"""Messaging rules through the service and the API, on SQLite and PostgreSQL: who may
write to whom, message requests, read state and unread counts, blocks, the rate
limit, and the follow-up prompt after connecting."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.blocks.service import block
from kith.connections.service import remove_connection
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.messaging import service
from kith.models import Member
from kith.pagination import PageRequest
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.refusals import refusal, refused
from tests.fixtures.settings import with_settings


def works_at(ctx: Ctx, member: Member, company: str, *, current: bool = True) -> None:
    update_profile(
        ctx,
        member,
        ProfileInput(
            positions=[
                PositionInput(
                    company=company,
                    title="Engineer",
                    start_year=2020,
                    end_year=None if current else 2022,
                )
            ]
        ),
    )


def send(client: TestClient, headers: dict[str, str], to: Member, body: str = "Hello!"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/messages", json={"to": to.handle, "body": body}, headers=headers)


def test_connections_message_each_other_and_unread_counts_follow(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    kith.network.poll()  # type: ignore[union-attr]
    a, b = bearer(ctx, ana), bearer(ctx, ben)
    first = send(client, a, ben, "Thanks for connecting!")
    assert first.status_code == 201, first.text
    assert first.json()["seq"] == 1
    assert first.json()["from_you"] is True
    assert client.get("/api/v1/messages/unread", headers=b).json() == {"unread": 1, "requests": 0}
    assert client.get("/api/v1/messages/unread", headers=a).json()["unread"] == 0
    inbox = client.get("/api/v1/messages", headers=b).json()
    assert inbox["unread"] == 1
    [item] = inbox["items"]
    assert item["with"]["handle"] == ana.handle
    assert item["with"]["degree"] == 1
    assert item["last_message"]["body"] == "Thanks for connecting!"
    assert item["status"] == "open"
    assert item["awaiting_your_answer"] is False
    reply = send(client, b, ana, "Likewise")
    assert reply.json()["seq"] == 2
    # answering reads everything before it
    assert client.get("/api/v1/messages/unread", headers=b).json()["unread"] == 0
    assert client.get("/api/v1/messages/unread", headers=a).json()["unread"] == 1
    conv = client.get(f"/api/v1/messages/{item['id']}", headers=a).json()
    assert [m["body"] for m in conv["items"]] == ["Thanks for connecting!", "Likewise"]
    assert conv["can_write"] is True
    # reading is an explicit action over the API
    marked = client.post(f"/api/v1/messages/{item['id']}/read", headers=a).json()
    assert marked == {"unread": 0, "requests": 0}


def test_each_refusal_has_its_code(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cleo = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cleo")
    connect(ctx, ana, ben)
    kith.network.poll()  # type: ignore[union-attr]
    a = bearer(ctx, ana)
    refused(send(client, a, ana), 422, "self_message")
    refused(send(client, a, ben, "   "), 422, "empty_message")
    refused(send(client, a, ben, "x" * 5001), 422, "message_too_long")
    refused(send(client, a, cleo), 403, "message_not_allowed")
    refused(
        client.post("/api/v1/messages", json={"to": "nobody-here", "body": "hi"}, headers=a),
        404,
        "member_not_found",
    )
    refused(client.get("/api/v1/messages/999999", headers=a), 404, "conversation_not_found")
    refused(client.get("/api/v1/messages?box=spam", headers=a), 422, "invalid_box")
    # nothing was stored by any refusal
    assert client.get("/api/v1/messages", headers=a).json()["total"] == 0


def test_a_stranger_cannot_read_a_conversation(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, eve = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Eve")
    connect(ctx, ana, ben)
    kith.network.poll()  # type: ignore[union-attr]
    message = service.send_message(ctx, ana, ben, "private words")
    e = bearer(ctx, eve)
    cid = message.conversation_id
    for response in (
        client.get(f"/api/v1/messages/{cid}", headers=e),
        client.post(f"/api/v1/messages/{cid}/read", headers=e),
        client.post(f"/api/v1/messages/{cid}/accept", headers=e),
        client.post(f"/api/v1/messages/{cid}/decline", headers=e),
    ):
        body = refused(response, 404, "conversation_not_found")
        assert "private words" not in body["detail"]


def test_blocks_stop_messaging_both_ways(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    message = service.send_message(ctx, ana, ben, "hi")
    block(ctx, ben, ana)
    kith.network.poll()  # type: ignore[union-attr]
    a, b = bearer(ctx, ana), bearer(ctx, ben)
    refused(send(client, a, ben), 404, "member_not_found")  # silent for the blocked
    refused(send(client, b, ana), 409, "member_blocked")
    # the conversation disappears for both, with its unread count
    assert client.get("/api/v1/messages", headers=b).json()["total"] == 0
    assert client.get("/api/v1/messages/unread", headers=b).json()["unread"] == 0
    refused(
        client.get(f"/api/v1/messages/{message.conversation_id}", headers=a),
        404,
        "conversation_not_found",
    )


def test_removed_connections_can_no_longer_write(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    service.send_message(ctx, ana, ben, "hi")
    remove_connection(ctx, ana, ben)
    refusal("message_not_allowed", service.send_message, ctx, ben, ana, "still there?")


def test_message_requests_between_current_coworkers(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cleo = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cleo")
    works_at(ctx, ana, "Acme Analytics")
    works_at(ctx, ben, "Acme Analytics")
    works_at(ctx, cleo, "Acme Analytics", current=False)  # a former coworker
    kith.network.poll()  # type: ignore[union-attr]
    a, b = bearer(ctx, ana), bearer(ctx, ben)
    refused(send(client, a, cleo), 403, "message_not_allowed")
    assert send(client, a, ben, "Hi Ben, I'm on the data team").status_code == 201
    refused(send(client, a, ben, "Did you see my message?"), 409, "request_pending")
    # Ben sees a request, not an inbox entry
    assert client.get("/api/v1/messages", headers=b).json()["total"] == 0
    requests = client.get("/api/v1/messages?box=requests", headers=b).json()
    [request] = requests["items"]
    assert request["awaiting_your_answer"] is True
    assert request["status"] == "request"
    assert client.get("/api/v1/messages/unread", headers=b).json() == {"unread": 1, "requests": 1}
    # Ana sees it waiting in her inbox, and cannot answer her own request
    [mine] = client.get("/api/v1/messages", headers=a).json()["items"]
    assert mine["status"] == "request"
    assert mine["awaiting_your_answer"] is False
    refused(
        client.post(f"/api/v1/messages/{request['id']}/accept", headers=a), 409, "request_closed"
    )
    accepted = client.post(f"/api/v1/messages/{request['id']}/accept", headers=b)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    refused(
        client.post(f"/api/v1/messages/{request['id']}/accept", headers=b), 409, "request_closed"
    )
    assert send(client, a, ben, "Thanks!").status_code == 201
    assert send(client, b, ana, "Welcome").status_code == 201


def test_declining_a_request_is_silent(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    works_at(ctx, ana, "Initech")
    works_at(ctx, ben, "Initech")
    kith.network.poll()  # type: ignore[union-attr]
    message = service.send_message(ctx, ana, ben, "Hi")
    b, a = bearer(ctx, ben), bearer(ctx, ana)
    declined = client.post(f"/api/v1/messages/{message.conversation_id}/decline", headers=b)
    assert declined.status_code == 204
    assert client.get("/api/v1/messages?box=requests", headers=b).json()["total"] == 0
    assert client.get("/api/v1/messages/unread", headers=b).json()["unread"] == 0
    refused(
        client.get(f"/api/v1/messages/{message.conversation_id}", headers=b),
        404,
        "conversation_not_found",
    )
    # the sender still sees it waiting, and cannot write again
    [mine] = client.get("/api/v1/messages", headers=a).json()["items"]
    assert mine["status"] == "request"
    refused(send(client, a, ben), 409, "request_pending")


def test_answering_a_request_accepts_it(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    works_at(ctx, ana, "Initech")
    works_at(ctx, ben, "Initech")
    first = service.send_message(ctx, ana, ben, "Hi")
    service.send_message(ctx, ben, ana, "Hello")
    conversation = service.get_conversation(ctx, ana, first.conversation_id)
    assert conversation.status == "accepted"
    service.send_message(ctx, ana, ben, "Great")
    assert conversation.last_seq == 3


def test_rate_limit_with_a_clear_refusal(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    with_settings(ctx, messages_per_hour=3)
    for i in range(3):
        service.send_message(ctx, ana, ben, f"message {i}")
    err = refusal("message_limit", service.send_message, ctx, ana, ben, "one more")
    assert err.status == 429
    assert "Retry-After" in err.headers
    assert "3 messages in the last hour" in err.message
    kith.clock.advance(hours=1, seconds=1)  # type: ignore[attr-defined]
    service.send_message(ctx, ana, ben, "again")


def test_rate_limit_over_the_api_says_when(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    kith.network.poll()  # type: ignore[union-attr]
    kith.settings = kith.settings.model_copy(update={"messages_per_hour": 2})
    a = bearer(ctx, ana)
    assert send(client, a, ben).status_code == 201
    assert send(client, a, ben).status_code == 201
    response = send(client, a, ben)
    refused(response, 429, "message_limit")
    assert int(response.headers["Retry-After"]) > 0


def test_message_requests_per_day_are_limited(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    works_at(ctx, ana, "Globex")
    with_settings(ctx, message_requests_per_day=2)
    others = [make_member(ctx, "Co") for _ in range(3)]
    for other in others:
        works_at(ctx, other, "Globex")
    service.send_message(ctx, ana, others[0], "hi")
    service.send_message(ctx, ana, others[1], "hi")
    refusal("message_request_limit", service.send_message, ctx, ana, others[2], "hi")


def test_conversation_pages_are_newest_first(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    for i in range(5):
        last = service.send_message(ctx, ana if i % 2 == 0 else ben, ana if i % 2 else ben, f"m{i}")
    conv = service.get_conversation(ctx, ana, last.conversation_id)
    newest = service.messages(ctx, ana, conv, PageRequest(1, 2))
    assert [m.body for m in newest.items] == ["m3", "m4"]
    older = service.messages(ctx, ana, conv, PageRequest(3, 2))
    assert [m.body for m in older.items] == ["m0"]


def test_follow_up_prompt_after_accepting_for_both_sides(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben, note="Great talk at PyCon!")
    kith.network.poll()  # type: ignore[union-attr]
    a, b = bearer(ctx, ana), bearer(ctx, ben)
    for headers, other, invited in ((a, ben, True), (b, ana, False)):
        [prompt] = client.get("/api/v1/relationships/follow-ups", headers=headers).json()
        assert prompt["member"]["handle"] == other.handle
        assert prompt["note"] == "Great talk at PyCon!"
        assert prompt["invited_by_you"] is invited
    # writing closes one's own prompt only
    send(client, b, ana, "Thanks for the invitation!")
    assert client.get("/api/v1/relationships/follow-ups", headers=b).json() == []
    [left] = client.get("/api/v1/relationships/follow-ups", headers=a).json()
    dismissed = client.post(f"/api/v1/relationships/follow-ups/{left['id']}/dismiss", headers=a)
    assert dismissed.status_code == 204
    assert client.get("/api/v1/relationships/follow-ups", headers=a).json() == []
    refused(
        client.post(f"/api/v1/relationships/follow-ups/{left['id']}/dismiss", headers=b),
        404,
        "follow_up_not_found",
    )
