"""Keep a :class:`~kith.network.NetworkEngine` equal to the database.

At start the engine is loaded from a snapshot (if one is configured and present)
or built from the ``connections`` table; from then on every process follows the
``network_outbox`` table, which every committed connection change writes in its
own transaction.

Outbox ids are handed out when a row is inserted, not when its transaction
commits, so a row with a smaller id can become visible after a larger one. The
follower therefore remembers the ids it skipped ("holes") and looks for them
again until they appear or are old enough to belong to a transaction that rolled
back. Changes to the same pair are serialized by row locks taken before the
outbox insert, so they always carry increasing ids in commit order.

A suspended member's connections stay in the table but not in the engine:
suspending one writes a ``remove_member`` row, reactivating one a ``connect`` row
per connection to an active member, and a rebuild leaves them out.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kith.db import Database
from kith.models import Connection, Member, NetworkOutbox
from kith.network import NetworkEngine

log = logging.getLogger("kith.graph")

HOLE_LOOKBACK = 10_000  # ids below the start cursor that may still be in flight
HOLE_TTL_SECONDS = 120.0  # a hole older than this belonged to a rolled-back transaction
BATCH = 5_000
# An outbox row older than this when applied is not counted as lag: it was written
# under another clock (a test's frozen one) or long before this process started.
LAG_CEILING_SECONDS = 3600.0


@dataclass
class SyncStatus:
    cursor: int
    holes: int
    applied: int
    num_edges: int
    overlay_size: int
    last_poll: float


class NetworkSync:
    """One process's engine and its outbox follower.

    Examples
    --------
    >>> sync = NetworkSync(db)               # doctest: +SKIP
    >>> sync.start(thread=True)              # doctest: +SKIP
    >>> sync.engine.degree(1, 2)             # doctest: +SKIP
    """

    def __init__(
        self,
        db: Database,
        *,
        snapshot: Path | None = None,
        poll_seconds: float = 0.25,
        compact_every: int = 50_000,
    ) -> None:
        self.db = db
        self.snapshot = snapshot
        self.poll_seconds = poll_seconds
        self.compact_every = compact_every
        self.engine = NetworkEngine.from_edges([], [])
        self.cursor = 0
        self.applied = 0
        self.last_poll = 0.0
        self._holes: dict[int, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started = False
        # Told, if set, how long each applied row waited between its commit and this
        # process (seconds), and how long each poll took: the app's metrics listen.
        self.lag_observer: Callable[[float], None] | None = None
        self.poll_observer: Callable[[float], None] | None = None

    # ------------------------------------------------------------------ start/stop
    def start(self, *, thread: bool = True) -> None:
        """Load or build the engine, catch up with the outbox, and (optionally) keep
        following it from a background thread."""
        started = time.perf_counter()
        if not self._load_snapshot():
            self.rebuild()
        self.poll()
        if thread:
            # The reach estimate's sketches, built before serving rather than on the
            # first request that needs them.
            self.engine.build_sketches()
        self.started = True
        log.info(
            "network engine ready: %d connections in %.2fs",
            self.engine.num_edges,
            time.perf_counter() - started,
        )
        if thread:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="kith-network", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.poll()
            except Exception:  # the follower must outlive a database hiccup
                log.exception("network outbox poll failed; retrying")

    # ------------------------------------------------------------------ building
    def rebuild(self) -> None:
        """Build the engine from the connections table at one consistent moment."""
        with self._lock:
            session = self.db.session(write=False)
            try:
                if session.get_bind().dialect.name == "postgresql" and not self.db.bound:
                    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                top = int(session.scalar(select(func.coalesce(func.max(NetworkOutbox.id), 0))) or 0)
                seen = set(
                    session.scalars(
                        select(NetworkOutbox.id).where(NetworkOutbox.id > top - HOLE_LOOKBACK)
                    )
                )
                rows = session.execute(
                    select(Connection.member_lo_id, Connection.member_hi_id)
                ).all()
                top_member = int(
                    session.scalar(text("SELECT coalesce(max(id), 0) FROM members")) or 0
                )
                suspended = _suspended(session)
            finally:
                session.close()
            lo = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            hi = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
            lo, hi = _without(lo, hi, suspended)
            self.engine = NetworkEngine.from_edges(lo, hi, num_nodes=top_member + 1)
            self.cursor = top
            now = time.monotonic()
            self._holes = {
                i: now for i in range(max(1, top - HOLE_LOOKBACK + 1), top + 1) if i not in seen
            }

    def _meta_path(self) -> Path | None:
        return None if self.snapshot is None else self.snapshot.with_suffix(".cursor.json")

    def _load_snapshot(self) -> bool:
        meta_path = self._meta_path()
        if self.snapshot is None or meta_path is None or not self.snapshot.exists():
            return False
        try:
            meta = json.loads(meta_path.read_text())
            engine = NetworkEngine.load(self.snapshot)
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable network snapshot %s: %s", self.snapshot, exc)
            return False
        with self._lock:
            self.engine = engine
            self.cursor = int(meta["cursor"])
            now = time.monotonic()
            self._holes = {int(i): now for i in meta.get("holes", [])}
        return True

    def save_snapshot(self, path: Path | None = None) -> Path:
        """Write the engine and the outbox position it reflects."""
        target = path or self.snapshot
        if target is None:
            raise ValueError("no snapshot path configured (KITH_NETWORK_SNAPSHOT)")
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            cursor, holes = self.cursor, sorted(self._holes)
            self.engine.save(target)
        meta = target.with_suffix(".cursor.json")
        tmp = meta.with_suffix(".tmp")
        tmp.write_text(json.dumps({"cursor": cursor, "holes": holes}))
        tmp.replace(meta)
        return target

    # ------------------------------------------------------------------ following
    def poll(self) -> int:
        """Apply committed outbox rows not applied yet; returns how many."""
        began = time.perf_counter()
        with self._lock:
            session = self.db.session(write=False)
            try:
                stmt = select(
                    NetworkOutbox.id,
                    NetworkOutbox.kind,
                    NetworkOutbox.a,
                    NetworkOutbox.b,
                    NetworkOutbox.created_at,
                )
                holes = list(self._holes)
                cond = NetworkOutbox.id > self.cursor
                if holes:
                    cond = cond | NetworkOutbox.id.in_(holes)
                rows = session.execute(
                    stmt.where(cond).order_by(NetworkOutbox.id).limit(BATCH)
                ).all()
            finally:
                session.close()
            now = time.monotonic()
            wall = time.time()
            for row_id, kind, a, b, created_at in rows:
                if self.lag_observer is not None:
                    lag = wall - created_at.timestamp()
                    if 0 <= lag <= LAG_CEILING_SECONDS:
                        self.lag_observer(lag)
                if row_id in self._holes:
                    del self._holes[row_id]
                elif row_id > self.cursor:
                    for missing in range(self.cursor + 1, row_id):
                        self._holes[missing] = now
                    self.cursor = row_id
                self._apply(kind, a, b)
            for hole, since in list(self._holes.items()):
                if now - since > HOLE_TTL_SECONDS:
                    del self._holes[hole]
            self.applied += len(rows)
            self.last_poll = time.time()
            if self.engine.overlay_size >= self.compact_every:
                self.engine.compact()
        if self.poll_observer is not None:
            self.poll_observer(time.perf_counter() - began)
        if len(rows) == BATCH:
            return len(rows) + self.poll()
        return len(rows)

    def _apply(self, kind: str, a: int, b: int) -> None:
        if kind == "connect":
            self.engine.connect(a, b)
        elif kind == "disconnect":
            self.engine.disconnect(a, b)
        elif kind == "remove_member":
            self.engine.remove_node(a)
        else:
            log.error("unknown network outbox kind %r", kind)

    def seconds_since_poll(self) -> float:
        """How long ago this process last read the outbox to its end (everything
        committed before then is applied); infinite before the engine is loaded."""
        if not self.started or not self.last_poll:
            return float("inf")
        return max(0.0, time.time() - self.last_poll)

    def status(self) -> SyncStatus:
        return SyncStatus(
            cursor=self.cursor,
            holes=len(self._holes),
            applied=self.applied,
            num_edges=self.engine.num_edges,
            overlay_size=self.engine.overlay_size,
            last_poll=self.last_poll,
        )


@dataclass
class Difference:
    missing_in_engine: list[tuple[int, int]]
    extra_in_engine: list[tuple[int, int]]

    @property
    def ok(self) -> bool:
        return not self.missing_in_engine and not self.extra_in_engine


def _suspended(session: Session) -> np.ndarray:
    """Suspended members: their connections stay in the table but not in the engine."""
    ids = list(session.scalars(select(Member.id).where(Member.suspended_at.is_not(None))))
    return np.asarray(ids, dtype=np.int64)


def _without(lo: np.ndarray, hi: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(lo, hi)`` that involve none of ``members``."""
    if not members.size:
        return lo, hi
    keep = ~(np.isin(lo, members) | np.isin(hi, members))
    return lo[keep], hi[keep]


