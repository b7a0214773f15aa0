"""Impressions: how many times members saw a post, by their degree to its author,
counted without a database write per view.

Pages that show posts (feed, permalink, activity) call :func:`seen` with the posts
they showed. Each view is added to an in-process :class:`ImpressionCounter` under
``(post, degree)`` (1st, 2nd, 3rd and beyond; the author's own views are not
counted). The counter writes what it holds in one batched upsert — ``count = count +
n`` — every ``KITH_IMPRESSIONS_FLUSH_SECONDS``, as soon as it holds
``KITH_IMPRESSIONS_FLUSH_VIEWS`` views, and when the process stops. Several processes
on one database each add their own deltas, so none overwrites another's; a process
killed without stopping loses at most the views since its last flush.

Examples
--------
>>> impressions.seen(kith, viewer_id, posts)      # doctest: +SKIP
>>> impressions.counter(kith).flush()             # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from kith.models import Connection, Post, PostImpression
from kith.runtime import Kith
from kith.uow import Ctx, kept_service
from kith.web.metrics import job_timer

log = logging.getLogger("kith.posts")

#: Degrees an impression is counted under: 1st, 2nd, and 3rd or beyond.
DEGREES = (1, 2, 3)


class Shown(Protocol):
    """A post as a page showed it: a Post, or any card that carries its id and author."""

    @property
    def id(self) -> int: ...

    @property
    def author_id(self) -> int: ...


# --------------------------------------------------------------------------- degrees
def sql_degrees(ctx: Ctx, viewer_id: int, member_ids: Sequence[int]) -> dict[int, int]:
    """Degrees from the database alone (when no network engine runs in this process):
    1 for a connection, 2 for a connection of one, else 3."""
    if not member_ids:
        return {}
    wanted = list(set(member_ids))
    first: set[int] = set()
    for lo, hi in ctx.session.execute(
        select(Connection.member_lo_id, Connection.member_hi_id).where(
            or_(
                and_(Connection.member_lo_id == viewer_id, Connection.member_hi_id.in_(wanted)),
                and_(Connection.member_hi_id == viewer_id, Connection.member_lo_id.in_(wanted)),
            )
        )
    ):
        first.add(hi if lo == viewer_id else lo)
    mine = aliased(Connection)
    theirs = aliased(Connection)
    second: set[int] = set()
    for other in set(wanted) - first - {viewer_id}:
        via_me = (
            select(mine.member_hi_id)
            .where(mine.member_lo_id == viewer_id)
            .union(select(mine.member_lo_id).where(mine.member_hi_id == viewer_id))
        )
        shared = exists().where(
            or_(
                and_(theirs.member_lo_id == other, theirs.member_hi_id.in_(via_me)),
                and_(theirs.member_hi_id == other, theirs.member_lo_id.in_(via_me)),
            )
        )
        if ctx.session.scalar(select(shared)):
            second.add(other)
    return {m: 1 if m in first else 2 if m in second else 3 for m in wanted}


def degrees_from(kith: Kith, viewer_id: int, member_ids: Sequence[int]) -> dict[int, int]:
    """``viewer_id``'s degree to each member as impressions count it (1, 2 or 3 for 3rd
    and beyond, out of network included): the network engine when this process runs
    one, the database otherwise."""
    if not member_ids:
        return {}
    if kith.network is not None:
        targets = np.asarray(member_ids, dtype=np.int64)
        found = kith.network.engine.degrees(viewer_id, targets)
        return {
            int(m): int(d) if d in (1, 2) else 3 for m, d in zip(member_ids, found, strict=True)
        }
    with kith.uow(write=False) as ctx:
        return sql_degrees(ctx, viewer_id, member_ids)


# --------------------------------------------------------------------------- counting
class ImpressionCounter:
    """This process's views not yet written, and the thread that writes them."""

    def __init__(self, kith: Kith, *, flush_seconds: float, flush_views: int) -> None:
        self.kith = kith
        self.flush_seconds = flush_seconds
        self.flush_views = flush_views
        self._pending: Counter[tuple[int, int]] = Counter()
        self._views = 0
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ----- the in-memory part
    def add(self, views: Iterable[tuple[int, int]]) -> None:
        """Count one view of each ``(post_id, degree)``."""
        with self._lock:
            for key in views:
                self._pending[key] += 1
                self._views += 1
            full = self._views >= self.flush_views
        if full:
            if self._thread is not None:
                self._wake.set()
            else:
                self.flush()

    def pending(self, post_id: int) -> dict[int, int]:
        """Views of ``post_id`` counted here and not yet written, by degree."""
        with self._lock:
            return {d: self._pending.get((post_id, d), 0) for d in DEGREES}

    def _take(self) -> Counter[tuple[int, int]]:
        with self._lock:
            taken, self._pending = self._pending, Counter()
            self._views = 0
        return taken

    def _put_back(self, deltas: Counter[tuple[int, int]]) -> None:
        with self._lock:
            self._pending.update(deltas)
            self._views += sum(deltas.values())

    # ----- the database part
    def flush(self) -> int:
        """Add the views held here to the stored counts, in one statement; returns how
        many views were written. Views of posts deleted meanwhile are dropped."""
        with self._flushing:
            deltas = self._take()
            if not deltas:
                return 0
            try:
                with job_timer("impressions_flush"), self.kith.uow() as ctx:
                    return add_counts(ctx, deltas)
            except Exception:
                # Kept for the next flush: a database that is briefly away loses nothing.
                self._put_back(deltas)
                raise

    # ----- the background thread
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kith-impressions", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write what is left."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        try:
            self.flush()
        except Exception:
            log.exception("could not write the last impressions at shutdown")

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.flush()
            except Exception:
                log.exception("could not write impressions; they are kept for the next try")


