"""Prometheus metrics: requests by route template, the network engine, the outbox
follower and background jobs, served at ``/metrics``.

A request is counted under its route's template (``/api/v1/members/{handle}/mutual``),
never its raw path, so a metric's series stay few however many members there are;
a path no route serves counts as ``unmatched``. With ``kith serve --workers N`` (or
``PROMETHEUS_MULTIPROC_DIR`` set by hand) every worker writes its figures to files in
that directory and ``/metrics`` adds them up (prometheus-client's multiprocess mode);
gauges then carry the worker's ``pid``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kith.network_sync import NetworkSync

MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter(
    "kith_http_requests",
    "Requests answered, by route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "kith_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
ENGINE_MEMBERS = Gauge(
    "kith_network_members", "Member ids the network engine holds", multiprocess_mode="max"
)
ENGINE_CONNECTIONS = Gauge(
    "kith_network_connections", "Connections in the network engine", multiprocess_mode="max"
)
ENGINE_BYTES = Gauge(
    "kith_network_engine_bytes",
    "Memory of the network engine's arrays (compressed rows and reach sketches)",
    multiprocess_mode="all",
)
ENGINE_OVERLAY = Gauge(
    "kith_network_overlay_changes",
    "Connection changes held beside the compressed rows until the next compaction",
    multiprocess_mode="all",
)
OUTBOX_LAG = Histogram(
    "kith_outbox_lag_seconds",
    "Time between a connection change's commit and this process applying it",
    buckets=LAG_BUCKETS,
)
OUTBOX_STALENESS = Gauge(
    "kith_outbox_seconds_since_poll",
    "Seconds since this process last read the network outbox to its end",
    multiprocess_mode="all",
)
OUTBOX_CURSOR = Gauge(
    "kith_outbox_cursor", "The last outbox id this process applied", multiprocess_mode="all"
)
JOB_DURATION = Histogram(
    "kith_job_duration_seconds",
    "Background jobs' run times (outbox polls, community insights, impression flushes, mail)",
    ["job"],
    buckets=LATENCY_BUCKETS + (30.0, 60.0, 300.0),
)
JOB_FAILURES = Counter("kith_job_failures", "Background job runs that raised", ["job"])


@contextmanager
def job_timer(job: str) -> Iterator[None]:
    """Time one run of a background job (and count it as failed if it raises)."""
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        JOB_FAILURES.labels(job).inc()
        raise
    finally:
        JOB_DURATION.labels(job).observe(time.perf_counter() - started)


def observe_network(sync: NetworkSync) -> None:
    """Let the metrics follow ``sync``: outbox lag per applied row, poll times, and the
    engine's size after every poll."""

    def polled(seconds: float) -> None:
        JOB_DURATION.labels("outbox_poll").observe(seconds)
        refresh_network(sync)

    sync.lag_observer = OUTBOX_LAG.observe
    sync.poll_observer = polled


def refresh_network(sync: NetworkSync | None) -> None:
    if sync is None:
        return
    engine = sync.engine
    ENGINE_MEMBERS.set(engine.num_nodes)
    ENGINE_CONNECTIONS.set(engine.num_edges)
    ENGINE_BYTES.set(engine.nbytes)
    ENGINE_OVERLAY.set(engine.overlay_size)
    OUTBOX_CURSOR.set(sync.cursor)
    since = sync.seconds_since_poll()
    OUTBOX_STALENESS.set(since if since != float("inf") else -1)


def exposition(sync: NetworkSync | None) -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    refresh_network(sync)
    if os.environ.get(MULTIPROCESS):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


def route_template(scope: Scope) -> str:
    """The template of the route that served the request (``/api/v1/members/{handle}``).

    A route included from a router knows only its own part of the template
    (``/members/{handle}``); the part before it has no parameters in Kith, so it is
    taken from the request's path, as many segments as the route's own part lacks."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not isinstance(template, str) or not template:
        if "endpoint" not in scope:
            return "unmatched"
        # A route of Starlette's own (the OpenAPI document, a mounted folder): a mount
        # says where it is mounted; a route without parameters is its own template.
        mounted = str(scope.get("root_path", ""))
        if mounted:
            return mounted + "/{path}"
        return "unmatched" if scope.get("path_params") else str(scope.get("path", ""))
    if isinstance(route, Mount):
        return template + "/{path}"
    parts = str(scope.get("path", "")).split("/")
    keep = len(parts) - template.count("/")
    return "/".join(parts[:keep]) + template if keep >= 1 else template


class MetricsMiddleware:
    """Count and time every HTTP request under its route template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            route = route_template(scope)
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)


__all__ = [
    "MetricsMiddleware",
    "exposition",
    "job_timer",
    "observe_network",
    "refresh_network",
]
