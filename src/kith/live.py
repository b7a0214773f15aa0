"""Live events: tell the open event streams of the members concerned that something
happened to them (a message was sent), in this process and, on PostgreSQL, in every
replica.

An event is small: a kind, the ids of the members it concerns, and a few ids
(``Event("message", (3, 7), {"conversation": 12, "seq": 4})``). It carries no text:
each stream looks up what its own member may see when the event arrives, so a block
or a declined request made in between is honoured, and nothing private travels
between replicas.

How an event travels
    On PostgreSQL the unit of work that makes the change runs ``pg_notify`` in its
    own transaction. PostgreSQL delivers a notification only when (and if) that
    transaction commits, to every connection listening on the channel, so each
    replica, the sender's own included, hears it after the message is visible. Each
    process keeps one listening connection, in a thread, and hands what it hears to
    its :class:`Hub`. The channel is named after the schema, so two installations
    sharing a server do not hear each other.

    On SQLite (one process) the event is handed to the hub after the commit
    (:meth:`kith.uow.Ctx.on_commit`).

The hub keeps, per member, at most ``streams_per_member`` subscriptions, each with a
bounded queue. A subscription whose queue is full is closed (its stream ends; the
browser reconnects and catches up), so a slow or stuck client can't grow memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kith.db import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["Event", "Hub", "LiveEvents", "StreamClosed", "Subscription", "TooManyStreams"]

log = logging.getLogger("kith.live")
CHANNEL_PREFIX = "kith_live_"
# How often the listener looks up from waiting for notifications (to see it should stop).
LISTEN_WAKE_SECONDS = 0.2


@dataclass(frozen=True)
class Event:
    """Something that happened to ``members``: a ``kind`` and a few ids."""

    kind: str
    members: tuple[int, ...]
    data: dict[str, int] = field(default_factory=dict)

    def payload(self) -> str:
        return json.dumps({"k": self.kind, "m": list(self.members), "d": self.data})

    @classmethod
    def parse(cls, payload: str) -> Event:
        raw = json.loads(payload)
        return cls(
            str(raw["k"]),
            tuple(int(m) for m in raw["m"]),
            {str(k): int(v) for k, v in raw["d"].items()},
        )


class TooManyStreams(Exception):  # noqa: N818 - a refusal, answered 429
    """The member already has as many open streams as allowed."""


class StreamClosed(Exception):  # noqa: N818 - the end of a stream, not a failure
    """The subscription was closed: its queue overflowed or the hub stopped."""


class Subscription:
    """One open stream's queue of events, read in the event loop that made it."""

    def __init__(self, member_id: int, size: int, loop: asyncio.AbstractEventLoop) -> None:
        self.member_id = member_id
        self.loop = loop
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=size)
        self.closed = False

    def offer(self, event: Event) -> None:
        """Queue ``event`` (in the subscription's loop); a full queue closes it."""
        if self.closed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.close()

    def close(self) -> None:
        self.closed = True
        while not self.queue.empty():  # what it held is dropped with it
            self.queue.get_nowait()
        self.queue.put_nowait(CLOSED)  # wakes a reader waiting on the empty queue

    async def next(self, timeout: float) -> Event | None:
        """The next event, or ``None`` after ``timeout`` seconds without one."""
        if self.closed:
            raise StreamClosed
        try:
            event = await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None
        if event is CLOSED or self.closed:
            raise StreamClosed
        return event


CLOSED = Event("closed", ())


class Hub:
    """This process's open streams, by member; hands each event to the streams of the
    members it concerns. Safe to call from any thread."""

    def __init__(self, *, queue_size: int = 32, streams_per_member: int = 5) -> None:
        self.queue_size = queue_size
        self.streams_per_member = streams_per_member
        self._lock = threading.Lock()
        self._streams: dict[int, set[Subscription]] = {}

    def subscribe(self, member_id: int) -> Subscription:
        """A new subscription for ``member_id``, read in the running event loop."""
        sub = Subscription(member_id, self.queue_size, asyncio.get_running_loop())
        with self._lock:
            mine = self._streams.setdefault(member_id, set())
            if len(mine) >= self.streams_per_member:
                raise TooManyStreams
            mine.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            mine = self._streams.get(sub.member_id)
            if mine is not None:
                mine.discard(sub)
                if not mine:
                    del self._streams[sub.member_id]

    def open_streams(self, member_id: int) -> int:
        with self._lock:
            return len(self._streams.get(member_id, ()))

    def deliver(self, event: Event) -> None:
        with self._lock:
            targets = [s for m in set(event.members) for s in self._streams.get(m, ())]
        for sub in targets:
            with contextlib.suppress(RuntimeError):  # its loop has already stopped
                sub.loop.call_soon_threadsafe(sub.offer, event)


class LiveEvents:
    """Announce events after commit and deliver them to this process's streams."""

    def __init__(self, db: Database, *, queue_size: int = 32, streams_per_member: int = 5) -> None:
        self.db = db
        self.hub = Hub(queue_size=queue_size, streams_per_member=streams_per_member)
        self._channel: str | None = None
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def shared(self) -> bool:
        """Whether events travel through the database (PostgreSQL) to every replica."""
        return not self.db.is_sqlite

    def channel(self, session: Session | None = None) -> str:
        """The NOTIFY channel: ``kith_live_<schema>``."""
        if self._channel is None:
            query = select(func.current_schema())
            if session is not None:
                schema = session.scalar(query)
            else:
                with self.db.writer.connect() as conn:
                    schema = conn.scalar(query)
            name = "".join(c if c.isalnum() else "_" for c in str(schema or "public").lower())
            self._channel = (CHANNEL_PREFIX + name)[:63]
        return self._channel

    def announce(self, session: Session, event: Event, on_commit: Any) -> None:
        """Deliver ``event`` once the transaction of ``session`` commits (never if it
        rolls back). ``on_commit`` queues a step to run after the commit."""
        if self.shared:
            session.execute(select(func.pg_notify(self.channel(session), event.payload())))
        else:
            on_commit(lambda: self.hub.deliver(event))

    # -- the listener (PostgreSQL) -------------------------------------------------

    def start(self) -> None:
        """Listen for the other replicas' events (PostgreSQL; nothing to do on SQLite,
        nor inside a test's rolled-back transaction, where nothing commits)."""
        if not self.shared or self.db.bound or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, name="kith-live", daemon=True)
        self._thread.start()

    def wait_listening(self, timeout: float = 10) -> bool:
        """Block until the listener has subscribed to the channel (tests, startup)."""
        return self._listening.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._listening.clear()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                for event in self._notifications():
                    self.hub.deliver(event)
            except Exception:
                self._listening.clear()
                log.exception("the live-events listener lost its connection; reconnecting")
                self._stop.wait(1.0)

    def _notifications(self) -> Iterator[Event]:
        import psycopg

        url = self.db.writer.url.set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            channel = self.channel()
            conn.execute(f'LISTEN "{channel}"')
            self._listening.set()
            while not self._stop.is_set():
                for note in conn.notifies(timeout=LISTEN_WAKE_SECONDS):
                    try:
                        yield Event.parse(note.payload)
                    except (ValueError, KeyError, TypeError):
                        log.warning("ignored a malformed live event: %r", note.payload[:200])