def add_counts(ctx: Ctx, deltas: Counter[tuple[int, int]]) -> int:
    """``count = count + n`` for each ``(post, degree)``, creating rows as needed, in
    one upsert (PostgreSQL and SQLite both speak ``ON CONFLICT DO UPDATE``)."""
    post_ids = sorted({post_id for post_id, _ in deltas})
    alive = set(ctx.session.scalars(select(Post.id).where(Post.id.in_(post_ids))))
    rows = [
        {"post_id": p, "degree": d, "count": n}
        for (p, d), n in sorted(deltas.items())
        if p in alive and n > 0
    ]
    if not rows:
        return 0
    insert: Any = (
        pg_insert if ctx.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    stmt = insert(PostImpression).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[PostImpression.post_id, PostImpression.degree],
        set_={"count": PostImpression.count + stmt.excluded.count},
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.execute(stmt)
    except IntegrityError:
        # A post was deleted between the look-up and the write: write the others.
        alive = set(ctx.session.scalars(select(Post.id).where(Post.id.in_(post_ids))))
        rows = [r for r in rows if r["post_id"] in alive]
        if not rows:
            return 0
        stmt = insert(PostImpression).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=[PostImpression.post_id, PostImpression.degree],
            set_={"count": PostImpression.count + stmt.excluded.count},
        )
        ctx.session.execute(stmt)
    return sum(int(r["count"]) for r in rows)


def counter(kith: Kith) -> ImpressionCounter:
    """This runtime's counter (one per running app or command)."""
    return kept_service(
        kith.services,
        "impressions",
        ImpressionCounter,
        lambda: ImpressionCounter(
            kith,
            flush_seconds=kith.settings.impressions_flush_seconds,
            flush_views=kith.settings.impressions_flush_views,
        ),
    )


def seen(kith: Kith, viewer_id: int, posts: Iterable[Shown]) -> None:
    """``viewer_id`` was shown ``posts``: count one impression of each by the viewer's
    degree to its author (their own posts are not counted). No database write here.

    A repost shown with its original counts for the repost; pass the original too
    when the page shows it."""
    shown = [(p.id, p.author_id) for p in posts if p.author_id != viewer_id]
    if not shown:
        return
    degree = degrees_from(kith, viewer_id, [a for _, a in shown])
    counter(kith).add((post_id, degree[author]) for post_id, author in shown)


def start(kith: Kith) -> None:
    """Write impressions in the background (the app's start)."""
    counter(kith).start()


def stop(kith: Kith) -> None:
    """Write what is left and stop (the app's shutdown)."""
    counter(kith).stop()
