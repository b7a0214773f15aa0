"""The engine stays equal to the database: build, outbox following, gaps, snapshots,
and two app processes on one database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert

from kith.clock import FrozenClock
from kith.connections.service import remove_connection
from kith.db import Database
from kith.models import Connection, NetworkOutbox
from kith.network_sync import NetworkSync, verify
from kith.runtime import Kith
from tests.fixtures.factories import PASSWORD, connect, make_member
from tests.fixtures.settings import TEST_SECRET


def test_build_and_follow(committed_kith: Kith) -> None:
    with committed_kith.uow() as ctx:
        a, b, c = (make_member(ctx, n) for n in ("Ana", "Ben", "Chloe"))
        connect(ctx, a, b)
        ids = a.id, b.id, c.id
    sync = NetworkSync(committed_kith.db)
    sync.start(thread=False)
    assert sync.engine.is_connected(ids[0], ids[1])
    assert verify(sync).ok

    committed_kith.network = sync
    with committed_kith.uow() as ctx:
        b_, c_ = ctx.session.get_one(type(a), ids[1]), ctx.session.get_one(type(a), ids[2])
        connect(ctx, b_, c_)
    # the unit of work told this process's engine right after the commit
    assert sync.engine.degree(ids[0], ids[2]) == 2
    with committed_kith.uow() as ctx:
        a_, b_ = ctx.session.get_one(type(a), ids[0]), ctx.session.get_one(type(a), ids[1])
        remove_connection(ctx, a_, b_)
    assert sync.engine.degree(ids[0], ids[2]) == 0
    assert verify(sync).ok


def test_verify_finds_a_difference(committed_kith: Kith) -> None:
    with committed_kith.uow() as ctx:
        a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        ids = a.id, b.id
    sync = NetworkSync(committed_kith.db)
    sync.start(thread=False)
    clock = committed_kith.clock
    with committed_kith.db.writer.begin() as conn:  # a connection written behind the outbox
        conn.execute(
            insert(Connection).values(
                member_lo_id=ids[0],
                member_hi_id=ids[1],
                inviter_id=ids[0],
                context="",
                created_at=clock.now(),
            )
        )
    diff = verify(sync)
    assert not diff.ok
    assert diff.missing_in_engine == [ids]


@pytest.mark.postgres_only
def test_out_of_order_commits_are_not_lost(committed_kith: Kith) -> None:
    """A transaction that took a smaller outbox id but commits later is still applied."""
    with committed_kith.uow() as ctx:
        m = [make_member(ctx, f"M{i}") for i in range(4)]
        ids = [x.id for x in m]
    sync = NetworkSync(committed_kith.db)
    sync.start(thread=False)
    now = committed_kith.clock.now()
    slow = committed_kith.db.writer.connect()
    slow_tx = slow.begin()
    slow.execute(insert(NetworkOutbox).values(kind="connect", a=ids[0], b=ids[1], created_at=now))
    with committed_kith.db.writer.begin() as fast:
        fast.execute(
            insert(NetworkOutbox).values(kind="connect", a=ids[2], b=ids[3], created_at=now)
        )
    sync.poll()
    assert sync.engine.is_connected(ids[2], ids[3])
    assert not sync.engine.is_connected(ids[0], ids[1])
    assert sync.status().holes == 1
    slow_tx.commit()
    slow.close()
    sync.poll()
    assert sync.engine.is_connected(ids[0], ids[1])
    assert sync.status().holes == 0


def test_snapshot_then_catch_up(committed_kith: Kith, tmp_path: Path) -> None:
    with committed_kith.uow() as ctx:
        a, b, c = (make_member(ctx, n) for n in ("Ana", "Ben", "Chloe"))
        connect(ctx, a, b)
        ids = a.id, b.id, c.id
    first = NetworkSync(committed_kith.db, snapshot=tmp_path / "net.snapshot")
    first.start(thread=False)
    first.save_snapshot()
    with committed_kith.uow() as ctx:
        connect(ctx, ctx.session.get_one(type(a), ids[1]), ctx.session.get_one(type(a), ids[2]))
    second = NetworkSync(committed_kith.db, snapshot=tmp_path / "net.snapshot")
    second.start(thread=False)
    assert second.engine.is_connected(ids[0], ids[1])  # from the snapshot
    assert second.engine.is_connected(ids[1], ids[2])  # from the outbox after it
    assert verify(second).ok


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        KITH_DATABASE_URL=url,
        KITH_ENV="test",
        KITH_SECRET_KEY=TEST_SECRET,
        KITH_NETWORK_POLL_SECONDS="0.2",
    )
    return subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "kith", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
        try:
            if httpx.get(f"{base}/api/v1/openapi.json", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


def test_two_processes_agree_within_a_second(
    committed_kith: Kith, database: Database, clock: FrozenClock
) -> None:
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", email="ana@example.org")
        ben = make_member(ctx, "Ben", email="ben@example.org")
        chloe = make_member(ctx, "Chloe", email="chloe@example.org")
        connect(ctx, ben, chloe)
        handles = ana.handle, ben.handle, chloe.handle
    ports = _free_port(), _free_port()
    procs = [_serve(database.url, p) for p in ports]
    try:
        one, two = (f"http://127.0.0.1:{p}" for p in ports)
        for base, proc in zip((one, two), procs, strict=True):
            _wait_up(base, proc)

        def token(base: str, email: str) -> dict[str, str]:
            r = httpx.post(f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD})
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        ana_one, ben_one = token(one, "ana@example.org"), token(one, "ben@example.org")
        ana_two = token(two, "ana@example.org")
        before = httpx.get(f"{two}/api/v1/members/{handles[2]}", headers=ana_two).json()
        assert before["degree"] == 0
        sent = httpx.post(f"{one}/api/v1/invitations", json={"to": handles[1]}, headers=ana_one)
        assert sent.status_code == 201, sent.text
        invitation = sent.json()["invitation"]["id"]
        accepted = httpx.post(f"{one}/api/v1/invitations/{invitation}/accept", headers=ben_one)
        assert accepted.status_code == 200, accepted.text
        committed_at = time.monotonic()
        seen = None
        while time.monotonic() - committed_at < 1.0:
            seen = httpx.get(f"{two}/api/v1/members/{handles[2]}", headers=ana_two).json()
            if seen["degree"] == 2:
                break
            time.sleep(0.05)
        assert seen is not None
        assert seen["degree"] == 2, seen
        assert seen["mutual_connections"] == 1
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
