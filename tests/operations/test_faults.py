"""Faults a deployment survives: the database out of reach and back, a replica killed
mid-load, an SQLite server killed mid-import."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kith.app import create_app
from kith.models import Connection, Contact, ImportRun, Invitation
from kith.runtime import Kith
from tests.fixtures.factories import bearer, make_member
from tests.fixtures.live import serve
from tests.fixtures.portability import connections_file
from tests.fixtures.replicas import Replica, TcpProxy, free_port, replica_env, replicas


def _through(proxy: TcpProxy, url: str) -> str:
    return (
        make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    )


@pytest.mark.postgres_only
def test_an_unreachable_database_answers_503_and_recovers_without_a_restart(
    committed_kith: Kith,
) -> None:
    with committed_kith.uow() as ctx:
        ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        auth, ben_handle = bearer(ctx, ana), ben.handle
    parsed = make_url(committed_kith.db.url)
    proxy = TcpProxy((parsed.host or "127.0.0.1", parsed.port or 5432))
    settings = committed_kith.settings.model_copy(
        update={
            "database_url": _through(proxy, committed_kith.db.url),
            "insights_refresh_minutes": 0,
        }
    )
    kith = Kith.from_settings(settings, clock=committed_kith.clock)
    try:
        with serve(create_app(kith)) as base, httpx.Client(base_url=base, timeout=30) as client:
            assert client.get("/api/v1/me", headers=auth).status_code == 200
            assert client.get("/readyz").status_code == 200

            proxy.cut()  # every open connection dropped, new ones refused
            started = time.monotonic()
            for request in (
                lambda: client.get("/api/v1/me", headers=auth),
                lambda: client.post("/api/v1/invitations", json={"to": ben_handle}, headers=auth),
                lambda: client.get("/api/v1/search/typeahead", params={"q": "Ben"}, headers=auth),
            ):
                response = request()
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"] == str(settings.database_retry_after_seconds)
            ready = client.get("/readyz")
            assert ready.status_code == 503
            assert ready.headers["retry-after"]
            assert ready.json()["checks"]["database"]["ok"] is False
            assert client.get("/healthz").status_code == 200  # alive: do not restart it
            assert time.monotonic() - started < 10  # answered at once, not after timeouts

            proxy.mend()
            sent = client.post("/api/v1/invitations", json={"to": ben_handle}, headers=auth)
            assert sent.status_code == 201, sent.text
            assert client.get("/api/v1/me", headers=auth).status_code == 200
            deadline = time.monotonic() + 10
            while client.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, client.get("/readyz").text
                time.sleep(0.1)
    finally:
        proxy.close()
        kith.db.dispose()


def _invite_and_accept(
    bases: list[str], a: tuple[str, dict[str, str]], b: tuple[str, dict[str, str]]
) -> bool:
    """``a`` invites ``b`` and ``b`` accepts, each through whichever replica answers."""

    def call(
        method: str, path: str, headers: dict[str, str], **kw: object
    ) -> httpx.Response | None:
        for base in random.sample(bases, len(bases)):
            try:
                return httpx.request(method, base + path, headers=headers, timeout=10, **kw)  # type: ignore[arg-type]
            except httpx.HTTPError:
                continue  # that replica is down: the next one
        return None

    sent = call("POST", "/api/v1/invitations", a[1], json={"to": b[0]})
    if sent is None or sent.status_code not in (200, 201):
        return False
    invitation = sent.json()["invitation"]["id"]
    accepted = call("POST", f"/api/v1/invitations/{invitation}/accept", b[1])
    return accepted is not None and accepted.status_code == 200


@pytest.mark.postgres_only
@pytest.mark.slow
def test_a_replica_killed_mid_load_restarts_and_catches_up(
    committed_kith: Kith, tmp_path: Path
) -> None:
    # One replica is served from this process and keeps serving; the other, a process
    # of its own, is killed. Both run on the real clock: the tokens are made on it too.
    survivor = Kith.from_settings(
        committed_kith.settings.model_copy(update={"insights_refresh_minutes": 0})
    )
    with survivor.uow() as ctx:
        people = [make_member(ctx, f"P{i}") for i in range(24)]
        members = [(m.handle, bearer(ctx, m)) for m in people]
        ids = {m.handle: m.id for m in people}
    rng = random.Random(7)
    pairs = rng.sample([(a, b) for a in range(24) for b in range(a + 1, 24)], 40)
    with (
        serve(create_app(survivor)) as first,
        replicas(committed_kith.db.url, 1, tmp_path) as (second,),
    ):
        bases = [first, second.base]
        done: list[bool] = []
        lock = threading.Lock()
        cursor = iter(pairs)

        def load() -> None:
            while True:
                with lock:
                    pair = next(cursor, None)
                if pair is None:
                    return
                ok = _invite_and_accept(bases, members[pair[0]], members[pair[1]])
                with lock:
                    done.append(ok)

        workers = [threading.Thread(target=load) for _ in range(4)]
        for worker in workers:
            worker.start()
        while len(done) < 10:
            time.sleep(0.02)
        second.kill()  # mid-load: requests in flight on it are cut
        while len(done) < 20:
            time.sleep(0.02)
        restarted = Replica(second.url, second.port, second.log).start()
        restarted.wait_ready()
        for worker in workers:
            worker.join(timeout=120)
        try:
            assert len(done) == len(pairs)
            assert sum(done) >= len(pairs) - 6
            with committed_kith.uow(write=False) as ctx:
                stored = int(ctx.session.scalar(select(func.count()).select_from(Connection)) or 0)
            # Each replica's engine equals the database, the restarted one included.
            for base in (first, restarted.base):
                deadline = time.monotonic() + 10
                while _engine_connections(base) != stored:
                    assert time.monotonic() < deadline, (base, stored)
                    time.sleep(0.1)
            viewer_handle, viewer_auth = members[0]
            with committed_kith.uow(write=False) as ctx:
                edges = ctx.session.execute(
                    select(Connection.member_lo_id, Connection.member_hi_id)
                ).all()
            direct = {ids[viewer_handle]} ^ {
                x for lo, hi in edges if ids[viewer_handle] in (lo, hi) for x in (lo, hi)
            }
            for handle, _ in members[1:]:
                answer = httpx.get(
                    f"{restarted.base}/api/v1/members/{handle}", headers=viewer_auth, timeout=10
                ).json()
                assert (answer["degree"] == 1) == (ids[handle] in direct), handle
        finally:
            restarted.stop()
    survivor.db.dispose()


def _engine_connections(base: str) -> int:
    for line in httpx.get(f"{base}/metrics", timeout=10).text.splitlines():
        if line.startswith("kith_network_connections "):
            return int(float(line.split()[1]))
    return -1


@pytest.mark.slow
def test_an_sqlite_server_killed_mid_import_loses_nothing_half_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/kith.db"
    subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "kith", "db", "upgrade"],
        env=replica_env(url),
        check=True,
        capture_output=True,
    )
    from tests.fixtures.settings import runtime

    kith = runtime(url)
    with kith.uow() as ctx:
        owner = make_member(ctx, "Owner")
        auth, owner_id = bearer(ctx, owner), owner.id
    kith.db.dispose()
    rows = [
        {
            "First Name": f"First{i}",
            "Last Name": f"Last{i}",
            "Company": f"Company {i % 97}",
            "Position": "Engineer",
        }
        for i in range(10_000)
    ]
    upload = connections_file(rows)
    server = Replica(url, free_port(), tmp_path / "server.log").start()
    server.wait_ready()
    wal = tmp_path / "kith.db-wal"
    baseline = wal.stat().st_size if wal.exists() else 0

    def send() -> None:
        try:
            httpx.post(
                f"{server.base}/api/v1/me/imports",
                headers=auth,
                files={"files": ("Connections.csv", upload, "text/csv")},
                timeout=120,
            )
        except httpx.HTTPError:
            pass  # the server dies under it

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 120
    # Killed while the import's one transaction is being written (its pages spill into
    # the write-ahead log before it commits).
    while (wal.stat().st_size if wal.exists() else 0) < baseline + 500_000:
        assert time.monotonic() < deadline
        assert sender.is_alive()
        time.sleep(0.005)
    assert server.proc is not None
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    sender.join(timeout=30)

    conn = sqlite3.connect(tmp_path / "kith.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        runs = conn.execute(f"SELECT count(*) FROM {ImportRun.__tablename__}").fetchone()[0]
        contacts = conn.execute(
            f"SELECT count(*) FROM {Contact.__tablename__} WHERE owner_id = ?", (owner_id,)
        ).fetchone()[0]
        invitations = conn.execute(f"SELECT count(*) FROM {Invitation.__tablename__}").fetchone()[0]
    finally:
        conn.close()
    # All of the import or none of it: never some of its contacts without the rest.
    assert (runs, contacts) in ((0, 0), (1, len(rows)))
    assert invitations == 0
