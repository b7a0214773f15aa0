"""The database out of reach, busy or refusing a step after a commit: a 503 with
Retry-After that keeps the connection open, and never an error after a commit."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from kith.app import create_app
from kith.connections.service import send_invitation
from kith.db import Database
from kith.models import Connection
from kith.runtime import Kith
from tests.fixtures.factories import bearer, make_member
from tests.fixtures.live import serve

UNAVAILABLE = "database_unavailable"


def _unreachable_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it
    return "postgresql://postgres@127.0.0.1:1/test"  # nothing listens there


def _assert_unavailable(response: httpx.Response, kith: Kith) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(kith.settings.database_retry_after_seconds)
    assert response.headers.get("connection", "").lower() != "close"


def test_an_outage_answers_503_on_the_api_and_the_pages(
    committed_kith: Kith, backend: str, tmp_path: Path
) -> None:
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana")
        auth = bearer(ctx, ana)
    with serve(create_app(committed_kith)) as base, httpx.Client(base_url=base) as client:
        assert client.get("/api/v1/me", headers=auth).status_code == 200
        working = committed_kith.db
        committed_kith.db = Database(_unreachable_url(backend, tmp_path))
        try:
            for _ in range(2):  # the same kept-alive connection answers both
                response = client.get("/api/v1/me", headers=auth)
                _assert_unavailable(response, committed_kith)
                assert response.json()["error"] == UNAVAILABLE
            signin = client.post(
                "/api/v1/auth/token", json={"email": "x@example.org", "password": "whatever1"}
            )
            _assert_unavailable(signin, committed_kith)
            invite = client.post("/api/v1/invitations", json={"to": "ben"}, headers=auth)
            _assert_unavailable(invite, committed_kith)  # a body behind sign-in
            client.cookies.set("kith_session", "some-session")
            page = client.get("/mynetwork")
            _assert_unavailable(page, committed_kith)
            assert "text/html" in page.headers["content-type"]
            assert "try again in a moment" in page.text
        finally:
            committed_kith.db.dispose()
            committed_kith.db = working
        assert client.get("/api/v1/me", headers=auth).status_code == 200


def test_sqlite_write_lock_held_past_the_busy_timeout_answers_503(
    committed_kith: Kith, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's single write lock")
    impatient = Kith(
        settings=committed_kith.settings.model_copy(update={"database_busy_timeout_seconds": 0.2}),
        clock=committed_kith.clock,
        db=Database(committed_kith.db.url, busy_timeout=0.2),
    )
    with impatient.uow() as ctx:
        auth = bearer(ctx, make_member(ctx, "Ana"))
    path = make_url(committed_kith.db.url).database
    assert path is not None
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        with TestClient(create_app(impatient)) as client:
            holder.execute("BEGIN IMMEDIATE")  # another process writing, for a long time
            response = client.patch("/api/v1/me", json={"headline": "Busy"}, headers=auth)
            assert response.status_code == 503, response.text
            assert response.json()["error"] == UNAVAILABLE
            assert response.headers["retry-after"] == "5"
            assert client.get("/api/v1/me", headers=auth).status_code == 200  # reads go on
            holder.execute("ROLLBACK")
            response = client.patch("/api/v1/me", json={"headline": "Free"}, headers=auth)
            assert response.status_code == 200, response.text
    finally:
        holder.close()
        impatient.db.dispose()


@pytest.fixture
def restricted_role(committed_kith: Kith) -> Iterator[str]:
    """A PostgreSQL role that owns nothing and can use every table of the test schema."""
    role = f"kith_app_{uuid.uuid4().hex[:8]}"
    with committed_kith.db.writer.begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        conn.execute(text(f'GRANT ALL ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
        conn.execute(text(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"'))
    yield role
    with committed_kith.db.writer.begin() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))


@pytest.mark.postgres_only
def test_an_engine_poll_failing_after_the_commit_keeps_the_success(
    committed_kith: Kith, restricted_role: str
) -> None:
    url = committed_kith.db.url.replace("postgres@", f"{restricted_role}@", 1)
    kith = Kith(settings=committed_kith.settings, clock=committed_kith.clock, db=Database(url))
    with kith.uow() as ctx:
        ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        invitation_id = send_invitation(ctx, ana, ben).invitation.id
        auth = bearer(ctx, ben)
        ids = ana.id, ben.id
    revoke = (
        f'REVOKE SELECT ON network_outbox FROM "{restricted_role}"',
        # Enough to insert a row and read back its id, not to follow the outbox.
        f'GRANT SELECT (id) ON network_outbox TO "{restricted_role}"',
    )
    try:
        with TestClient(create_app(kith)) as client:
            with committed_kith.db.writer.begin() as conn:
                for statement in revoke:
                    conn.execute(text(statement))
            response = client.post(f"/api/v1/invitations/{invitation_id}/accept", headers=auth)
            assert response.status_code == 200, response.text
            with committed_kith.uow(write=False) as ctx:
                assert ctx.session.scalar(select(func.count()).select_from(Connection)) == 1
            # The engine catches up from the outbox once it can read it again.
            with committed_kith.db.writer.begin() as conn:
                conn.execute(text(f'GRANT SELECT ON network_outbox TO "{restricted_role}"'))
            assert kith.network is not None
            kith.network.poll()
            assert kith.network.engine.degree(*ids) == 1
    finally:
        kith.db.dispose()
