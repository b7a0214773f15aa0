"""Migrations: build from empty, agree with the models, go down to base and up again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, insert, inspect, text

from kith.db import Base, Database
from kith.migrations import check, downgrade, upgrade
from tests.fixtures.database import PG_URL, postgres_available

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> Iterator[Database]:
    """A brand-new database: a throwaway SQLite file or PostgreSQL schema."""
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'migrations.db'}")
        yield db
        db.dispose()
        return
    problem = postgres_available()
    if problem is not None:
        pytest.skip(f"PostgreSQL is not reachable: {problem}")
    schema = f"kith_migrations_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL)
    with admin.writer.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.writer.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def tables(db: Database) -> set[str]:
    """Tables the models describe (the full-text tables, SQLite's FTS5 ones and
    PostgreSQL's search_vectors, are not among them)."""
    names = set(inspect(db.writer).get_table_names()) - {"alembic_version"}
    return {n for n in names if not n.startswith(("search_fts", "search_vectors"))}


def test_upgrade_from_empty_matches_the_models(empty_database: Database) -> None:
    assert tables(empty_database) == set()
    upgrade(empty_database.writer)
    assert tables(empty_database) == set(Base.metadata.tables)
    check(empty_database.writer)  # raises if models and migrations disagree


def test_downgrade_to_base_and_upgrade_again(empty_database: Database) -> None:
    upgrade(empty_database.writer)
    downgrade(empty_database.writer, "base")
    assert tables(empty_database) == set()
    upgrade(empty_database.writer)
    check(empty_database.writer)
    with empty_database.writer.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version


def test_partial_unique_indexes_exist(empty_database: Database) -> None:
    """The race guards live in the schema: one open invitation per pair, one active block."""
    upgrade(empty_database.writer)
    inspector = inspect(empty_database.writer)
    invitation_indexes = {i["name"]: i for i in inspector.get_indexes("invitations")}
    assert invitation_indexes["uq_invitations_open_pair"]["unique"]
    block_indexes = {i["name"]: i for i in inspector.get_indexes("blocks")}
    assert block_indexes["uq_blocks_active"]["unique"]


def test_reports_are_backfilled_from_the_answer(empty_database: Database) -> None:
    """0011: an invitation declined as unknown is reported when it was answered."""
    upgrade(empty_database.writer, "0010")
    meta = MetaData()
    meta.reflect(empty_database.writer, only=["members", "invitations"])
    members, invitations = meta.tables["members"], meta.tables["invitations"]
    answered = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    with empty_database.writer.begin() as conn:
        ids = []
        for handle in ("sam", "rita", "ana"):
            row = conn.execute(
                insert(members)
                .values(
                    email=f"{handle}@example.com",
                    handle=handle,
                    password_hash="-",
                    role="member",
                    is_active=True,
                    created_at=answered,
                    first_name=handle,
                    last_name="",
                    headline="",
                    about="",
                    location="",
                    industry="",
                    invite_policy="everyone",
                    follow_policy="everyone",
                    connections_visibility="connections",
                    follow_primary=False,
                )
                .returning(members.c.id)
            )
            ids.append(row.scalar_one())
        sam, rita, ana = ids
        for recipient, status in ((rita, "declined_unknown"), (ana, "ignored")):
            conn.execute(
                insert(invitations).values(
                    sender_id=sam,
                    recipient_id=recipient,
                    pair_lo=min(sam, recipient),
                    pair_hi=max(sam, recipient),
                    note="",
                    context="",
                    status=status,
                    created_at=answered,
                    responded_at=answered,
                )
            )
    upgrade(empty_database.writer)
    with empty_database.writer.connect() as conn:
        reported = conn.execute(
            text("SELECT status FROM invitations WHERE reported_at IS NOT NULL")
        ).all()
        same = conn.execute(
            text("SELECT count(*) FROM invitations WHERE reported_at = responded_at")
        ).scalar_one()
    assert reported == [("declined_unknown",)]
    assert same == 1
    indexes = {i["name"] for i in inspect(empty_database.writer).get_indexes("invitations")}
    assert "ix_invitations_sender_reported" in indexes


def test_existing_members_get_their_search_documents(empty_database: Database) -> None:
    """Migration 0002 builds the documents of the members already there with its own
    copy of the index builder (it imports nothing of the application)."""
    upgrade(empty_database.writer, "0001")
    with empty_database.writer.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, email, handle, password_hash, role, is_active, "
                "created_at, first_name, last_name, headline, about, location, industry, "
                "invite_policy, follow_policy, connections_visibility, follow_primary) "
                "VALUES (1, 'zoe@example.org', 'zoe', 'x', 'member', :yes, "
                "'2026-01-01 00:00:00', 'Zoé', 'Ngata', 'Welder', '', 'Wellington', "
                "'Metal', 'everyone', 'everyone', 'connections', :no)"
            ),
            {"yes": True, "no": False},
        )
        conn.execute(
            text(
                "INSERT INTO companies (id, name, key, created_at) "
                "VALUES (1, 'Initech', 'initech', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO positions (member_id, company_id, title, location, description, "
                "start_year) VALUES (1, 1, 'Smith', '', '', 2020)"
            )
        )
    upgrade(empty_database.writer, "0002")
    with empty_database.writer.connect() as conn:
        row = conn.execute(
            text("SELECT name, headline, work, place FROM search_documents WHERE member_id = 1")
        ).one()
    assert tuple(row) == ("Zoe Ngata", "Welder", "Smith Initech", "Wellington Metal")


def test_a_community_with_members_upgrades_to_head_and_back(empty_database: Database) -> None:
    """An install with members and their search documents goes up from 0001 to head,
    down to 0008 and up again (on SQLite no migration may copy a table the search
    index holds: that failed with "database table is locked")."""
    upgrade(empty_database.writer, "0001")
    with empty_database.writer.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, email, handle, password_hash, role, is_active, "
                "created_at, first_name, last_name, headline, about, location, industry, "
                "invite_policy, follow_policy, connections_visibility, follow_primary) "
                "VALUES (1, 'zoe@example.org', 'zoe', 'x', 'member', :yes, "
                "'2026-01-01 00:00:00', 'Zoé', 'Müller', 'Welder', '', 'Wellington', "
                "'Metal', 'everyone', 'everyone', 'connections', :no)"
            ),
            {"yes": True, "no": False},
        )
    upgrade(empty_database.writer)
    with empty_database.writer.connect() as conn:
        key = conn.execute(text("SELECT name_key FROM members WHERE id = 1")).scalar_one()
        documents = conn.execute(text("SELECT count(*) FROM search_documents")).scalar_one()
    assert (key, documents) == ("zoe muller", 1)
    downgrade(empty_database.writer, "0008")
    upgrade(empty_database.writer)
    check(empty_database.writer)
