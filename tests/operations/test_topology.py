"""The deployment of compose.yaml as plain processes: PostgreSQL, two `kith serve`
replicas and nginx (Debian's package, with deploy/nginx/kith.conf) in front; traffic
goes through the proxy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from kith.cli.serve import KEEP_ALIVE_SECONDS
from kith.clock import SystemClock
from kith.models import Connection
from kith.runtime import Kith
from tests.fixtures.database import CI
from tests.fixtures.factories import bearer, make_member
from tests.fixtures.replicas import nginx_binary, nginx_in_front, replicas


def _served(base: str) -> int:
    total = 0
    for line in httpx.get(f"{base}/metrics", timeout=10).text.splitlines():
        if line.startswith("kith_http_requests_total{") and 'route="/api/v1' in line:
            total += int(float(line.split()[-1]))
    return total


@pytest.mark.postgres_only
@pytest.mark.slow
def test_two_replicas_behind_nginx_serve_one_network(committed_kith: Kith, tmp_path: Path) -> None:
    if nginx_binary() is None:
        if CI:
            pytest.fail("nginx is required under CI (make nginx installs Debian's package)")
        pytest.skip("nginx is not installed: `make nginx` installs Debian's package")
    now = Kith(settings=committed_kith.settings, clock=SystemClock(), db=committed_kith.db)
    with now.uow() as ctx:
        people = [make_member(ctx, f"Node{i}") for i in range(8)]
        members = [(m.handle, bearer(ctx, m)) for m in people]
    with (
        replicas(committed_kith.db.url, 2, tmp_path) as group,
        nginx_in_front([r.port for r in group], tmp_path / "nginx") as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        statuses: list[int] = []
        # A chain of connections, each invitation sent and accepted through the proxy
        # (so through either replica).
        for (_, a_auth), (b_handle, b_auth) in zip(members, members[1:], strict=False):
            sent = client.post("/api/v1/invitations", json={"to": b_handle}, headers=a_auth)
            statuses.append(sent.status_code)
            accepted = client.post(
                f"/api/v1/invitations/{sent.json()['invitation']['id']}/accept", headers=b_auth
            )
            statuses.append(accepted.status_code)
        for handle, _ in members[1:]:
            viewed = client.get(f"/api/v1/members/{handle}", headers=members[0][1])
            statuses.append(viewed.status_code)
        assert set(statuses) <= {200, 201}, statuses
        assert all(_served(replica.base) > 0 for replica in group)  # nginx spread the load

        # Every replica answers as the database says: the chain's 2nd and 3rd degrees.
        with committed_kith.uow(write=False) as ctx:
            stored = ctx.session.scalar(select(func.count()).select_from(Connection))
        assert stored == len(members) - 1
        for replica in group:
            for (handle, _), expected in zip(members[1:5], (1, 2, 3, 0), strict=True):
                seen = httpx.get(
                    f"{replica.base}/api/v1/members/{handle}", headers=members[0][1], timeout=10
                ).json()
                assert seen["degree"] == expected, (replica.port, handle)

        # The proxy's request id reaches the replica's log and comes back.
        echoed = client.get("/healthz", headers={"X-Request-ID": "topology-check-1"})
        assert echoed.headers["x-request-id"] == "topology-check-1"
        made = client.get("/healthz").headers["x-request-id"]
        assert len(made) == 32  # nginx's $request_id
        logged = [
            json.loads(line)
            for replica in group
            for line in replica.log.read_text().splitlines()
            if line.startswith("{")
        ]
        assert any(entry.get("request_id") == "topology-check-1" for entry in logged)
        assert client.get("/metrics").status_code == 404  # not public
        assert client.get("/readyz").json()["ready"] is True


def test_the_proxy_closes_idle_connections_before_a_replica_does() -> None:
    """nginx keeps idle connections to the replicas for less time than a replica keeps
    them open: a request never goes out on a connection the replica is closing (a POST
    would come back 502)."""
    conf = (Path(__file__).parents[2] / "deploy" / "nginx" / "kith.conf").read_text()
    found = re.search(r"^\s*keepalive_timeout (\d+)s;", conf, re.MULTILINE)
    assert found is not None
    assert int(found.group(1)) < KEEP_ALIVE_SECONDS
