"""People search and people-you-may-know benchmark on a demo community.

Run ``python -m bench search [--members N] [--seed S] [--backends sqlite,postgresql]
[--samples K] [--json PATH] [--reuse] [--quick]``.

For each database it loads a community with the demo generator (``kith demo``),
starts the network engine, and times the service calls the pages and the API make,
each in its own unit of work, for random members as viewers:

* search with a network filter (keywords + 2nd degree; current company + 1st/2nd;
  keywords + 3rd and beyond; keywords + industry + 2nd),
* name typeahead (the first letters of a real name),
* people you may know (recording the showing, i.e. a write transaction).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select, text

from bench.network import Timer, log, machine_info
from kith.clock import SystemClock
from kith.config import Settings
from kith.db import Database
from kith.demo.service import build_demo
from kith.migrations import upgrade
from kith.models import Company, Member, Position
from kith.pagination import PageRequest
from kith.runtime import Kith
from kith.search.service import SearchQuery, search_people, typeahead
from kith.search.suggestions import people_you_may_know

PG_URL = os.environ.get("KITH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
WORDS = [
    "engineer",
    "manager",
    "analyst",
    "director",
    "sales",
    "design",
    "data",
    "nurse",
    "consultant",
    "marketing",
    "product",
    "research",
    "teacher",
    "finance",
    "software",
]
TARGETS = {"search_network": 100.0, "typeahead": 30.0, "pymk": 50.0}  # p95, ms


@dataclass
class Stat:
    n: int
    p50: float
    p95: float
    p99: float
    mean: float


def summary(times: list[float]) -> Stat:
    arr = np.array(times)
    return Stat(
        len(times),
        round(float(np.percentile(arr, 50)), 2),
        round(float(np.percentile(arr, 95)), 2),
        round(float(np.percentile(arr, 99)), 2),
        round(float(arr.mean()), 2),
    )


def timed(fn: Callable[[], Any], samples: int) -> tuple[list[float], list[Any]]:
    times, outs = [], []
    for _ in range(samples):
        t0 = time.perf_counter_ns()
        outs.append(fn())
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return times, outs


def database_url(backend: str, members: int, seed: int) -> str:
    if backend == "sqlite":
        path = Path("var/bench") / f"search-{members}-{seed}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    schema = f"kith_bench_search_{members}_{seed}"
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def prepare(backend: str, args: argparse.Namespace) -> tuple[Kith, dict[str, Any]]:
    """A migrated database holding the demo community (reused with ``--reuse``)."""
    url = database_url(backend, args.members, args.seed)
    info: dict[str, Any] = {"url": url.split("?")[0]}
    if backend == "postgresql":
        schema = url.split("%3D")[1]
        admin = Database(PG_URL)
        with admin.writer.begin() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                {"s": schema},
            ).scalar()
            if exists and not args.reuse:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                exists = None
            if not exists:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    elif not args.reuse:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    settings = Settings(
        env="dev",
        database_url=url,
        argon2_time_cost=1,
        argon2_memory_kib=8,
        argon2_parallelism=1,
    )
    kith = Kith(settings=settings, clock=SystemClock(), db=Database(url))
    upgrade(kith.db.writer)
    with kith.uow(write=False) as ctx:
        have = int(ctx.session.scalar(select(func.count()).select_from(Member)) or 0)
    if have == 0:
        log(f"[{backend}] generating {args.members:,} members with the demo generator")
        with Timer() as t, kith.uow() as ctx:
            result = build_demo(ctx, members=args.members, seed=args.seed)
        info["demo_seconds"] = round(t.s, 1)
        info["connections"] = result.connections
        log(f"[{backend}] demo: {result.connections:,} connections in {t.s:.0f} s")
        if backend == "postgresql":
            with kith.db.writer.begin() as conn:
                conn.execute(text("ANALYZE"))
    elif have != args.members:
        raise SystemExit(f"{url} holds {have} members, not {args.members}; drop --reuse")
    if backend == "sqlite":
        # A running server has its database in the operating system's page cache; a
        # file evicted since the last run (by a large benchmark in between) would
        # otherwise be measured from the disk: read it once, as PostgreSQL keeps its
        # own buffers across runs.
        with Timer() as t, open(url.removeprefix("sqlite:///"), "rb") as f:
            while f.read(1 << 22):
                pass
        info["page_cache_warmup_seconds"] = round(t.s, 2)
    with Timer() as t:
        kith.start_network(thread=False)
    info["engine_start_seconds"] = round(t.s, 1)
    return kith, info


def workloads(kith: Kith, args: argparse.Namespace) -> dict[str, Stat]:
    rng = np.random.default_rng(args.seed)
    assert kith.network is not None
    eng = kith.network.engine
    with kith.uow(write=False) as ctx:
        ids = list(ctx.session.scalars(select(Member.id)))
        names = list(ctx.session.execute(select(Member.first_name, Member.last_name)))
        companies = list(
            ctx.session.scalars(
                select(Company.name)
                .join(Position, Position.company_id == Company.id)
                .where(Position.end_year.is_(None))
                .group_by(Company.name)
            )
        )
    viewers = [
        i
        for i in rng.choice(ids, size=min(len(ids), args.samples * 3)).tolist()
        if eng.connection_count(int(i)) > 0
    ][: args.samples]
    req = PageRequest(1, 20)

    def run_search(viewer_id: int, query: SearchQuery) -> int:
        with kith.uow(write=False) as ctx:
            viewer = ctx.session.get(Member, viewer_id)
            assert viewer is not None
            return search_people(ctx, viewer, query, req).page.total

    queries: list[SearchQuery] = []
    for k in range(len(viewers)):
        word = WORDS[int(rng.integers(len(WORDS)))]
        kind = k % 4
        if kind == 0:
            queries.append(SearchQuery(keywords=word, network=("2",)))
        elif kind == 1:
            company = companies[int(rng.integers(len(companies)))]
            queries.append(SearchQuery(company=(company,), network=("1", "2")))
        elif kind == 2:
            queries.append(SearchQuery(keywords=word, network=("3",)))
        else:
            queries.append(SearchQuery(keywords=word, industry=("Technology",), network=("2",)))
    stats: dict[str, Stat] = {}
    it = iter(zip(viewers, queries, strict=True))
    times, totals = timed(lambda: run_search(*next(it)), len(viewers))
    stats["search_network"] = summary(times)
    log(
        f"  search with a network filter: {stats['search_network']} "
        f"(median {int(np.median(totals)):,} results)"
    )
    it2 = iter(viewers)
    times, _ = timed(
        lambda: run_search(next(it2), SearchQuery(keywords=WORDS[int(rng.integers(len(WORDS)))])),
        len(viewers),
    )
    stats["search_keywords"] = summary(times)

    def run_typeahead(viewer_id: int, prefix: str) -> int:
        with kith.uow(write=False) as ctx:
            viewer = ctx.session.get(Member, viewer_id)
            assert viewer is not None
            return len(typeahead(ctx, viewer, prefix))

    prefixes = []
    for _ in viewers:
        first, last = names[int(rng.integers(len(names)))]
        cut = int(rng.integers(2, 5))
        prefixes.append(first[:cut] if rng.random() < 0.6 else f"{first} {last[:2]}")
    it3 = iter(zip(viewers, prefixes, strict=True))
    times, _ = timed(lambda: run_typeahead(*next(it3)), len(viewers))
    stats["typeahead"] = summary(times)

    def run_pymk(viewer_id: int) -> int:
        with kith.uow() as ctx:
            viewer = ctx.session.get(Member, viewer_id)
            assert viewer is not None
            return len(people_you_may_know(ctx, viewer))

    it4 = iter(viewers)
    times, _ = timed(lambda: run_pymk(next(it4)), len(viewers))
    stats["pymk"] = summary(times)
    return stats


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench search", description=__doc__)
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--samples", type=int, default=400)
    p.add_argument("--json", default="var/bench/search.json")
    p.add_argument("--reuse", action="store_true", help="keep an already generated community")
    p.add_argument("--quick", action="store_true", help="small smoke run (2,000 members)")
    args = p.parse_args(list(argv))
    if args.quick:
        args.members, args.samples = 2_000, 40
    result: dict[str, Any] = {"machine": machine_info(), "members": args.members, "runs": {}}
    ok = True
    rows = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        kith, info = prepare(backend, args)
        log(f"[{backend}] measuring {args.samples} viewers")
        try:
            stats = workloads(kith, args)
        finally:
            kith.stop_network()
            kith.db.dispose()
        result["runs"][backend] = {"info": info, "stats": {k: asdict(v) for k, v in stats.items()}}
        for name, stat in stats.items():
            target = TARGETS.get(name)
            passed = target is None or stat.p95 <= target
            ok &= passed
            rows.append((backend, name, stat, target, passed))
    print()
    print(f"{'database':<11}{'workload':<17}{'n':>5}{'p50':>9}{'p95':>9}{'p99':>9}{'target':>10}")
    for backend, name, stat, target, passed in rows:
        goal = "" if target is None else f"<= {target:.0f}{'' if passed else ' MISS'}"
        print(
            f"{backend:<11}{name:<17}{stat.n:>5}{stat.p50:>9.2f}{stat.p95:>9.2f}"
            f"{stat.p99:>9.2f}{goal:>10}"
        )
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    result["machine"]["loadavg_end"] = machine_info()["loadavg_start"]
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {out}")
    return 0 if ok else 1
