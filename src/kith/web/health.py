"""``/healthz``, ``/readyz`` and ``/metrics``: what a proxy, an orchestrator and
Prometheus ask of each replica. None of them needs a member; keep ``/metrics`` off the
public side of the proxy (docs/operations.md).

- ``/healthz``: the process answers (no database touched). Restart it when this fails.
- ``/readyz``: the database answers, its schema is as new as this code, the network
  engine is loaded and has read the outbox to its end within
  ``KITH_READY_MAX_LAG_SECONDS``. Send it traffic only while this says ready; a 503
  (with Retry-After) names the checks that failed.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from kith.migrations import SchemaState, current_revision, shipped_revisions
from kith.runtime import Kith
from kith.web.metrics import exposition

log = logging.getLogger("kith.web")

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def readiness(kith: Kith) -> dict[str, Any]:
    """Each check's outcome (``ok``) and what it saw."""
    checks: dict[str, Any] = {}
    try:
        revision = current_revision(kith.db.reader)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        checks["database"] = {"ok": False, "error": str(exc).splitlines()[0][:200]}
        checks["schema"] = {"ok": False, "error": "the database did not answer"}
    else:
        head, known = shipped_revisions()
        state = SchemaState(current=revision, head=head, known=known)
        checks["database"] = {"ok": True}
        checks["schema"] = {"ok": state.up_to_date, "current": revision, "expected": head}
    sync = kith.network
    loaded = sync is not None and sync.started
    checks["network_engine"] = {
        "ok": loaded,
        "connections": sync.engine.num_edges if sync is not None else 0,
    }
    since = sync.seconds_since_poll() if sync is not None else float("inf")
    caught_up = since <= kith.settings.ready_max_lag_seconds
    checks["outbox"] = {
        "ok": caught_up,
        "cursor": sync.cursor if sync is not None else 0,
        "seconds_since_poll": round(since, 3) if since != float("inf") else None,
    }
    return checks


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    kith: Kith = request.app.state.kith
    checks = readiness(kith)
    ready = all(check["ok"] for check in checks.values())
    if not ready:
        failed = ", ".join(name for name, check in checks.items() if not check["ok"])
        log.warning("not ready: %s", failed)
        return JSONResponse(
            {"ready": False, "checks": checks},
            status_code=503,
            headers={"Retry-After": str(kith.settings.database_retry_after_seconds)},
        )
    return JSONResponse({"ready": True, "checks": checks})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    kith: Kith = request.app.state.kith
    body, content_type = exposition(kith.network)
    return Response(body, media_type=content_type)
