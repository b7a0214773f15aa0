"""Groups benchmark: 100,000 members, 2,000 groups of 5 to 50,000 members, a viewer
with 3,000 connections, on SQLite and PostgreSQL.

Run ``python -m bench groups [--members N] [--groups N] [--largest N]
[--viewer-connections N] [--degree N] [--posts N] [--samples K]
[--backends sqlite|postgresql|both] [--quick] [--keep] [--json PATH]``.

What is loaded
    ``--members`` members in a random network of mean degree ``--degree``; the viewer
    is connected to ``--viewer-connections`` of them. ``--groups`` groups: the largest
    has ``--largest`` members, nine more between 1,000 and 30,000, the rest drawn from
    a heavy-tailed distribution from 5 members up. The viewer belongs to the largest
    group, which holds ``--posts`` posts (every tenth by one of the viewer's
    connections); the other groups a few each. The network engine is built from the
    database, as at start.

What is timed (p50/p95 over ``--samples`` runs, each in its own read-only unit of
work, as a request runs it):
    - ``members_page``: the largest group's first members page
      (:func:`kith.groups.directory.members`: the viewer's connections first, degree
      badges and shared counts from the engine, the members read). Target p95 <= 100 ms.
    - ``card_counts``: "N of your connections are members" for a page of 20 group cards
      (:func:`kith.groups.directory.connection_counts`, the 20 largest groups). Target
      p95 <= 20 ms.
    - ``feed_page``: the largest group's first feed page (:func:`kith.groups.feed.group_feed`
      through the audience rule, and the cards drawn as the page draws them). Target
      p95 <= 100 ms.
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
from kith.groups import directory, feed
from kith.migrations import upgrade
from kith.models import Connection, Group, GroupMember, Member, Post
from kith.pagination import PageRequest
from kith.posts.views import post_cards
from kith.runtime import Kith

from .backends import kept, on_backends
from .network import Timer, log, machine_info

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
TARGETS = {"members_page": 100.0, "card_counts": 20.0, "feed_page": 100.0}
VIEWER = 1
CHUNK = 20_000
PAGE = PageRequest(1, 20)


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


def _sizes(rng: np.random.Generator, args: argparse.Namespace) -> list[int]:
    big = [args.largest, 30_000, 20_000, 10_000, 8_000, 5_000, 5_000, 3_000, 2_000, 1_000]
    big = [min(s, args.members) for s in big][: args.groups]
    rest = 5 * (1 / rng.random(max(0, args.groups - len(big)))) ** (1 / 1.1)
    return big + [int(min(1_000, s)) for s in rest]


def _insert(conn: Any, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(model), rows[start : start + CHUNK])


def _edges(rng: np.random.Generator, args: argparse.Namespace) -> set[tuple[int, int]]:
    n = args.members
    a = rng.integers(2, n + 1, size=n * args.degree // 2)
    b = rng.integers(2, n + 1, size=a.size)
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    pairs = set(zip(lo.tolist(), hi.tolist(), strict=True))
    friends = rng.choice(np.arange(2, n + 1), size=args.viewer_connections, replace=False)
    pairs |= {(VIEWER, int(f)) for f in friends}
    return pairs


def load(db: Database, args: argparse.Namespace) -> dict[str, int]:
    rng = np.random.default_rng(args.seed)
    n = args.members
    created = NOW - timedelta(days=400)
    pairs = _edges(rng, args)
    friends = [b for a, b in pairs if a == VIEWER]
    sizes = _sizes(rng, args)
    memberships: list[dict[str, Any]] = []
    for g, size in enumerate(sizes, start=1):
        chosen = rng.choice(np.arange(1, n + 1), size=size, replace=False).tolist()
        if g == 1 and VIEWER not in chosen:
            chosen[-1] = VIEWER
        for rank, m in enumerate(chosen):
            memberships.append(
                {
                    "group_id": g,
                    "member_id": int(m),
                    "status": "member",
                    "role": "owner" if rank == 0 else "member",
                    "answers": [],
                    "joined_at": created + timedelta(seconds=rank),
                    "approved_posts": 0,
                }
            )
    largest_members = [r["member_id"] for r in memberships if r["group_id"] == 1]
    posts: list[dict[str, Any]] = []
    for k in range(args.posts):
        pool = friends if k % 10 == 0 else largest_members
        author = pool[k % len(pool)]
        posts.append(
            {
                "author_id": author,
                "body": f"Group post {k}",
                "audience": "group",
                "audience_group_id": 1,
                "awaiting_approval": False,
                "notify": True,
                "reaction_count": 0,
                "comment_count": 0,
                "repost_count": 0,
                "source": "",
                "created_at": NOW - timedelta(minutes=k),
            }
        )
    owners = {r["group_id"]: r["member_id"] for r in memberships if r["role"] == "owner"}
    for g in range(4, len(sizes) + 1, 4):
        posts.append(
            {
                "author_id": owners[g],
                "body": f"Welcome to group {g}",
                "audience": "group",
                "audience_group_id": g,
                "awaiting_approval": False,
                "notify": True,
                "reaction_count": 0,
                "comment_count": 0,
                "repost_count": 0,
                "source": "",
                "created_at": NOW - timedelta(hours=g),
            }
        )
    with db.writer.begin() as conn:
        _insert(
            conn,
            Member,
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
        _insert(
            conn,
            Connection,
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
        _insert(
            conn,
            Group,
            [
                {
                    "id": g,
                    "name": f"Group {g}",
                    "description": "",
                    "rules": "",
                    "industry": "",
                    "topics": [],
                    "questions": [],
                    "kind": "public" if g % 3 else "private",
                    "post_approval": False,
                    "member_count": size,
                    "request_count": 0,
                    "created_at": created,
                }
                for g, size in enumerate(sizes, start=1)
            ],
        )
        _insert(conn, GroupMember, memberships)
        _insert(conn, Post, posts)
        if not db.is_sqlite:
            for table in ("members", "groups", "posts", "connections"):
                conn.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
        else:
            conn.execute(text("ANALYZE"))
    if not db.is_sqlite:
        # What autovacuum does soon after a bulk load: statistics, and the visibility
        # map that lets an index answer alone.
        with db.writer.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in ("members", "connections", "groups", "group_members", "posts"):
                conn.execute(text(f"VACUUM ANALYZE {table}"))
    return {
        "members": n,
        "connections": len(pairs),
        "groups": len(sizes),
        "memberships": len(memberships),
        "largest": sizes[0],
        "posts": len(posts),
    }


def run_backend(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    db = Database(url)
    upgrade(db.writer)
    out: dict[str, Any] = {}
    if kept(db, f"[groups] {name}", args.keep):
        out["kept"] = True
    else:
        with Timer() as t:
            out["loaded"] = load(db, args)
        log(f"[groups] {name}: loaded {out['loaded']} in {t.s:.1f} s")
    kith = Kith(settings=Settings(env="dev", database_url=url), clock=FrozenClock(NOW), db=db)
    kith.start_network(thread=False)
    try:
        cards = list(range(1, 21))

        def members_page() -> None:
            with kith.uow(write=False) as ctx:
                viewer = ctx.session.get_one(Member, VIEWER)
                found = directory.members(ctx, viewer, 1, PAGE)
                assert found.page.items
                assert found.connections > 0
                assert found.badges[found.page.items[0].id].degree == 1

        def card_counts() -> None:
            with kith.uow(write=False) as ctx:
                viewer = ctx.session.get_one(Member, VIEWER)
                counts = directory.connection_counts(ctx, viewer, cards)
                assert counts[1] > 0

        def feed_page() -> None:
            with kith.uow(write=False) as ctx:
                viewer = ctx.session.get_one(Member, VIEWER)
                found = feed.group_feed(ctx, viewer, 1, PAGE)
                assert len(post_cards(ctx, viewer, found.items)) == PAGE.per_page

        for fn in (members_page, card_counts, feed_page):
            for _ in range(3):
                fn()
        for key, fn in (
            ("members_page", members_page),
            ("card_counts", card_counts),
            ("feed_page", feed_page),
        ):
            out[key] = _ms(fn, args.samples)
            log(f"[groups] {name} {key}: {out[key]}")
    finally:
        kith.stop_network()
        db.dispose()
    return out


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench groups", description=__doc__)
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--groups", type=int, default=2_000)
    p.add_argument("--largest", type=int, default=50_000)
    p.add_argument("--viewer-connections", type=int, default=3_000)
    p.add_argument("--degree", type=int, default=10)
    p.add_argument("--posts", type=int, default=5_000)
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--backends", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--json", default="var/bench/groups.json")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument(
        "--keep",
        action="store_true",
        help="load the community once into var/bench/ and a kept schema, and reuse it",
    )
    args = p.parse_args(list(argv))
    if args.quick:
        args.members, args.groups, args.largest = 5_000, 100, 2_500
        args.viewer_connections, args.posts, args.samples = 300, 500, 20
    result: dict[str, Any] = {"machine": machine_info(), "config": dict(vars(args))}
    result["backends"] = on_backends(
        args.backends,
        "bench_groups",
        lambda name, url: run_backend(name, url, args),
        keep=(
            f"{args.members}_{args.groups}_{args.largest}_{args.viewer_connections}_{args.seed}"
            if args.keep
            else None
        ),
    )
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print()
    print(f"{'database':<11}{'what':<15}{'n':>5}{'p50':>9}{'p95':>9}{'target':>12}")
    ok = True
    for backend, res in result["backends"].items():
        for key, target in TARGETS.items():
            st = res[key]
            passed = st["p95_ms"] <= target
            ok = ok and passed
            goal = f"<= {target:.0f}{'' if passed else ' MISS'}"
            print(f"{backend:<11}{key:<15}{st['n']:>5}{st['p50_ms']:>9}{st['p95_ms']:>9}{goal:>12}")
    print(f"\nwrote {out}")
    return 0 if ok else 1
