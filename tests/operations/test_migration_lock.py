"""Replicas that all run ``kith db upgrade`` as they start migrate the schema once."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import text

from kith.db import Database
from kith.migrations import MIGRATION_LOCK, schema_state, upgrade
from tests.fixtures.database import PG_URL


@pytest.mark.postgres_only
def test_replicas_migrating_at_once_migrate_once(database: Database) -> None:
    schema = f"kith_lock_{uuid.uuid4().hex[:10]}"
    with database.writer.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    replicas = [Database(url) for _ in range(3)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(replicas))

    def migrate(db: Database) -> None:
        try:
            start.wait()
            upgrade(db.writer)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=migrate, args=(db,)) for db in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert schema_state(replicas[0].writer).up_to_date
        with replicas[0].writer.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            held = conn.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k"),
                {"k": MIGRATION_LOCK & 0xFFFFFFFF},
            ).scalar()
            assert held == 0  # released by every replica
    finally:
        for db in replicas:
            db.dispose()
        with database.writer.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
