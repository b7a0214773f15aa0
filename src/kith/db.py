"""Database engines, the declarative base and the unit of work.

SQLite (WAL) is the embedded default and PostgreSQL the production database.
On SQLite a *write* unit of work starts with ``BEGIN IMMEDIATE`` so that
concurrent writers queue up instead of failing on a stale snapshot; read-only
units of work start a plain deferred transaction and never block writers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from kith.clock import Clock
from kith.config import Settings

if TYPE_CHECKING:
    from kith.graph.sync import NetworkSync

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _sqlite_engine(url: str, *, immediate: bool, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Take transaction control away from the driver; the "begin" hook below
        # emits BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def make_engines(url: str, **kwargs: Any) -> tuple[Engine, Engine]:
    """Return ``(writer, reader)`` engines for ``url`` (the same engine on PostgreSQL)."""
    if url.startswith("sqlite"):
        return (
            _sqlite_engine(url, immediate=True, **kwargs),
            _sqlite_engine(url, immediate=False, **kwargs),
        )
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)
    return engine, engine


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

    def on_commit(self, fn: Callable[[], None]) -> None:
        if fn not in self.after_commit:
            self.after_commit.append(fn)


class Database:
    """Engines plus session factories for one database URL."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.writer, self.reader = make_engines(url, **engine_kwargs)
        self.write_sessions = sessionmaker(self.writer, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.reader, expire_on_commit=False)
        self.bound = False

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

    def session(self, *, write: bool = True) -> Session:
        return (self.write_sessions if write else self.read_sessions)()

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()


@contextmanager
def unit_of_work(
    db: Database,
    clock: Clock,
    settings: Settings,
    *,
    write: bool = True,
    network_changed: Callable[[], None] | None = None,
    graph: NetworkSync | None = None,
) -> Iterator[Ctx]:
    """One action, one transaction, one commit point; side effects after commit."""
    session = db.session(write=write)
    ctx = Ctx(
        session=session,
        clock=clock,
        settings=settings,
        network_changed=network_changed,
        graph=graph,
    )
    try:
        yield ctx
        session.commit()
    except BaseException as exc:
        # A refusal that must still be recorded (a failed sign-in) says so.
        if getattr(exc, "persist", False):
            session.commit()
        else:
            session.rollback()
        raise
    finally:
        session.close()
    for fn in ctx.after_commit:
        fn()
