"""Network insights benchmark: a member's insights and the community job at scale.

Run ``python -m bench insights [--members N] [--samples K] [--seed S] [--json PATH]``.

The graph is the network engine's benchmark graph (``generate_network``: 1,000,000
members, ~200M connections by default), held by the engine as in production. The
database (SQLite) holds what the insights read from it: every member with their
industry, location, positions at companies and education at schools, and — for
the sampled members only — their connections (with dates) and invitations.
Storing all ~200M connection rows is not needed: per-member figures take graph
facts from the engine and only the member's own rows from the database, and the
community job reads only the engine and the members' attributes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from bench.network import Timer, loadavg, log, machine_info, rss_mb
from kith.clock import SystemClock
from kith.config import Settings
from kith.db import Database
from kith.demo.vocabulary import PLACES
from kith.insights import service
from kith.members.service import INDUSTRIES
from kith.migrations import upgrade
from kith.models import Member
from kith.network import NetworkEngine
from kith.network_sync import NetworkSync
from kith.runtime import Kith
from kith.synthetic import generate_network

TITLES = ("Analyst", "Engineer", "Designer", "Consultant", "Manager", "Director", "Associate")
STAMP = "%Y-%m-%d %H:%M:%S.000000"


def _industry_names(k: int) -> list[str]:
    extra = [f"Industry {i}" for i in range(k)]
    return (list(INDUSTRIES) + extra)[:k]


def load_database(
    db_path: Path, net: Any, eng: NetworkEngine, sample: np.ndarray, seed: int
) -> dict[str, Any]:
    """Members, companies, schools, positions and education for everyone; connections
    and invitations for the sampled members. Raw sqlite3 bulk inserts."""
    rng = np.random.default_rng(seed + 1)
    n = net.num_members
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    created = now.strftime(STAMP)
    industries = _industry_names(net.num_industries)
    cities = [str(place[0] if isinstance(place, tuple) else place) for place in PLACES]
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    cur = conn.cursor()
    counts: dict[str, int] = {}

    cur.executemany(
        "INSERT INTO companies (id, name, key, industry, created_at) VALUES (?, ?, ?, ?, ?)",
        (
            (i + 1, f"Company {i + 1}", f"company {i + 1}", industries[int(ind)], created)
            for i, ind in enumerate(net.company_industry)
        ),
    )
    cur.executemany(
        "INSERT INTO schools (id, name, key, created_at) VALUES (?, ?, ?, ?)",
        ((i + 1, f"School {i + 1}", f"school {i + 1}", created) for i in range(net.num_schools)),
    )
    city = rng.integers(0, len(cities), n)
    cur.executemany(
        "INSERT INTO members (id, email, handle, password_hash, role, is_active, created_at, "
        "first_name, last_name, headline, about, location, industry, career_stage, "
        "invite_policy, follow_policy, connections_visibility, follow_primary) VALUES "
        "(?, ?, ?, 'x', 'member', 1, ?, ?, ?, '', '', ?, ?, NULL, 'everyone', 'everyone', "
        "'connections', 0)",
        (
            (
                i + 1,
                f"m{i + 1}@bench.example",
                f"m{i + 1}",
                created,
                "Member",
                str(i + 1),
                cities[int(city[i])],
                industries[int(net.member_industry[i])],
            )
            for i in range(n)
        ),
    )
    counts["members"] = n
    title = rng.integers(0, len(TITLES), net.position_member.size)
    cur.executemany(
        "INSERT INTO positions (member_id, company_id, title, location, description, "
        "start_year, end_year) VALUES (?, ?, ?, '', '', ?, ?)",
        (
            (
                int(m),
                int(c) + 1,
                TITLES[int(t)],
                int(s),
                None if int(e) < 0 else int(e),
            )
            for m, c, t, s, e in zip(
                net.position_member,
                net.position_company,
                title,
                net.position_start,
                net.position_end,
                strict=True,
            )
        ),
    )
    counts["positions"] = int(net.position_member.size)
    cur.executemany(
        "INSERT INTO education (member_id, school_id, degree, field_of_study, start_year, "
        "end_year) VALUES (?, ?, '', '', ?, ?)",
        (
            (int(m), int(s) + 1, int(a), int(b))
            for m, s, a, b in zip(
                net.school_member, net.school_id, net.school_start, net.school_end, strict=True
            )
        ),
    )
    counts["education"] = int(net.school_member.size)

    # The sampled members' own rows: connections with dates over three years, the
    # invitations behind the ones they made, and a few pending.
    pairs: dict[tuple[int, int], None] = {}
    for s in sample.tolist():
        for o in eng.neighbors(s).tolist():
            pairs[(min(s, o), max(s, o))] = None
    lo_hi = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    ages = rng.integers(0, 3 * 365 * 86400, lo_hi.shape[0])
    inviter_lo = rng.random(lo_hi.shape[0]) < 0.5
    conn_rows = []
    inv_rows = []
    for idx, (a, b) in enumerate(lo_hi.tolist()):
        when = (now - dt.timedelta(seconds=int(ages[idx]))).strftime(STAMP)
        inviter, recipient = (a, b) if inviter_lo[idx] else (b, a)
        inv_rows.append((inviter, recipient, a, b, "accepted", when, when))
        conn_rows.append((a, b, inviter, len(inv_rows), when))
    open_pairs: set[tuple[int, int]] = set()
    for s in sample.tolist():
        for o in rng.integers(1, n + 1, 5).tolist():
            key = (min(s, o), max(s, o))
            if o != s and key not in pairs and key not in open_pairs:
                open_pairs.add(key)
                inv_rows.append((s, o, key[0], key[1], "pending", created, None))
    cur.executemany(
        "INSERT INTO invitations (id, sender_id, recipient_id, pair_lo, pair_hi, note, context, "
        "status, created_at, responded_at) VALUES (?, ?, ?, ?, ?, '', '', ?, ?, ?)",
        ((i + 1, *row) for i, row in enumerate(inv_rows)),
    )
    cur.executemany(
        "INSERT INTO connections (member_lo_id, member_hi_id, inviter_id, invitation_id, "
        "context, created_at) VALUES (?, ?, ?, ?, '', ?)",
        conn_rows,
    )
    counts["connection_rows"] = len(conn_rows)
    counts["invitation_rows"] = len(inv_rows)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return counts


def percentiles(times: list[float]) -> dict[str, float]:
    arr = np.asarray(times)
    return {
        "n": int(arr.size),
        "p50": round(float(np.percentile(arr, 50)), 2),
        "p95": round(float(np.percentile(arr, 95)), 2),
        "p99": round(float(np.percentile(arr, 99)), 2),
        "max": round(float(arr.max()), 2),
        "mean": round(float(arr.mean()), 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    n = args.members
    result: dict[str, Any] = {"machine": machine_info(), "config": vars(args).copy()}
    log(f"[insights] generating {n:,} members (seed {args.seed}) ...")
    with Timer() as t:
        net = generate_network(n, seed=args.seed)
    log(f"[insights] {net.num_edges:,} connections in {t.s:.1f} s")
    with Timer() as t:
        eng = NetworkEngine.from_edges(net.a, net.b, num_nodes=n + 1)
    log(f"[insights] engine built in {t.s:.1f} s")
    scale: dict[str, Any] = {"members": n, "connections": net.num_edges}
    object.__setattr__(net, "a", np.empty(0, dtype=np.int32))
    object.__setattr__(net, "b", np.empty(0, dtype=np.int32))
    gc.collect()
    rng = np.random.default_rng(args.seed + 7)
    sample = rng.choice(np.arange(1, n + 1), size=min(args.samples, n), replace=False)

    workdir = Path(args.json).parent
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "insights-bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db_path}"
    database = Database(url)
    upgrade(database.writer)
    with Timer() as t:
        scale.update(load_database(db_path, net, eng, sample, args.seed))
    scale["db_load_s"] = round(t.s, 1)
    log(f"[insights] database loaded in {t.s:.1f} s: {scale}")
    del net
    gc.collect()

    settings = Settings(env="dev", database_url=url, data_dir=workdir, insights_refresh_minutes=0)
    kith = Kith(settings=settings, clock=SystemClock(), db=database)
    sync = NetworkSync(database)
    sync.engine = eng
    kith.network = sync
    with Timer() as t:
        eng.build_sketches()
    scale["sketch_build_s"] = round(t.s, 1)

    log("[insights] community job ...")
    cpu0 = time.process_time()
    with Timer() as t:
        with kith.uow() as ctx:
            row = service.refresh_community(ctx)
    community = {
        "wall_s": round(t.s, 1),
        "cpu_s": round(time.process_time() - cpu0, 1),
        "computed_s": row.seconds,
        "payload_kb": round(len(row.payload) / 1024),
        "largest_component_share": None,
    }
    with kith.uow(write=False) as ctx:
        latest = service.latest_community(ctx)
        assert latest is not None
        community["largest_component_share"] = latest.data["largest_component_share"]
        community["median"] = latest.data["median"]
        community["isolated"] = latest.data["isolated"]
    community["rss_mb_after"] = round(rss_mb())
    log(f"[insights] community job: {community}")

    log(f"[insights] member insights for {sample.size} members ...")
    times: list[float] = []
    degrees: list[int] = []
    cpu0 = time.process_time()
    for i, member_id in enumerate(sample.tolist()):
        t0 = time.perf_counter()
        with kith.uow(write=False) as ctx:
            member = ctx.session.scalar(select(Member).where(Member.id == member_id))
            assert member is not None
            found = service.member_insights(ctx, member)
        elapsed = (time.perf_counter() - t0) * 1000
        if i >= args.warmup:
            times.append(elapsed)
            degrees.append(found.count.count)
    member = percentiles(times)
    member["cpu_ms_mean"] = round((time.process_time() - cpu0) * 1000 / len(sample), 2)
    member["median_connections"] = float(np.median(degrees))
    member["max_connections"] = int(max(degrees))
    log(f"[insights] member insights: {member}")

    scale["loadavg_end"] = loadavg()
    scale["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result.update({"scale": scale, "community": community, "member": member})
    database.dispose()
    if not args.keep_db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return result


def render(result: dict[str, Any]) -> str:
    m, s, c, p = result["machine"], result["scale"], result["community"], result["member"]
    return "\n".join(
        [
            f"load average at start {m['loadavg_start']}; machine: {m['cpu']}, {m['cores']} "
            f"cores, {m['ram_gb']} GB RAM, Python {m['python']}, numpy {m['numpy']}, {m['date']}",
            f"Graph: {s['members']:,} members, {s['connections']:,} connections; database: "
            f"{s['positions']:,} positions, {s['education']:,} education rows, "
            f"{s['connection_rows']:,} connection rows (sampled members), loaded in "
            f"{s['db_load_s']} s; peak RSS {s['peak_rss_mb']:,} MB",
            f"Community job: {c['computed_s']:.1f} s (budget 120 s; {c['cpu_s']} s of CPU); "
            f"payload {c['payload_kb']:,} KB; largest component "
            f"{c['largest_component_share'] * 100:.2f} %",
            f"  {'workload':<22}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}",
            f"  {'member insights':<22}{p['n']:>6}{p['p50']:>10}{p['p95']:>10}{p['p99']:>10}"
            f"{p['max']:>10}   (budget p95 300 ms; median member has "
            f"{p['median_connections']:.0f} connections, largest {p['max_connections']:,})",
        ]
    )


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench insights", description=__doc__)
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--samples", type=int, default=300)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default="var/bench/insights.json")
    p.add_argument("--keep-db", action="store_true", help="keep the bench database file")
    args = p.parse_args(argv)
    result = run(args)
    out = Path(args.json)
    out.write_text(json.dumps(result, indent=2, default=str))
    log("")
    log(render(result))
    log(f"\nwrote {out}")
    return 0
