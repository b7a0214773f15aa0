"""What one request of each route of the mix costs, alone on one replica.

``python -m bench.loadtest --costs SECONDS`` (after the community is ready): one
replica, no proxy and no other traffic; for each read route of the mix, requests are
sent one after another for SECONDS, each as one of the members with a token, and:

- the latency (p50, p95) as the client sees it;
- the replica's CPU and PostgreSQL's server processes' CPU per request, from ``/proc``
  (what the machine's cores must give for one request of the route: the ceiling on the
  rate the whole mix can reach);
- with py-spy, the replica's Python work by layer (see :mod:`bench.loadtest.where`).

The mix's read weights turn these into the CPU an average read costs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from bench.loadtest import where

WORDS = ["engineer", "manager", "design", "data", "sales", "research", "product", "health"]

#: The mix's read routes (bench/loadtest/locustfile.py), with their weights there.
Route = Callable[[dict[str, Any], random.Random], str]
ROUTES: dict[str, tuple[int, Route]] = {
    "profile": (20, lambda m, r: f"/api/v1/members/{_other(m, r)}"),
    "shared connections": (6, lambda m, r: f"/api/v1/members/{_other(m, r)}/mutual"),
    "search": (8, lambda m, r: f"/api/v1/search/people?q={r.choice(WORDS)}"),
    "typeahead": (
        10,
        lambda m, r: f"/api/v1/search/typeahead?q={_other(m, r)[: r.randint(2, 4)]}",
    ),
    "people you may know": (6, lambda m, r: "/api/v1/suggestions"),
    "feed": (10, lambda m, r: "/api/v1/feed"),
    "health check (no database)": (0, lambda m, r: "/healthz"),
}


def _other(member: dict[str, Any], rng: random.Random) -> str:
    return str(rng.choice(member["second"] or member["first"] or [member["handle"]]))


def _postgres_cpu() -> float:
    return sum(where._cpu(pid) for pid in where._named("postgres"))


def measure(
    base: str, pid: int, members: list[dict[str, Any]], seconds: float, logs: Path
) -> list[dict[str, Any]]:
    """Each route's cost on the replica at ``base`` (process ``pid``)."""
    rng = random.Random(1)
    out = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, (weight, path) in ROUTES.items():
            for member in members[:10]:  # warm: plans prepared, caches filled
                client.get(path(member, rng), headers=_auth(member))
            raw = logs / f"costs-{name.replace(' ', '-')}.txt"
            raw.unlink(missing_ok=True)
            spy = where.record(pid, max(1, int(seconds)), raw)
            replica0, postgres0 = where._cpu(pid), _postgres_cpu()
            latencies: list[float] = []
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                member = members[len(latencies) % len(members)]
                started = time.perf_counter()
                answer = client.get(path(member, rng), headers=_auth(member))
                latencies.append((time.perf_counter() - started) * 1000)
                if answer.status_code >= 500:
                    raise SystemExit(f"{name}: {answer.status_code}")
            n = len(latencies)
            row: dict[str, Any] = {
                "route": name,
                "weight": weight,
                "requests": n,
                "p50": round(sorted(latencies)[n // 2], 1),
                "p95": round(sorted(latencies)[int(n * 0.95)], 1),
                "replica_cpu_ms": round((where._cpu(pid) - replica0) / n * 1000, 1),
                "postgres_cpu_ms": round((_postgres_cpu() - postgres0) / n * 1000, 1),
            }
            if spy is not None:
                spy.wait(timeout=seconds + 60)
                if raw.exists():
                    row["python_by_layer"] = where.summarize(raw)["share_of_busy"]
            out.append(row)
    return out


def _auth(member: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {member['token']}"}


def average_read(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The CPU an average read of the mix costs (by the routes' weights)."""
    weighted = [r for r in rows if r["weight"]]
    total = sum(r["weight"] for r in weighted)
    return {
        part: round(sum(r[part] * r["weight"] for r in weighted) / total, 1)
        for part in ("replica_cpu_ms", "postgres_cpu_ms")
    }


def render(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'route, alone on one replica':<28}{'weight':>7}{'p50':>7}{'p95':>7}"
        f"{'replica CPU':>13}{'PostgreSQL CPU':>16}  (ms per request)"
    ]
    for r in rows:
        lines.append(
            f"{r['route']:<28}{r['weight']:>7}{r['p50']:>7.1f}{r['p95']:>7.1f}"
            f"{r['replica_cpu_ms']:>13.1f}{r['postgres_cpu_ms']:>16.1f}"
        )
    mean = average_read(rows)
    lines.append(
        f"{'an average read of the mix':<28}{'':>7}{'':>7}{'':>7}"
        f"{mean['replica_cpu_ms']:>13.1f}{mean['postgres_cpu_ms']:>16.1f}"
    )
    return "\n".join(lines)