def _keys(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.sort(lo.astype(np.int64) * (1 << 32) + hi.astype(np.int64))


def _pairs(keys: np.ndarray, limit: int) -> list[tuple[int, int]]:
    return [(int(k >> 32), int(k & 0xFFFFFFFF)) for k in keys[:limit]]


def verify(sync: NetworkSync, *, limit: int = 20) -> Difference:
    """Compare the engine with the connections table (after catching up)."""
    sync.poll()
    session = sync.db.session(write=False)
    try:
        rows = session.execute(select(Connection.member_lo_id, Connection.member_hi_id)).all()
        suspended = _suspended(session)
    finally:
        session.close()
    db_keys = _keys(
        *_without(
            np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
            suspended,
        )
    )
    eng = sync.engine
    los, his = [], []
    for a in range(eng.num_nodes):
        nbrs = eng.neighbors(a)
        upper = nbrs[nbrs > a]
        if upper.size:
            los.append(np.full(upper.size, a, dtype=np.int64))
            his.append(upper.astype(np.int64))
    eng_keys = (
        _keys(np.concatenate(los), np.concatenate(his)) if los else np.empty(0, dtype=np.int64)
    )
    return Difference(
        _pairs(np.setdiff1d(db_keys, eng_keys, assume_unique=True), limit),
        _pairs(np.setdiff1d(eng_keys, db_keys, assume_unique=True), limit),
    )
