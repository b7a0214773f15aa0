"""The unit of work: one action, one transaction, one commit point.

A service function receives a :class:`Ctx` (session, clock, settings) and flushes;
:func:`unit_of_work` commits and then runs the side effects queued with
:meth:`Ctx.on_commit`. :func:`attempt` records whether a request's units of work
committed anything, so that a request refused only because of a concurrent
transaction can be run again (see :mod:`kith.web.retry`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.orm import Session

from kith.clock import Clock
from kith.config import Settings
from kith.db import Database, is_retryable

if TYPE_CHECKING:
    from kith.live import Event, LiveEvents
    from kith.network_sync import NetworkSync

log = logging.getLogger("kith.db")

T = TypeVar("T")
_making = threading.Lock()


def kept_service(store: dict[str, object], name: str, kind: type[T], make: Callable[[], T]) -> T:
    """The ``kind`` kept in ``store`` (a runtime's services) under ``name``, made once by
    ``make`` on first use, however many threads ask at the same moment."""
    found = store.get(name)
    if found is None:
        with _making:
            found = store.get(name)
            if found is None:
                found = make()
                store[name] = found
    if not isinstance(found, kind):
        raise TypeError(f"{name!r} is kept as {type(found).__name__}, not {kind.__name__}")
    return found


@dataclass
class Ctx:
    """What a service function needs: the session, the clock, the settings, and a
    place to queue side effects that must run only after the commit."""

    session: Session
    clock: Clock
    settings: Settings
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    network_changed: Callable[[], None] | None = None  # tells this process's engine
    graph: NetworkSync | None = None  # this process's network engine, when running
    live: LiveEvents | None = None  # this process's live events, when running
    # A unit of work that only reads (``write=False``): what it reads cannot change
    # under it, so a service may keep an answer for the rest of it (``memo``).
    read_only: bool = False
    memo: dict[object, object] = field(default_factory=dict)
    # What a domain keeps in this process between units of work, by name (the
    # runtime's ``services``): answers it may reuse for a while, never a rule's truth.
    kept: dict[str, object] = field(default_factory=dict)

    def announce(self, event: Event) -> None:
        """Tell the open streams of ``event.members`` after this transaction commits."""
        if self.live is not None:
            self.live.announce(self.session, event, self.on_commit)

    def on_commit(self, fn: Callable[[], None]) -> None:
        if fn not in self.after_commit:
            self.after_commit.append(fn)


@dataclass
class Attempt:
    """One try at a request: did any of its units of work commit a write, and was it
    refused only because of a concurrent transaction? A request whose units of work
    committed nothing can safely be run again from the start (side effects run only
    after a commit)."""

    committed: bool = False
    retryable: bool = False


_attempt: ContextVar[Attempt | None] = ContextVar("kith_attempt", default=None)


@contextmanager
def attempt() -> Iterator[Attempt]:
    """Record the commits made inside this block (in this thread or threads that
    copy its context, as FastAPI's thread pool does)."""
    current = Attempt()
    token = _attempt.set(current)
    try:
        yield current
    finally:
        _attempt.reset(token)


def note_failure(exc: BaseException) -> None:
    """Tell the current attempt that the database refused it (see :func:`is_retryable`)."""
    current = _attempt.get()
    if current is not None and is_retryable(exc):
        current.retryable = True


def _committed() -> None:
    current = _attempt.get()
    if current is not None:
        current.committed = True


def run_after_commit(steps: list[Callable[[], None]]) -> None:
    """Run side effects after a commit. The change is saved whatever happens here:
    a failing step is logged, never raised (the network engine catches up from
    the outbox on its next poll)."""
    for step in steps:
        try:
            step()
        except Exception:
            log.exception("a step after commit failed (%r); the change itself is saved", step)


@contextmanager
def unit_of_work(
    db: Database,
    clock: Clock,
    settings: Settings,
    *,
    write: bool = True,
    network_changed: Callable[[], None] | None = None,
    graph: NetworkSync | None = None,
    live: LiveEvents | None = None,
    kept: dict[str, object] | None = None,
) -> Iterator[Ctx]:
    """One action, one transaction, one commit point; side effects after commit."""
    session = db.session(write=write)
    ctx = Ctx(
        session=session,
        clock=clock,
        settings=settings,
        network_changed=network_changed,
        graph=graph,
        live=live,
        read_only=not write,
        kept=kept if kept is not None else {},
    )
    try:
        yield ctx
        session.commit()
        if write:
            _committed()
    except BaseException as exc:
        # A refusal that must still be recorded (a failed sign-in) says so.
        if getattr(exc, "persist", False):
            session.commit()
            _committed()
        else:
            session.rollback()
        raise
    finally:
        session.close()
    run_after_commit(ctx.after_commit)
