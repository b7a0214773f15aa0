"""Database engines, the declarative base and sessions.

SQLite (WAL) is the embedded default and PostgreSQL the production database.
On SQLite a *write* unit of work starts with ``BEGIN IMMEDIATE`` so that
concurrent writers queue up instead of failing on a stale snapshot; read-only
units of work start a plain deferred transaction and never block writers. The unit
of work itself lives in :mod:`kith.uow`; this module knows no domain.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# PostgreSQL's "try the transaction again" states: serialization_failure, deadlock_detected.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _sqlite_engine(
    url: str, *, immediate: bool, busy_timeout: float = 30.0, **kwargs: Any
) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": busy_timeout}, **kwargs
    )
    busy_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Take transaction control away from the driver; the "begin" hook below
        # emits BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def make_engines(url: str, *, busy_timeout: float = 30.0, **kwargs: Any) -> tuple[Engine, Engine]:
    """Return ``(writer, reader)`` engines for ``url`` (the same engine on PostgreSQL).

    ``busy_timeout`` is how long a SQLite writer waits for the write lock before
    "database is locked" (PostgreSQL waits for row locks as long as it must)."""
    if url.startswith("sqlite"):
        return (
            _sqlite_engine(url, immediate=True, busy_timeout=busy_timeout, **kwargs),
            _sqlite_engine(url, immediate=False, busy_timeout=busy_timeout, **kwargs),
        )
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)

    @event.listens_for(engine, "connect")
    def _plans(dbapi_conn: Any, _record: object) -> None:
        # Kith's queries are short: PostgreSQL's JIT, which compiles any query whose
        # estimate passes jit_above_cost, spent ~80 ms compiling the feed's 20 ms query
        # (docs/benchmarks.md, "Home feed").
        with dbapi_conn.cursor() as cur:
            cur.execute("SET jit = off")
        dbapi_conn.commit()

    return engine, engine


@contextmanager
def planned_for_values(session: Session) -> Iterator[None]:
    """Inside the block, PostgreSQL plans each statement for its own parameter values.

    psycopg prepares a statement it has run five times, and PostgreSQL may then keep
    one generic plan for every value: for a search, to_tsquery parsed again for every
    row ranked; for the feed, one plan for a viewer who follows thirty and one who
    follows thousands (docs/benchmarks.md). Statements sent unprepared are planned with
    their values each time. This switches psycopg's preparing off for the connection
    and back on afterwards: no round trip to the server, unlike ``SET plan_cache_mode``.
    Nothing changes on SQLite."""
    raw = session.connection().connection.dbapi_connection
    threshold = getattr(raw, "prepare_threshold", None)
    if threshold is None:
        yield
        return
    raw.prepare_threshold = None  # type: ignore[union-attr]
    try:
        yield
    finally:
        raw.prepare_threshold = threshold  # type: ignore[union-attr]


class Database:
    """Engines plus session factories for one database URL."""

    def __init__(self, url: str, *, busy_timeout: float = 30.0, **engine_kwargs: Any) -> None:
        self.url = url
        self.writer, self.reader = make_engines(url, busy_timeout=busy_timeout, **engine_kwargs)
        self.write_sessions = sessionmaker(self.writer, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.reader, expire_on_commit=False)
        self.bound = False
        self._session_listeners: list[tuple[str, Callable[..., Any]]] = []

    @property
    def is_sqlite(self) -> bool:
        return self.writer.dialect.name == "sqlite"

    def bind_to(self, connection: Connection) -> None:
        """Make every session join ``connection``'s transaction through savepoints:
        the tests run each case inside one transaction that they roll back."""
        factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        self.write_sessions = factory
        self.read_sessions = factory
        self.bound = True
        for identifier, fn in self._session_listeners:
            event.listen(factory, identifier, fn)

    def listen(self, identifier: str, fn: Callable[..., Any]) -> None:
        """Call ``fn`` on the session event ``identifier`` (``"after_flush"``...) in every
        session of this database, those made after :meth:`bind_to` included. The
        domains that keep derived rows in step (the search index) install theirs at
        start; installing the same listener again changes nothing."""
        if (identifier, fn) in self._session_listeners:
            return
        self._session_listeners.append((identifier, fn))
        factories = [self.write_sessions]
        if self.read_sessions is not self.write_sessions:
            factories.append(self.read_sessions)
        for factory in factories:
            event.listen(factory, identifier, fn)

    def session(self, *, write: bool = True) -> Session:
        return (self.write_sessions if write else self.read_sessions)()

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()


def is_retryable(exc: BaseException) -> bool:
    """Did the database refuse the transaction only because of a concurrent one
    (a deadlock or a serialization failure), so that running it again may succeed?"""
    return isinstance(exc, DBAPIError) and (
        getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
    )


# PostgreSQL states that mean "not reachable now": connection exceptions (class 08),
# an administrator or crash shutdown, starting up, too many connections.
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
SQLITE_BUSY = ("database is locked", "database is busy", "unable to open database file")


def is_unavailable(exc: BaseException) -> bool:
    """Is ``exc`` the database being out of reach or too busy (an outage, a killed
    connection, SQLite's write lock still held after the busy timeout, a deadlock
    that persisted), rather than a defect in a query?"""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        return any(phrase in str(orig).lower() for phrase in SQLITE_BUSY)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is None:  # no answer from a server at all: the connection failed
        return True
    return (
        sqlstate.startswith("08")
        or sqlstate in UNAVAILABLE_SQLSTATES
        or sqlstate in RETRYABLE_SQLSTATES
    )
