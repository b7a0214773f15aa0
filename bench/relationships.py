"""Relationship-management benchmark: "Due to reconnect" and pruning suggestions for a
member with 5,000 connections and 50,000 messages, on SQLite and PostgreSQL.

Run ``python -m bench relationships [--connections N] [--messages N] [--samples N]
[--json PATH] [--backend sqlite|postgresql]``. Each list is timed through its service
function in a read-only unit of work (as a page or API request runs it), with the
network engine loaded; the statements each call sends are counted with a SQLAlchemy
event listener and must equal the pinned counts that the tests assert too.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import event, insert, text

from kith.clock import FrozenClock
from kith.config import Settings
from kith.db import Database
from kith.migrations import upgrade
from kith.models import (
    Company,
    Connection,
    Contact,
    ContactTag,
    Conversation,
    Follow,
    Member,
    Message,
    Position,
    Tag,
    Tier,
)
from kith.pagination import PageRequest
from kith.relationships.pruning import PRUNE_QUERY_COUNT, prune_suggestions
from kith.relationships.reconnect import DUE_QUERY_COUNT, due_to_reconnect
from kith.runtime import Kith

from .backends import on_backends
from .network import machine_info

START = datetime(2024, 1, 1, 12, tzinfo=UTC)
NOW = START + timedelta(days=800)
COMPANIES = 40
INDUSTRIES = ("Technology", "Finance", "Healthcare", "Education", "Energy")


def log(msg: str) -> None:
    print(msg, flush=True)


def populate(db: Database, *, connections: int, messages: int, seed: int) -> int:
    """One owner with ``connections`` connections (plus edges among them for mutual
    counts), tiers, tags, positions, and ``messages`` messages over 2,000
    conversations. Returns the owner's id."""
    rng = random.Random(seed)
    n = connections + 1
    with db.writer.begin() as conn:
        conn.execute(
            insert(Company),
            [
                {"name": f"Company {i}", "key": f"company {i}", "created_at": START}
                for i in range(COMPANIES)
            ],
        )
        company_ids = [r[0] for r in conn.execute(text("SELECT id FROM companies ORDER BY id"))]
        conn.execute(
            insert(Member),
            [
                {
                    "email": f"m{i}@bench.example",
                    "handle": f"bench-{i}",
                    "password_hash": "-",
                    "created_at": START,
                    "first_name": f"First{i}",
                    "last_name": f"Last{i}",
                    "industry": rng.choice(INDUSTRIES),
                    "location": "Lisbon",
                }
                for i in range(n)
            ],
        )
        ids = [r[0] for r in conn.execute(text("SELECT id FROM members ORDER BY id"))]
        owner, others = ids[0], ids[1:]
        conn.execute(
            insert(Position),
            [
                {
                    "member_id": m,
                    "company_id": rng.choice(company_ids),
                    "title": "Engineer",
                    "start_year": rng.randint(2005, 2023),
                    "start_month": rng.randint(1, 12),
                    "end_year": None,
                }
                for m in ids
            ],
        )
        connected_at = {
            m: START + timedelta(days=rng.randint(0, 700), minutes=i) for i, m in enumerate(others)
        }
        edges = {(owner, m) for m in others}
        while len(edges) < connections * 5:
            a, b = sorted(rng.sample(others, 2))
            edges.add((a, b))
        conn.execute(
            insert(Connection),
            [
                {
                    "member_lo_id": min(a, b),
                    "member_hi_id": max(a, b),
                    "inviter_id": a,
                    "context": "",
                    "created_at": connected_at.get(b, START),
                }
                for a, b in edges
            ],
        )
        conn.execute(
            insert(Follow),
            [{"follower_id": owner, "followee_id": m, "created_at": START} for m in others],
        )
        tiers = []
        for pos, (name, cadence) in enumerate(
            (("Inner circle", 30), ("Industry experts", 90), ("Casual acquaintances", None))
        ):
            tiers.append(
                conn.execute(
                    insert(Tier).returning(Tier.id),
                    {
                        "owner_id": owner,
                        "name": name,
                        "key": name.lower(),
                        "cadence_days": cadence,
                        "position": pos,
                        "created_at": START,
                    },
                ).scalar_one()
            )
        tags = [
            conn.execute(
                insert(Tag).returning(Tag.id),
                {
                    "owner_id": owner,
                    "name": name,
                    "key": name,
                    "cadence_days": cadence,
                    "created_at": START,
                },
            ).scalar_one()
            for name, cadence in (("mentor", 60), ("alumni", None), ("investor", 45))
        ]
        talkers = rng.sample(others, min(2000, len(others) * 2 // 5))
        per = max(1, messages // max(1, len(talkers)))
        last_at: dict[int, datetime] = {}
        message_rows = []
        for c_index, other in enumerate(talkers):
            lo, hi = sorted((owner, other))
            first = connected_at[other] + timedelta(days=1)
            span = max(1, (NOW - first).days)
            times = sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(per))
            cid = conn.execute(
                insert(Conversation).returning(Conversation.id),
                {
                    "member_lo_id": lo,
                    "member_hi_id": hi,
                    "status": "open",
                    "last_seq": per,
                    "lo_read_seq": per,
                    "hi_read_seq": per,
                    "created_at": times[0],
                    "last_message_at": times[-1],
                },
            ).scalar_one()
            last_at[other] = times[-1]
            for seq, when in enumerate(times, 1):
                message_rows.append(
                    {
                        "conversation_id": cid,
                        "seq": seq,
                        "sender_id": owner if (seq + c_index) % 2 else other,
                        "body": f"message {seq}",
                        "created_at": when,
                    }
                )
        for i in range(0, len(message_rows), 10_000):
            conn.execute(insert(Message), message_rows[i : i + 10_000])
        contacts = []
        for other in others:
            roll = rng.random()
            tier = (
                tiers[0]
                if roll < 0.2
                else tiers[1]
                if roll < 0.5
                else tiers[2]
                if roll < 0.7
                else None
            )
            contacts.append(
                {
                    "owner_id": owner,
                    "other_id": other,
                    "tier_id": tier,
                    "how_we_met": "",
                    "last_interaction_at": last_at.get(other),
                    "last_message_at": last_at.get(other),
                    "created_at": START,
                }
            )
        conn.execute(insert(Contact), contacts)
        contact_ids = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM contacts WHERE owner_id = :o ORDER BY id"), {"o": owner}
            )
        ]
        conn.execute(
            insert(ContactTag),
            [
                {"contact_id": c, "tag_id": rng.choice(tags)}
                for c in rng.sample(contact_ids, len(contact_ids) // 4)
            ],
        )
    return int(owner)


def timed(
    kith: Kith, owner_id: int, fn: Callable[..., Any], samples: int
) -> tuple[list[float], int, int]:
    """(times in ms, statements per call, total items) for ``fn(ctx, owner, page)``."""
    statements: list[int] = []

    def count(*_args: object) -> None:
        statements[-1] += 1

    times = []
    total = 0
    for _ in range(samples):
        with kith.uow(write=False) as ctx:
            owner = ctx.session.get_one(Member, owner_id)
            statements.append(0)
            event.listen(kith.db.reader, "before_cursor_execute", count)
            t0 = time.perf_counter_ns()
            page = fn(ctx, owner, PageRequest(1, 20))
            times.append((time.perf_counter_ns() - t0) / 1e6)
            event.remove(kith.db.reader, "before_cursor_execute", count)
            total = page.total
    assert len(set(statements)) == 1, statements
    return times, statements[0], total


def run_backend(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    db = Database(url)
    upgrade(db.writer)
    t0 = time.perf_counter()
    owner = populate(db, connections=args.connections, messages=args.messages, seed=args.seed)
    build_s = time.perf_counter() - t0
    if name == "postgresql":
        with db.writer.begin() as conn:
            conn.execute(text("ANALYZE"))
    settings = Settings(env="dev", database_url=url)
    kith = Kith(settings=settings, clock=FrozenClock(NOW), db=db)
    kith.start_network(thread=False)
    out: dict[str, Any] = {"build_s": round(build_s, 1)}
    for label, fn, pinned in (
        ("due_to_reconnect", due_to_reconnect, DUE_QUERY_COUNT),
        ("prune_suggestions", prune_suggestions, PRUNE_QUERY_COUNT),
    ):
        timed(kith, owner, fn, 3)  # warm caches
        times, queries, total = timed(kith, owner, fn, args.samples)
        if queries != pinned:
            raise SystemExit(f"{name} {label}: {queries} statements, pinned at {pinned}")
        arr = np.array(times)
        out[label] = {
            "n": len(times),
            "p50_ms": round(float(np.percentile(arr, 50)), 2),
            "p95_ms": round(float(np.percentile(arr, 95)), 2),
            "max_ms": round(float(arr.max()), 2),
            "queries": queries,
            "items": total,
        }
        log(f"[{name}] {label}: {json.dumps(out[label])}")
    kith.stop_network()
    db.dispose()
    return out


def render(result: dict[str, Any]) -> str:
    m = result["machine"]
    cfg = result["config"]
    lines = [
        f"load average at start {m['loadavg_start']}; machine: {m['cpu']}, {m['cores']} cores, "
        f"{m['ram_gb']} GB RAM, Python {m['python']}, {m['date']}",
        f"One member with {cfg['connections']:,} connections and {cfg['messages']:,} messages; "
        f"{cfg['samples']} samples per list (page 1 of 20)",
        f"  {'backend':<12}{'list':<20}{'items':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'queries':>9}",
    ]
    for backend, res in result["backends"].items():
        for label in ("due_to_reconnect", "prune_suggestions"):
            st = res[label]
            lines.append(
                f"  {backend:<12}{label:<20}{st['items']:>7}{st['p50_ms']:>9}{st['p95_ms']:>9}"
                f"{st['max_ms']:>9}{st['queries']:>9}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench relationships", description=__doc__)
    p.add_argument("--connections", type=int, default=5_000)
    p.add_argument("--messages", type=int, default=50_000)
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--json", default="var/bench/relationships.json")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    args = p.parse_args(argv)
    if args.quick:
        args.connections, args.messages, args.samples = 300, 3_000, 10
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    machine = machine_info()
    result: dict[str, Any] = {
        "machine": machine,
        "config": dict(vars(args)),
        "backends": {},
    }
    result["backends"] = on_backends(
        args.backend, "bench_rel", lambda name, url: run_backend(name, url, args)
    )
    result["date"] = datetime.now(UTC).date().isoformat()
    out.write_text(json.dumps(result, indent=2))
    log("")
    log(render(result))
    log(f"\nwrote {out}")
    return 0
