"""What a proxy, an orchestrator and Prometheus ask of a replica: /healthz, /readyz,
/metrics, request ids echoed and carried in JSON logs, forwarded headers believed
only from the configured proxy."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kith.app import create_app
from kith.db import Database
from kith.migrations import upgrade
from kith.runtime import Kith
from kith.web.requestlog import JsonFormatter
from tests.fixtures.factories import bearer, make_member
from tests.fixtures.settings import TEST_SECRET, runtime


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What ``kith.access`` and ``kith`` write while the test runs, as JSON lines."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("kith")
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)
    logger.setLevel(before)


def _lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_healthz_and_readyz_on_a_running_replica(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert {name: check["ok"] for name, check in checks.items()} == {
        "database": True,
        "schema": True,
        "network_engine": True,
        "outbox": True,
    }


def test_metrics_count_requests_by_route_template(client: TestClient, kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        auth, handle = bearer(ctx, ana), ben.handle
    assert client.get(f"/api/v1/members/{handle}", headers=auth).status_code == 200
    assert client.get("/api/v1/members/nobody-at-all", headers=auth).status_code == 404
    body = client.get("/metrics").text
    assert (
        'kith_http_requests_total{method="GET",route="/api/v1/members/{handle}",status="200"}'
        in body
    )
    assert 'route="/api/v1/members/{handle}",status="404"' in body
    assert handle not in body
    assert "nobody-at-all" not in body
    assert 'kith_http_request_duration_seconds_bucket{le="0.2",method="GET"' in body
    client.get("/static/kith.css")
    client.get("/api/v1/openapi.json")
    client.get("/no/such/path")
    body = client.get("/metrics").text
    for route in ("/static/{path}", "/api/v1/openapi.json", "unmatched"):
        assert f'route="{route}"' in body, route
    assert "kith.css" not in body
    assert "/no/such" not in body
    for name in (
        "kith_network_connections",
        "kith_network_engine_bytes",
        "kith_outbox_cursor",
        "kith_outbox_seconds_since_poll",
        "kith_job_duration_seconds",
        "kith_outbox_lag_seconds",
    ):
        assert name in body, name


def test_a_request_id_from_the_proxy_is_echoed_and_logged(
    client: TestClient, json_log: io.StringIO
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-id-42"})
    assert response.headers["x-request-id"] == "proxy-id-42"
    access = [e for e in _lines(json_log) if e["logger"] == "kith.access"]
    assert access[-1]["request_id"] == "proxy-id-42"
    assert access[-1]["route"] == "/healthz"
    assert access[-1]["status"] == 200

    # An id that could forge a log line is replaced by one made here.
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" "level": "error'})
    made = forged.headers["x-request-id"]
    assert len(made) == 32
    assert '"' not in made
    assert _lines(json_log)[-1]["request_id"] == made


def test_forwarded_headers_are_believed_only_from_the_trusted_proxy(
    kith: Kith, json_log: io.StringIO
) -> None:
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    for trusted, seen in (("127.0.0.1", "testclient"), ("testclient", "203.0.113.7")):
        kith.settings = kith.settings.model_copy(update={"trusted_proxies": trusted})
        with TestClient(create_app(kith)) as test_client:
            test_client.get("/healthz", headers=forwarded)
        assert _lines(json_log)[-1]["client"] == seen


def test_readyz_refuses_a_schema_older_than_the_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(Database(url).writer, "0017")
    old = runtime(url)
    old.settings = old.settings.model_copy(update={"insights_refresh_minutes": 0})
    with TestClient(create_app(old)) as test_client:
        response = test_client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["retry-after"]
    schema = response.json()["checks"]["schema"]
    assert schema == {"ok": False, "current": "0017", "expected": schema["expected"]}
    old.db.dispose()


def test_kith_serve_refuses_a_schema_older_than_the_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(Database(url).writer, "0017")
    env = dict(os.environ, KITH_DATABASE_URL=url, KITH_ENV="test", KITH_SECRET_KEY=TEST_SECRET)
    done = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "kith", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert "schema_behind" in said
    assert "revision 0017" in said
    assert "kith db upgrade" in said
