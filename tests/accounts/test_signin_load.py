"""Sign-in under load, on real commits: the throttle holds against parallel guesses,
argon2 runs in a bounded number of turns (memory stays bounded), and no password is
hashed or checked inside a write transaction."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import argon2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from kith.accounts.credentials import sign_in
from kith.app import create_app
from kith.models import Member, SigninAttempt
from kith.runtime import Kith
from kith.security import hash_password, password_slot
from tests.fixtures.factories import PASSWORD, make_member
from tests.fixtures.pages import page_post
from tests.fixtures.races import at_once
from tests.fixtures.refusals import refused

API = "/api/v1"
PRODUCTION_ARGON2 = {"argon2_time_cost": 3, "argon2_memory_kib": 65536, "argon2_parallelism": 4}


def _attempts(kith: Kith) -> Counter[bool]:
    with kith.uow(write=False) as ctx:
        return Counter(ctx.session.scalars(select(SigninAttempt.success)))


def test_forty_parallel_wrong_passwords_check_only_ten(committed_kith: Kith) -> None:
    kith = committed_kith
    kith.settings = kith.settings.model_copy(update={"argon2_max_in_flight": 64})
    with kith.uow() as ctx:
        make_member(ctx, "Ana", email="ana@example.org")

    def guess(n: int) -> str:
        sign_in(
            kith, email="ana@example.org", password=f"guess {n}", address=f"10.0.{n}.1", kind="api"
        )
        return "signed_in"

    outcomes = Counter(at_once([partial(guess, n) for n in range(40)]))
    assert outcomes == {"invalid_credentials": 10, "signin_throttled": 30}
    assert _attempts(kith) == {False: 10}  # a refusal by the throttle records nothing
    # Even the right password waits for the window now.
    with pytest.raises(Exception, match="Too many failed sign-in attempts"):
        sign_in(kith, email="ana@example.org", password=PASSWORD, address="10.9.9.9", kind="api")


def test_parallel_right_passwords_all_sign_in(committed_kith: Kith) -> None:
    kith = committed_kith
    kith.settings = kith.settings.model_copy(update={"argon2_max_in_flight": 64})
    with kith.uow() as ctx:
        make_member(ctx, "Ana", email="ana@example.org")

    def right(n: int) -> str:
        sign_in(kith, email="ana@example.org", password=PASSWORD, address="10.0.0.1", kind="api")
        return "signed_in"

    assert Counter(at_once([partial(right, n) for n in range(9)])) == {"signed_in": 9}
    assert _attempts(kith) == {True: 9}


def test_beyond_the_turns_sign_in_is_busy_with_retry_after(
    committed_kith: Kith,
) -> None:
    kith = committed_kith
    kith.settings = kith.settings.model_copy(
        update={"argon2_max_in_flight": 1, "argon2_wait_seconds": 0}
    )
    with kith.uow() as ctx:
        make_member(ctx, "Ana", email="ana@example.org")
    client = TestClient(create_app(kith))
    held, release = threading.Event(), threading.Event()

    def hold_the_only_turn() -> None:
        with password_slot(kith.settings):
            held.set()
            release.wait(timeout=60)

    holder = threading.Thread(target=hold_the_only_turn)
    holder.start()
    try:
        assert held.wait(timeout=30)
        body = {"email": "ana@example.org", "password": PASSWORD}
        response = client.post(f"{API}/auth/token", json=body)
        refused(response, 503, "signin_busy")
        assert int(response.headers["Retry-After"]) >= 1
        signup = {
            "email": "ben@example.org",
            "password": PASSWORD,
            "first_name": "Ben",
            "last_name": "Berg",
        }
        refused(client.post(f"{API}/auth/signup", json=signup), 503, "signin_busy")
        page = page_post(client, "/signin", body)
        assert page.status_code == 503
        assert "Too many people are signing in at this moment." in page.text
        assert page.headers["Retry-After"] == "1"
        assert _attempts(kith) == {}  # a busy refusal records no attempt
    finally:
        release.set()
        holder.join(timeout=60)
    assert client.post(f"{API}/auth/token", json=body).status_code == 200


def _rss() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096


@pytest.fixture
def rss_peak() -> Iterator[list[int]]:
    """Samples this process's resident memory until the test ends: [baseline, peak]."""
    seen = [_rss(), _rss()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            seen[1] = max(seen[1], _rss())
            time.sleep(0.002)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    yield seen
    stop.set()
    thread.join()


MIB = 1024 * 1024


def test_sixty_parallel_sign_ins_keep_memory_bounded(
    committed_kith: Kith, rss_peak: list[int]
) -> None:
    """With production argon2 settings (64 MiB a check) and the default 4 turns, 60
    parallel sign-ins grow the process by at most 4 checks and some headroom, not
    by 60 × 64 MiB (3.75 GiB)."""
    kith = committed_kith
    kith.settings = kith.settings.model_copy(
        update={**PRODUCTION_ARGON2, "argon2_wait_seconds": 0.5}
    )
    assert kith.settings.argon2_max_in_flight == 4
    stored = hash_password(PASSWORD, kith.settings)  # one real production-cost hash
    with kith.uow() as ctx:
        for n in range(60):
            member = make_member(ctx, "Ana", email=f"ana.{n}@example.org")
            member.password_hash = stored
    baseline = rss_peak[0] = max(rss_peak[0], _rss())
    rss_peak[1] = baseline

    def sign_in_as(n: int) -> str:
        sign_in(
            kith, email=f"ana.{n}@example.org", password=PASSWORD, address=f"10.1.{n}.1", kind="api"
        )
        return "signed_in"

    outcomes = Counter(at_once([partial(sign_in_as, n) for n in range(60)]))
    assert set(outcomes) <= {"signed_in", "signin_busy"}
    assert outcomes["signed_in"] >= 4
    bound = (4 + 2) * 64 * MIB
    assert rss_peak[1] - baseline < bound, f"grew by {(rss_peak[1] - baseline) // MIB} MiB"


# -- No argon2 inside a write transaction ---------------------------------------------


@pytest.fixture
def hashes_outside_transactions(
    committed_kith: Kith, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """Every argon2 hash or check made during the test, each checked at that moment:
    no write transaction of this process is open, and (SQLite) another writer can
    take the write lock at once."""
    engine = committed_kith.db.writer
    open_writes: set[int] = set()
    seen: list[str] = []

    def began(conn: object) -> None:
        open_writes.add(id(conn))

    def ended(conn: object) -> None:
        open_writes.discard(id(conn))

    event.listen(engine, "begin", began)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    path = make_url(committed_kith.db.url).database if committed_kith.db.is_sqlite else None

    def probe(what: str) -> None:
        assert not open_writes, f"argon2 {what} inside a write transaction"
        if path:
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if held
                other.execute("ROLLBACK")
            finally:
                other.close()
        seen.append(what)

    real_hash, real_verify = argon2.PasswordHasher.hash, argon2.PasswordHasher.verify

    def hashing(self: argon2.PasswordHasher, password: str | bytes, **kw: object) -> str:
        probe("hash")
        return real_hash(self, password, **kw)  # type: ignore[arg-type]

    def verifying(self: argon2.PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        probe("verify")
        return real_verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "hash", hashing)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", verifying)
    yield seen
    event.remove(engine, "begin", began)
    event.remove(engine, "commit", ended)
    event.remove(engine, "rollback", ended)


def test_no_password_is_hashed_inside_a_write_transaction(
    committed_kith: Kith, hashes_outside_transactions: list[str]
) -> None:
    kith = committed_kith
    kith.settings = kith.settings.model_copy(update={"argon2_time_cost": 2})  # rehash too
    client = TestClient(create_app(kith))  # no lifespan: only the requests' own work
    signup = {
        "email": "ana@example.org",
        "password": PASSWORD,
        "first_name": "Ana",
        "last_name": "Ruiz",
    }
    assert client.post(f"{API}/auth/signup", json=signup).status_code == 201
    cheaper = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with kith.uow() as ctx:  # a hash of another cost, upgraded at the next sign-in
        ctx.session.scalars(select(Member)).one().password_hash = cheaper
    hashes_outside_transactions.clear()
    body = {"email": "ana@example.org", "password": PASSWORD}
    ok = client.post(f"{API}/auth/token", json=body)
    assert ok.status_code == 200, ok.text
    assert hashes_outside_transactions == ["verify", "hash"]  # the check and the upgrade
    wrong = client.post(f"{API}/auth/token", json={**body, "password": "not it"})
    refused(wrong, 401, "invalid_credentials")
    auth = {"Authorization": f"Bearer {ok.json()['access_token']}"}
    change = {"current_password": PASSWORD, "new_password": "a new password"}
    assert client.post(f"{API}/auth/password", json=change, headers=auth).status_code == 204
    assert hashes_outside_transactions[-2:] == ["verify", "hash"]
    with kith.uow(write=False) as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(SigninAttempt)) == 2
    # Deleting the account checks the password first, too.
    hashes_outside_transactions.clear()
    gone = client.request("DELETE", f"{API}/me", json={"password": "a new password"}, headers=auth)
    assert gone.status_code == 204, gone.text
    assert hashes_outside_transactions == ["verify"]
