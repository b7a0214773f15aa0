"""``GET /messages/events``: the signed-in member's live messaging updates as
server-sent events, for the messaging pages.

Each event is named and carries HTML rendered for this member:

``kith-message`` (with ``id:`` the message's number)
    a new message in the conversation the page has open (``?with=<handle>``), an
    ``<li>`` for ``#messages``; opening the page marked the conversation read, and so
    does a message arriving while it is open.
``kith-badge``
    the header's unread-messages badge (``#badge-messages``).
``kith-row``
    the conversation's row for the list (``#conversation-<id>``, ``data-box`` says
    whether it belongs to the inbox or the requests).
``kith-end``
    the stream is over for good (signed out): the page stops listening.

A comment line (``: ping``) keeps the connection alive every
``KITH_LIVE_HEARTBEAT_SECONDS``. The session is checked every
``KITH_LIVE_SESSION_CHECK_SECONDS``; a stream ends after ``KITH_LIVE_STREAM_SECONDS``
(the browser reconnects, sending ``Last-Event-ID``: the messages it missed come
first). A member has at most ``KITH_LIVE_STREAMS_PER_MEMBER`` streams open (429
``too_many_streams`` beyond), each with a queue of ``KITH_LIVE_QUEUE_SIZE`` events: a
stream that falls that far behind is closed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from kith.errors import LimitReached, NotAuthenticated, NotFound
from kith.live import Event, StreamClosed, TooManyStreams
from kith.messaging import service, views
from kith.models import Conversation, Member
from kith.runtime import Kith
from kith.security import csrf_token
from kith.uow import Ctx
from kith.web.deps import SESSION_COOKIE, KithDep, signed_in_member_id, token_member
from kith.web.render import CSRF_FIELD, csrf_nonce, templates

router = APIRouter()
CATCH_UP = 50  # messages sent at most when a stream (re)connects behind


@dataclass
class Stream:
    """What one open stream shows: for whom, which conversation is open, and the
    number of the last message it showed there."""

    member_id: int
    token: str
    open_handle: str
    after: int
    csrf: str


def frame(event: str, html: str, *, id: int | None = None) -> str:
    """One server-sent event: its name, its id, the HTML on ``data:`` lines."""
    lines = [f"event: {event}"]
    if id is not None:
        lines.append(f"id: {id}")
    lines += [f"data: {line}" for line in html.strip().splitlines() or [""]]
    return "\n".join(lines) + "\n\n"


def _html(name: str, context: dict[str, Any]) -> str:
    return templates.env.get_template(name).render(context)


def _badge(count: int) -> str:
    module: Any = templates.env.get_template("_badges.html").module
    return frame("kith-badge", str(module.badge("messages", count, oob=True)))


def _updates(kith: Kith, stream: Stream, conversation_id: int | None) -> list[str]:
    """The frames for this stream after ``conversation_id`` changed (``None``: on
    connecting): new messages if it is the open one, the badge, the list row."""
    with kith.uow() as ctx:
        member = ctx.session.get(Member, stream.member_id)
        if member is None or not member.is_active:
            return [frame("kith-end", "signed-out")]
        frames: list[str] = []
        conversation: Conversation | None = None
        if conversation_id is not None:
            try:
                conversation = service.get_conversation(ctx, member, conversation_id)
            except NotFound:
                return []  # blocked, declined or gone: nothing to tell
        is_open = False
        if conversation is not None and stream.open_handle:
            other = ctx.session.get_one(Member, conversation.other_id(member.id))
            is_open = other.handle == stream.open_handle
        elif conversation is None and stream.open_handle:
            conversation_open = _open_conversation(ctx, member, stream.open_handle)
            if conversation_open is not None:
                frames += _new_messages(ctx, member, conversation_open, stream)
        if is_open and conversation is not None:
            frames += _new_messages(ctx, member, conversation, stream)
        frames.append(_badge(service.unread_count(ctx, member)))
        if conversation is not None:
            entry = service.conversation_entry(ctx, member, conversation)
            row = views.rows(ctx, member, [entry])[0]
            html = _html(
                "messaging/_row.html",
                {
                    "r": row,
                    "open_id": conversation.id if is_open else None,
                    "csrf": stream.csrf,
                    "csrf_field": CSRF_FIELD,
                },
            )
            frames.append(frame("kith-row", html))
    return frames


def _open_conversation(ctx: Ctx, member: Member, handle: str) -> Conversation | None:
    other = ctx.session.scalar(select(Member.id).where(Member.handle == handle))
    if other is None:
        return None
    found = service.conversation_between(ctx, member.id, other)
    if found is None:
        return None
    try:
        return service.get_conversation(ctx, member, found.id)
    except NotFound:
        return None


def _new_messages(
    ctx: Ctx, member: Member, conversation: Conversation, stream: Stream
) -> list[str]:
    if conversation.last_seq <= stream.after:
        return []
    other = ctx.session.get_one(Member, conversation.other_id(member.id))
    frames = []
    for message in service.messages_after(ctx, conversation, stream.after, CATCH_UP):
        shown = views.message(message, member)
        html = _html(
            "messaging/_message.html", {"m": shown, "other": {"first_name": other.first_name}}
        )
        frames.append(frame("kith-message", html, id=message.seq))
        stream.after = message.seq
    service.mark_read(ctx, member, conversation)
    return frames


def _signed_in(kith: Kith, token: str) -> bool:
    with kith.uow(write=False) as ctx:
        return token_member(ctx, token, kind="session") is not None


async def _run(kith: Kith, stream: Stream, request: Request) -> AsyncIterator[str]:
    settings = kith.settings
    try:
        sub = kith.live.hub.subscribe(stream.member_id)
    except TooManyStreams:
        return
    try:
        yield f"retry: {int(settings.live_heartbeat_seconds * 200)}\n\n"
        for chunk in await to_thread.run_sync(_updates, kith, stream, None):
            yield chunk
        start = time.monotonic()
        check_at = start + settings.live_session_check_seconds
        end_at = start + settings.live_stream_seconds if settings.live_stream_seconds else None
        while True:
            now = time.monotonic()
            if end_at is not None and now >= end_at:
                return
            if now >= check_at:
                if not await to_thread.run_sync(_signed_in, kith, stream.token):
                    yield frame("kith-end", "signed-out")
                    return
                check_at = now + settings.live_session_check_seconds
            wait = min(settings.live_heartbeat_seconds, check_at - now)
            if end_at is not None:
                wait = min(wait, end_at - now)
            event = await sub.next(max(wait, 0.0))
            if event is None:
                yield ": ping\n\n"
                continue
            for chunk in await to_thread.run_sync(_updates, kith, stream, _conversation(event)):
                if chunk.startswith("event: kith-end"):
                    yield chunk
                    return
                yield chunk
    except StreamClosed:
        return
    finally:
        kith.live.hub.unsubscribe(sub)


def _conversation(event: Event) -> int | None:
    return event.data.get("conversation")


@router.get("/messages/events")
async def message_events(
    request: Request,
    kith: KithDep,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> StreamingResponse:
    """Live updates for the messaging pages (``text/event-stream``); 401 when signed
    out, 429 ``too_many_streams`` beyond the streams a member may have open."""
    token = request.cookies.get(SESSION_COOKIE) or ""
    member_id = (
        await to_thread.run_sync(lambda: signed_in_member_id(kith, token, kind="session"))
        if token
        else None
    )
    if member_id is None:
        raise NotAuthenticated("Sign in to receive live updates.")
    hub = kith.live.hub
    if hub.open_streams(member_id) >= hub.streams_per_member:
        raise LimitReached(
            "You have too many pages open that follow your messages; close one and reload.",
            code="too_many_streams",
        )
    last = request.headers.get("last-event-id", "")
    stream = Stream(
        member_id=member_id,
        token=token,
        open_handle=request.query_params.get("with", "")[:60].lower(),
        after=int(last) if last.isdigit() and len(last) < 10 else after,
        csrf=csrf_token(kith.settings.secret_key, csrf_nonce(request)),
    )
    return StreamingResponse(
        _run(kith, stream, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
