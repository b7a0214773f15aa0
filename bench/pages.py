"""Page benchmark: the server time of the eleven main pages a signed-in member opens
(the home feed first), on the demo community (``kith demo``, photos included), on
SQLite and PostgreSQL.

Run ``python -m bench pages [--members N] [--seed S] [--backends sqlite,postgresql]
[--samples K] [--viewers V] [--json PATH] [--reuse] [--quick]``.

Each page is requested through the whole application (middleware, session cookie,
header counts, templates) in-process, for ``V`` demo members with connections taken in
turn as the viewer, after one warm-up pass. The figure is the server's own
``Server-Timing: app;dur=`` header: from the request's arrival to the start of its
response, without the client's share. Target: p95 ≤ 50 ms for every page.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bench.network import log, machine_info
from bench.search import WORDS, Stat, prepare, summary
from kith.accounts.service import issue_token
from kith.app import create_app
from kith.models import Member
from kith.runtime import Kith
from kith.web.deps import SESSION_COOKIE

TARGET_P95_MS = 50.0


def _pages(viewer: str, other: str, word: str) -> dict[str, str]:
    """The main pages for ``viewer`` (a handle); ``other`` is someone in their network."""
    return {
        "home feed": "/",
        "my network": "/mynetwork",
        "own profile": f"/in/{viewer}",
        "a profile": f"/in/{other}",
        "search": f"/search?q={word}",
        "search, 2nd degree": f"/search?q={word}&network=2",
        "suggestions": "/suggestions",
        "messages": "/messages",
        "notifications": "/notifications",
        "relationships": "/relationships",
        "my insights": "/insights",
    }


def _server_ms(response: Any) -> float:
    timing = response.headers.get("server-timing", "")
    for part in timing.split(","):
        name, _, rest = part.strip().partition(";")
        if name == "app" and rest.startswith("dur="):
            return float(rest.removeprefix("dur="))
    raise SystemExit(f"no Server-Timing on {response.request.url}")


def _viewers(kith: Kith, count: int, seed: int) -> list[tuple[str, str, str]]:
    """(handle, a session token, a 2nd-degree member's handle) for ``count`` members
    with connections, the demo member first."""
    rng = np.random.default_rng(seed)
    assert kith.network is not None
    engine = kith.network.engine
    out: list[tuple[str, str, str]] = []
    with kith.uow() as ctx:
        demo = ctx.session.scalar(select(Member).where(Member.email == "demo@kith.example"))
        ids = list(ctx.session.scalars(select(Member.id).order_by(Member.id)))
        chosen = [demo] if demo is not None else []
        for i in rng.permutation(ids).tolist():
            if len(chosen) >= count:
                break
            member = ctx.session.get(Member, int(i))
            if member is not None and member not in chosen and engine.connection_count(member.id):
                chosen.append(member)
        for member in chosen:
            second = engine.second_degree(member.id)
            other_id = int(second[0]) if len(second) else int(engine.neighbors(member.id)[0])
            other = ctx.session.get(Member, other_id)
            assert other is not None
            token = issue_token(ctx, member, kind="session", user_agent="bench")
            out.append((member.handle, token, other.handle))
        total = int(ctx.session.scalar(select(func.count()).select_from(Member)) or 0)
    log(f"  {len(out)} viewers among {total:,} members")
    return out


def workloads(kith: Kith, args: argparse.Namespace) -> dict[str, Stat]:
    viewers = _viewers(kith, args.viewers, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    times: dict[str, list[float]] = {}
    with TestClient(create_app(kith), base_url="http://127.0.0.1:8000") as client:

        def visit(record: Callable[[str, float], None]) -> None:
            handle, token, other = viewers[int(rng.integers(len(viewers)))]
            client.cookies.set(SESSION_COOKIE, token)
            word = WORDS[int(rng.integers(len(WORDS)))]
            for name, path in _pages(handle, other, word).items():
                response = client.get(path, follow_redirects=False)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
                record(name, _server_ms(response))

        for _ in range(len(viewers)):  # warm-up: templates compiled, caches filled
            visit(lambda _name, _ms: None)
        for _ in range(args.samples):
            visit(lambda name, ms: times.setdefault(name, []).append(ms))
    return {name: summary(ms) for name, ms in times.items()}


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench pages", description=__doc__)
    p.add_argument("--members", type=int, default=2_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--samples", type=int, default=200, help="visits of each page")
    p.add_argument("--viewers", type=int, default=20)
    p.add_argument("--json", default="var/bench/pages.json")
    p.add_argument("--reuse", action="store_true", help="keep an already generated community")
    p.add_argument("--quick", action="store_true", help="small smoke run (40 visits)")
    args = p.parse_args(list(argv))
    if args.quick:
        args.samples, args.viewers = 40, 5
    os.environ["KITH_SERVER_TIMING"] = "true"  # read by the settings ``prepare`` makes
    result: dict[str, Any] = {"machine": machine_info(), "members": args.members, "runs": {}}
    rows: list[tuple[str, str, Stat, bool]] = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        kith, info = prepare(backend, args)
        log(f"[{backend}] {args.samples} visits of each page")
        try:
            stats = workloads(kith, args)
        finally:
            kith.stop_network()
            kith.db.dispose()
        result["runs"][backend] = {"info": info, "stats": {k: asdict(v) for k, v in stats.items()}}
        rows += [(backend, name, stat, stat.p95 <= TARGET_P95_MS) for name, stat in stats.items()]
    print()
    print(f"{'database':<11}{'page':<20}{'n':>5}{'p50':>9}{'p95':>9}{'p99':>9}{'target':>12}")
    for backend, name, stat, passed in rows:
        goal = f"<= {TARGET_P95_MS:.0f}{'' if passed else ' MISS'}"
        print(
            f"{backend:<11}{name:<20}{stat.n:>5}{stat.p50:>9.2f}{stat.p95:>9.2f}"
            f"{stat.p99:>9.2f}{goal:>12}"
        )
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    result["machine"]["loadavg_end"] = machine_info()["loadavg_start"]
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {out}")
    return 0 if all(passed for *_, passed in rows) else 1
