"""The same races as test_concurrency, through HTTP against a live server."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import func, select

from kith.models import OPEN_STATUSES, Connection, Invitation
from kith.runtime import Kith
from tests.fixtures.factories import PASSWORD, make_member
from tests.fixtures.races import scalar


def _token(base: str, email: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _at_once(calls: list[tuple[str, dict[str, str], dict[str, str] | None]]) -> list[int]:
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(url: str, headers: dict[str, str], body: dict[str, str] | None) -> None:
        barrier.wait(timeout=30)
        status = httpx.post(url, headers=headers, json=body, timeout=30).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == len(calls)
    return sorted(statuses)


def test_races_through_the_api(committed_kith: Kith, live_server: str) -> None:  # noqa: F811
    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", email="ana@example.org")
        ben = make_member(ctx, "Ben", email="ben@example.org")
        cleo = make_member(ctx, "Cleo", email="cleo@example.org")
        handles = ana.handle, ben.handle, cleo.handle
    as_ana = _token(base, "ana@example.org")
    as_ben = _token(base, "ben@example.org")
    as_cleo = _token(base, "cleo@example.org")

    # Four accepts of one invitation at once: all answered, one connection.
    sent = httpx.post(f"{base}/api/v1/invitations", json={"to": handles[1]}, headers=as_ana)
    accept = f"{base}/api/v1/invitations/{sent.json()['invitation']['id']}/accept"
    assert _at_once([(accept, as_ben, None)] * 4) == [200] * 4
    assert scalar(committed_kith, select(func.count()).select_from(Connection)) == 1

    # Ben and Cleo invite each other at the same moment: one connection, nothing open.
    outcomes = _at_once(
        [
            (f"{base}/api/v1/invitations", as_ben, {"to": handles[2]}),
            (f"{base}/api/v1/invitations", as_cleo, {"to": handles[1]}),
        ]
    )
    assert outcomes == [200, 201]  # one invitation, and the one that crossed it connected
    assert scalar(committed_kith, select(func.count()).select_from(Connection)) == 2
    open_invitations = select(func.count()).where(Invitation.status.in_(OPEN_STATUSES))
    assert scalar(committed_kith, open_invitations) == 0
