"""New message with a recipient picker, the two-pane inbox, replies that keep their text
on a refusal, and the live event stream (GET /messages/events): its sign-in, what it
sends to whom, its bounded queues, and delivery across replicas on PostgreSQL."""

from __future__ import annotations

import asyncio
import html

import httpx
import pytest
from fastapi.testclient import TestClient

from kith.accounts.service import issue_token, revoke_token
from kith.app import create_app
from kith.blocks.service import block
from kith.errors import Invalid
from kith.live import Event, Hub, StreamClosed, TooManyStreams
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.messaging import service
from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.live import serve
from tests.fixtures.pages import HTMX, post, sign_in_as
from tests.fixtures.settings import runtime
from tests.fixtures.streams import Heard, parse, run_apart, until


def works_at(ctx: Ctx, member: Member, company: str) -> None:
    update_profile(ctx, member, ProfileInput(positions=[PositionInput(company, "Engineer", 2020)]))


def poll(kith: Kith) -> None:
    assert kith.network is not None
    kith.network.poll()


def cast(ctx: Ctx) -> dict[str, Member]:
    """Ana, with: Ben (a connection), Cai (a coworker), Dan (a connection who blocked
    her), Eve (a stranger), Fay (a coworker with Ana's request waiting)."""
    people = {
        name: make_member(ctx, name, f"{name}son")
        for name in ("Ana", "Ben", "Cai", "Dan", "Eve", "Fay")
    }
    connect(ctx, people["Ana"], people["Ben"])
    connect(ctx, people["Ana"], people["Dan"])
    for name in ("Ana", "Cai", "Fay"):
        works_at(ctx, people[name], "Acme")
    block(ctx, people["Dan"], people["Ana"])
    service.send_message(ctx, people["Ana"], people["Fay"], "Hello Fay")
    return people


