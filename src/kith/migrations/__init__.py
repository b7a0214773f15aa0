"""Alembic migrations, shipped inside the package. Use :func:`upgrade` or ``kith db upgrade``.

On PostgreSQL an upgrade holds a session-level advisory lock for as long as it runs,
so replicas that all run ``kith db upgrade`` as they start migrate the schema once:
the first takes the lock and migrates, the others wait for it and then find the
schema at head. :func:`schema_state` tells a replica whether the database's schema
is as new as its code (``kith serve`` refuses to start on an older one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

HERE = Path(__file__).parent
# The advisory lock key every Kith process takes around a migration (any 64-bit number
# that no other application on the database uses; this one spells "kithmigr").
MIGRATION_LOCK = 0x6B6974686D696772


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock for migrations inside the block (SQLite's own
    write lock already serializes its writers: nothing to take there)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with migration_lock(engine):
        command.downgrade(alembic_config(engine), revision)


def check(engine: Engine) -> None:
    """Raise if the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(engine))


@dataclass(frozen=True)
class SchemaState:
    """The revision the database is at and the one this code was written for.

    A schema newer than the code (a revision this package does not ship: another
    replica, already upgraded, migrated it during a rolling upgrade) is served, as
    Kith's migrations add before they take away; an older one is not."""

    current: str | None
    head: str
    known: frozenset[str] = frozenset()

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head or (
            self.current is not None and bool(self.known) and self.current not in self.known
        )

    def describe(self) -> str:
        if self.current == self.head:
            return f"The database schema is at {self.head}, as this version of Kith expects."
        if self.up_to_date:
            return (
                f"The database schema is at {self.current}, newer than this version of Kith "
                f"({self.head}): upgrade this replica."
            )
        at = f"at revision {self.current}" if self.current else "not migrated at all"
        return (
            f"The database schema is {at}, and this version of Kith needs revision "
            f"{self.head}: run `kith db upgrade` (once, from any replica) before serving."
        )


@lru_cache(maxsize=1)
def shipped_revisions() -> tuple[str, frozenset[str]]:
    """The newest revision shipped in this package, and all of them."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    assert head is not None
    return head, frozenset(rev.revision for rev in script.walk_revisions())


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def schema_state(engine: Engine) -> SchemaState:
    head, known = shipped_revisions()
    return SchemaState(current=current_revision(engine), head=head, known=known)
