"""Endorsements benchmark: a profile with 50 skills and 20,000 endorsements, viewed by
a member with 3,000 connections, on SQLite and PostgreSQL.

Run ``python -m bench endorsements [--skills N] [--endorsers N] [--per-endorser N]
[--viewer-connections N] [--samples K] [--backends sqlite|postgresql|both] [--quick]
[--json PATH]``.

What is loaded
    The profile's member lists ``--skills`` skills and is connected to ``--endorsers``
    members, each of whom endorsed ``--per-endorser`` of them (2,000 x 10 = 20,000
    endorsements). The viewer is connected to the profile's member and to
    ``--viewer-connections`` members, a fifth of them endorsers. A few hundred endorsers
    work at the profile member's current company, and some are endorsed for one of the
    skills themselves. The network engine is built from the database, as at start.

What is timed (p50/p95 over ``--samples`` runs, each in its own unit of work as a
request runs it). Targets: p95 <= 30 ms for each.
    - the profile's skills section (``kith.endorsements.views.profile_skills``: every
      skill with its count, the top three with "endorsed by Ana, Ben and 4 others you
      know" from the engine, colleagues, endorsed themselves), with the members read;
    - endorse and un-endorse (``kith.endorsements.service``), each committed.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, text

from kith.clock import FrozenClock
from kith.config import Settings
from kith.db import Database
from kith.endorsements import service
from kith.endorsements.views import profile_skills
from kith.migrations import upgrade
from kith.models import (
    Company,
    Connection,
    Endorsement,
    Member,
    MemberSkill,
    Position,
    Skill,
)
from kith.runtime import Kith

from .backends import on_backends
from .network import Timer, log, machine_info

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
TARGET_P95_MS = 30.0
PROFILE, VIEWER = 1, 2


def _ms(fn: Callable[[], Any], samples: int) -> dict[str, float]:
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    arr = np.array(times)
    return {
        "n": samples,
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p95_ms": round(float(np.percentile(arr, 95)), 2),
    }


def load(db: Database, args: argparse.Namespace) -> dict[str, int]:
    """The profile, its endorsers, the viewer and the viewer's connections."""
    rng = np.random.default_rng(args.seed)
    endorsers = list(range(3, 3 + args.endorsers))
    known = endorsers[: args.viewer_connections // 5]
    others = list(
        range(3 + args.endorsers, 3 + args.endorsers + args.viewer_connections - len(known))
    )
    n = 2 + args.endorsers + len(others)
    created = NOW - timedelta(days=400)
    pairs = {(PROFILE, VIEWER)}
    pairs |= {(PROFILE, e) for e in endorsers}
    pairs |= {(VIEWER, o) for o in known + others}
    rows: list[dict[str, Any]] = []
    for e in endorsers:
        for s in rng.choice(args.skills, size=args.per_endorser, replace=False).tolist():
            rows.append(
                {
                    "recipient_id": PROFILE,
                    "skill_id": int(s) + 1,
                    "endorser_id": e,
                    "hidden": False,
                    "created_at": created,
                }
            )
    themselves = endorsers[: args.endorsers // 10]
    with db.writer.begin() as conn:
        conn.execute(
            insert(Member),
            [
                {
                    "id": i,
                    "email": f"m{i}@bench.example",
                    "handle": f"m{i}",
                    "password_hash": "-",
                    "created_at": created,
                    "first_name": f"First{i}",
                    "last_name": f"Last{i}",
                }
                for i in range(1, n + 1)
            ],
        )
        conn.execute(
            insert(Skill),
            [
                {"id": s, "name": f"Skill {s}", "key": f"skill {s}"}
                for s in range(1, args.skills + 1)
            ],
        )
        conn.execute(
            insert(MemberSkill),
            [{"member_id": PROFILE, "skill_id": s} for s in range(1, args.skills + 1)]
            + [{"member_id": e, "skill_id": 1} for e in themselves],
        )
        conn.execute(
            insert(Connection),
            [
                {
                    "member_lo_id": a,
                    "member_hi_id": b,
                    "inviter_id": a,
                    "context": "",
                    "created_at": created,
                }
                for a, b in sorted(pairs)
            ],
        )
        conn.execute(
            insert(Company), [{"id": 1, "name": "Acme", "key": "acme", "created_at": created}]
        )
        conn.execute(
            insert(Position),
            [
                {"member_id": m, "company_id": 1, "title": "Engineer", "start_year": 2020}
                for m in [PROFILE, *endorsers[: args.endorsers // 7]]
            ],
        )
        for start in range(0, len(rows), 5_000):
            conn.execute(insert(Endorsement), rows[start : start + 5_000])
        conn.execute(
            insert(Endorsement),
            [
                {
                    "recipient_id": e,
                    "skill_id": 1,
                    "endorser_id": PROFILE,
                    "hidden": False,
                    "created_at": created,
                }
                for e in themselves
            ],
        )
        if not db.is_sqlite:
            for table in ("members", "skills", "companies", "endorsements", "connections"):
                conn.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
            for table in ("members", "endorsements", "connections", "member_skills", "positions"):
                conn.execute(text(f"ANALYZE {table}"))
        else:
            conn.execute(text("ANALYZE"))
    return {"members": n, "endorsements": len(rows) + len(themselves), "connections": len(pairs)}


def run_backend(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    db = Database(url)
    upgrade(db.writer)
    out: dict[str, Any] = {}
    with Timer() as t:
        out["loaded"] = load(db, args)
    log(f"[endorsements] {name}: loaded {out['loaded']} in {t.s:.1f} s")
    kith = Kith(settings=Settings(env="dev", database_url=url), clock=FrozenClock(NOW), db=db)
    kith.start_network(thread=False)
    try:

        def section() -> None:
            with kith.uow(write=False) as ctx:
                viewer = ctx.session.get_one(Member, VIEWER)
                member = ctx.session.get_one(Member, PROFILE)
                shown = profile_skills(ctx, viewer, member)
                assert shown["skills"][0]["proof"], "no proof shown"

        toggles = iter(range(10**9))
        endorser = 3 + args.endorsers - 1  # connected to the profile, one of the endorsers

        def toggle() -> None:
            k = next(toggles)
            with kith.uow() as ctx:
                who = ctx.session.get_one(Member, endorser)
                member = ctx.session.get_one(Member, PROFILE)
                skill = 1 + (k // 2) % args.skills
                if k % 2 == 0:
                    service.endorse(ctx, who, member, skill)
                else:
                    service.unendorse(ctx, who, member, skill)

        for _ in range(3):
            section()
        out["skills_section"] = _ms(section, args.samples)
        log(f"[endorsements] {name} skills section: {out['skills_section']}")
        out["endorse_unendorse"] = _ms(toggle, args.samples)
        log(f"[endorsements] {name} endorse/un-endorse: {out['endorse_unendorse']}")
    finally:
        kith.stop_network()
        db.dispose()
    return out


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench endorsements", description=__doc__)
    p.add_argument("--skills", type=int, default=50)
    p.add_argument("--endorsers", type=int, default=2_000)
    p.add_argument("--per-endorser", type=int, default=10)
    p.add_argument("--viewer-connections", type=int, default=3_000)
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--backends", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--json", default="var/bench/endorsements.json")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    args = p.parse_args(list(argv))
    if args.quick:
        args.endorsers, args.viewer_connections, args.samples = 200, 300, 20
    result: dict[str, Any] = {"machine": machine_info(), "config": dict(vars(args))}
    result["backends"] = on_backends(
        args.backends, "bench_endorse", lambda name, url: run_backend(name, url, args)
    )
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print()
    print(f"{'database':<11}{'what':<22}{'n':>5}{'p50':>9}{'p95':>9}{'target':>12}")
    ok = True
    for backend, res in result["backends"].items():
        for key in ("skills_section", "endorse_unendorse"):
            st = res[key]
            passed = st["p95_ms"] <= TARGET_P95_MS
            ok = ok and passed
            goal = f"<= {TARGET_P95_MS:.0f}{'' if passed else ' MISS'}"
            print(f"{backend:<11}{key:<22}{st['n']:>5}{st['p50_ms']:>9}{st['p95_ms']:>9}{goal:>12}")
    print(f"\nwrote {out}")
    return 0 if ok else 1