def test_the_picker_offers_only_members_one_may_write_to(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    p = cast(ctx)
    found = {m.first_name: allowed.kind for m, allowed in service.recipients(ctx, p["Ana"], "")}
    assert found == {"Ben": "message", "Cai": "request"}
    assert [m.first_name for m, _ in service.recipients(ctx, p["Ana"], "caison")] == ["Cai"]
    # Cai sees Ana's coworker request the other way, and Fay may answer Ana's request.
    fay = {m.first_name: a.kind for m, a in service.recipients(ctx, p["Fay"], "")}
    assert fay == {"Ana": "message", "Cai": "request"}

    poll(kith)
    sign_in_as(client, ctx, p["Ana"])
    page = client.get("/messages/new")
    assert page.status_code == 200
    for shown in ("Ben", "Cai"):
        assert f'value="{p[shown].handle}"' in page.text
    for hidden in ("Dan", "Eve", "Fay"):
        assert f'value="{p[hidden].handle}"' not in page.text
    assert "Message request" in page.text
    narrowed = client.get("/messages/new", params={"q": "Ben"}).text
    assert p["Ben"].handle in narrowed
    assert p["Cai"].handle not in narrowed


def test_to_preselects_and_says_message_or_request(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    p = cast(ctx)
    poll(kith)
    sign_in_as(client, ctx, p["Ana"])
    ben = client.get("/messages/new", params={"to": p["Ben"].handle}).text
    assert f'value="{p["Ben"].handle}" checked' in ben
    assert "this will be a <strong>message</strong>" in ben
    cai = client.get("/messages/new", params={"to": p["Cai"].handle}).text
    assert "this will be a <strong>message request</strong>" in cai
    assert "you both work at Acme" in cai
    eve = client.get("/messages/new", params={"to": p["Eve"].handle}).text
    assert "once you are connected" in eve
    assert 'name="body"' not in eve


def test_sending_a_new_message_lands_in_the_conversation(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    p = cast(ctx)
    poll(kith)
    sign_in_as(client, ctx, p["Ana"])
    sent = post(client, kith, "/messages/new", {"to": p["Ben"].handle, "body": "Coffee?"})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/messages/with/{p['Ben'].handle}"
    page = client.get(sent.headers["location"]).text
    assert "Coffee?" in page
    # Both panes: the list (with this conversation current) and the conversation.
    assert 'id="conversations"' in page
    assert 'id="messages"' in page
    assert "pane-open" in page
    assert 'aria-current="page">Ben' in page
    htmx = post(client, kith, "/messages/new", {"to": p["Ben"].handle, "body": "x"}, headers=HTMX)
    assert htmx.status_code == 204
    assert htmx.headers["HX-Redirect"] == f"/messages/with/{p['Ben'].handle}"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_new_message_keeps_its_text(
    client: TestClient, kith: Kith, ctx: Ctx, htmx: bool
) -> None:
    p = cast(ctx)
    poll(kith)
    sign_in_as(client, ctx, p["Ana"])
    headers = HTMX if htmx else {}
    long = "A" * (kith.settings.message_max + 5)
    cases = [
        (p["Eve"].handle, "Hello stranger, shall we talk?", 403, "once you are connected"),
        (p["Dan"].handle, "Are you there, Dan?", 404, "There is no such member."),
        (p["Ben"].handle, "   ", 422, "Write something before sending."),
        (p["Ben"].handle, long, 422, "at most"),
    ]
    for to, body, status, sentence in cases:
        refused = post(client, kith, "/messages/new", {"to": to, "body": body}, headers=headers)
        assert refused.status_code == status, (to, refused.text[:300])
        assert sentence in html.unescape(refused.text)
        assert f">{body}</textarea>" in refused.text, to


def test_a_reply_with_htmx_is_appended_and_a_refusal_keeps_the_text(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    p = cast(ctx)
    poll(kith)
    sign_in_as(client, ctx, p["Ana"])
    url = f"/messages/with/{p['Ben'].handle}"
    reply = post(client, kith, url, {"body": "On my way"}, headers=HTMX)
    assert reply.status_code == 200
    conversation = service.conversation_between(ctx, p["Ana"].id, p["Ben"].id)
    assert conversation is not None
    assert f'id="message-{conversation.id}-1"' in reply.text
    assert "On my way" in reply.text
    assert 'id="composer-error" hx-swap-oob="innerHTML"' in reply.text
    # Refused over htmx: the reason beside the composer; the form (and its text) stays.
    empty = post(client, kith, url, {"body": " "}, headers=HTMX)
    assert empty.status_code == 422
    assert empty.headers["HX-Retarget"] == "#composer-error"
    assert "Write something" in empty.text
    assert "textarea" not in empty.text
    # Refused as a plain form: the page again, with the reason and the text.
    block(ctx, p["Ben"], p["Ana"])
    plain = post(client, kith, url, {"body": "Still there?"})
    assert plain.status_code == 404
    assert ">Still there?</textarea>" in plain.text
    assert "There is no such member." in plain.text


def test_inbox_and_requests_stay_apart_on_both_panes(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    p = cast(ctx)
    service.send_message(ctx, p["Cai"], p["Ana"], "Hi from Cai")
    service.send_message(ctx, p["Ben"], p["Ana"], "Hi from Ben")
    poll(kith)
    sign_in_as(client, ctx, p["Ana"])
    inbox = client.get("/messages").text
    assert 'data-box="inbox"' in inbox
    assert "Hi from Ben" in inbox
    assert "Hi from Cai" not in inbox
    assert "Choose a conversation" in inbox
    request = client.get(f"/messages/with/{p['Cai'].handle}").text
    assert 'id="conversations" data-box="requests"' in request
    assert "Accept" in request


def test_the_event_stream_needs_a_signed_in_member(client: TestClient, kith: Kith) -> None:
    refused = client.get("/messages/events")
    assert refused.status_code == 401
    assert "event-stream" not in refused.headers.get("content-type", "")


def test_the_stream_catches_up_on_the_open_conversation_and_sends_the_badge(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    kith.settings = kith.settings.model_copy(update={"live_stream_seconds": 0.01})
    p = cast(ctx)
    service.send_message(ctx, p["Ben"], p["Ana"], "One")
    service.send_message(ctx, p["Ben"], p["Ana"], "Two")
    service.send_message(ctx, p["Cai"], p["Ana"], "A request")
    sign_in_as(client, ctx, p["Ana"])
    stream = client.get("/messages/events", params={"with": p["Ben"].handle, "after": 1})
    assert stream.status_code == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    events = parse(stream.text)
    messages = [f for f in events if f.event == "kith-message"]
    assert [f.id for f in messages] == ["2"]
    assert "Two" in messages[0].data
    assert "One" not in messages[0].data
    badge = [f for f in events if f.event == "kith-badge"][-1]
    # Ben's conversation is open, so read; Cai's request still counts.
    assert 'id="badge-messages"' in badge.data
    assert ">1</span>" in badge.data
    assert service.unread_count(ctx, p["Ana"]) == 1
    # Blocked: the blocked side's stream shows nothing of the conversation.
    block(ctx, p["Ana"], p["Ben"])
    sign_in_as(client, ctx, p["Ben"])
    theirs = parse(client.get("/messages/events", params={"with": p["Ana"].handle}).text)
    assert [f.event for f in theirs] == ["kith-badge"]
    assert ">0</span>" in theirs[0].data


def test_a_stream_queue_is_bounded_and_streams_per_member_are_capped() -> None:
    async def scenario() -> None:
        hub = Hub(queue_size=3, streams_per_member=2)
        slow = hub.subscribe(7)
        other = hub.subscribe(7)
        with pytest.raises(TooManyStreams):
            hub.subscribe(7)
        for n in range(50):
            hub.deliver(Event("conversation", (7,), {"conversation": n}))
            await asyncio.sleep(0)
            assert slow.queue.qsize() <= 3
        assert slow.closed
        with pytest.raises(StreamClosed):
            await slow.next(1)
        hub.unsubscribe(slow)
        hub.unsubscribe(other)
        assert hub.open_streams(7) == 0
        fresh = hub.subscribe(7)
        hub.deliver(Event("conversation", (7, 8), {"conversation": 1}))
        got = await fresh.next(5)
        assert got is not None
        assert got.data == {"conversation": 1}

    run_apart(scenario)


def test_the_stream_ends_at_sign_out(committed_kith: Kith) -> None:
    committed_kith.settings = committed_kith.settings.model_copy(
        update={"live_session_check_seconds": 0.2, "live_heartbeat_seconds": 0.2}
    )
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana")
        token = issue_token(ctx, ana, kind="session")
    cookies = {"kith_session": token}
    with (
        serve(create_app(committed_kith)) as base,
        httpx.Client(base_url=base, cookies=cookies, timeout=20) as http,
    ):
        with http.stream("GET", "/messages/events") as stream:
            lines = stream.iter_lines()
            assert until(lines, "kith-badge")[-1].event == "kith-badge"
            with committed_kith.uow() as ctx:
                revoke_token(ctx, token)
            assert until(lines, "kith-end")[-1].event == "kith-end"
        assert http.get("/messages/events").status_code == 401


@pytest.mark.postgres_only
def test_a_message_sent_on_one_replica_reaches_a_stream_on_another(
    committed_kith: Kith,
) -> None:
    """Two app instances, each with its own engine and listener, on one database."""
    other = runtime(committed_kith.db.url, clock=committed_kith.clock)  # type: ignore[arg-type]
    with committed_kith.uow() as ctx:
        ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        connect(ctx, ana, ben)
        ana_api = bearer(ctx, ana)
        ben_cookie = {"kith_session": issue_token(ctx, ben, kind="session")}
        ana_handle, ben_handle = ana.handle, ben.handle
    try:
        with (
            serve(create_app(committed_kith)) as one,
            serve(create_app(other)) as two,
            httpx.Client(timeout=20, cookies=ben_cookie) as http,
        ):
            assert other.live.wait_listening()
            assert committed_kith.live.wait_listening()
            url = f"{two}/messages/events?with={ana_handle}"
            with http.stream("GET", url) as stream:
                lines = stream.iter_lines()
                assert stream.status_code == 200
                assert until(lines, "kith-badge")[-1].event == "kith-badge"  # on replica two
                sent = http.post(
                    f"{one}/api/v1/messages",
                    json={"to": ben_handle, "body": "Across replicas"},
                    headers=ana_api,
                )
                assert sent.status_code == 201, sent.text
                seen = until(lines, "kith-row")
        kinds = [f.event for f in seen]
        assert "kith-message" in kinds
        message = next(f for f in seen if f.event == "kith-message")
        assert "Across replicas" in message.data
        assert message.id == "1"
        assert "Across replicas" in seen[-1].data
    finally:
        other.db.dispose()


def test_events_are_announced_only_when_the_transaction_commits(committed_kith: Kith) -> None:
    """On SQLite the hub hears after commit; on PostgreSQL the listener hears the NOTIFY
    that the commit releases. A rolled-back send announces nothing."""
    with committed_kith.uow() as ctx:
        ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        connect(ctx, ana, ben)

    def sent_then_refused() -> None:  # one unit of work: the refusal rolls back both
        with committed_kith.uow() as ctx:
            sender = ctx.session.get_one(Member, ben.id)
            service.send_message(ctx, sender, ana, "Lost")
            service.send_message(ctx, sender, ana, " ")

    with Heard(committed_kith.live, [ana.id]) as heard:
        with pytest.raises(Invalid):
            sent_then_refused()
        with committed_kith.uow() as ctx:
            service.send_message(ctx, ctx.session.get_one(Member, ben.id), ana, "Kept")
        heard.settle(1)
    [event] = heard.events[ana.id]
    assert set(event.members) == {ana.id, ben.id}


def test_a_declined_request_is_not_announced_to_its_sender(committed_kith: Kith) -> None:
    with committed_kith.uow() as ctx:
        ana, cai = make_member(ctx, "Ana"), make_member(ctx, "Cai")
        works_at(ctx, ana, "Acme")
        works_at(ctx, cai, "Acme")
    with Heard(committed_kith.live, [ana.id, cai.id]) as heard:
        with committed_kith.uow() as ctx:
            sender = ctx.session.get_one(Member, cai.id)
            sent = service.send_message(ctx, sender, ctx.session.get_one(Member, ana.id), "Hi")
            conversation_id = sent.conversation_id
        heard.settle(2)
        with committed_kith.uow() as ctx:
            service.decline_request(ctx, ctx.session.get_one(Member, ana.id), conversation_id)
        heard.settle(3)
    assert len(heard.events[cai.id]) == 1  # the request itself, nothing when declined
    assert len(heard.events[ana.id]) == 2


def test_streams_beyond_the_cap_are_refused(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    sign_in_as(client, ctx, ana)
    hub = client.app.state.kith.live.hub  # type: ignore[attr-defined]

    async def open_all() -> None:
        for _ in range(hub.streams_per_member):
            hub.subscribe(ana.id)  # as many pages as allowed, each following

    run_apart(open_all)
    refused = client.get("/messages/events")
    assert refused.status_code == 429
    assert "too many pages open" in refused.text
