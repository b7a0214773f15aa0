"""Home feed benchmark: the issue's community (100,000 members from the demo
generator's graph, 1,000,000 posts over a year, 5,000,000 reactions, 2,000,000
comments) on SQLite and PostgreSQL, with fan-out on read and fan-out on write side
by side in one run.

Run ``python -m bench feed [--members N] [--posts N] [--reactions N] [--comments N]
[--samples K] [--backends sqlite|postgresql|both] [--quick] [--json PATH]``.

What is loaded
    The graph (``generate_network``, mean degree 420) is held by the network engine,
    as in production. The database holds every member, every post, reaction and
    comment, and — for the sampled viewers only — their connections, follows (each
    follows all their connections, plus members they only follow up to 300 or
    3,000), tiers, tags and relationship records; the feed reads no other member's
    connections or follows. Posts are bulk-loaded (COPY on PostgreSQL, executemany
    on SQLite) with their counts already right. Authors post with a skewed rate,
    reactions and comments go mostly to the author's connections, shortly after the
    post.

What is timed (p50/p95 over ``--samples`` runs each, in a read-only unit of work as
a request runs it, with the engine loaded)
    - first page of *For you* and *Recent* (20 items: the posts with their counts
      and authors, the reasons, and each author's degree and shared connections from
      the engine) for viewers following ~300 and ~3,000 members;
    - the next page by cursor;
    - posting (``kith.posts.service.create_post`` in its own committed transaction);
    - a profile's activity (a member's posts that the viewer may see, newest first,
      20 with degrees);
    - fan-out on read (the feed merges the followed authors' posts at read time,
      as :mod:`kith.posts.feed` does) against fan-out on write (a per-member
      ``bench_timeline`` table written at posting time, one row per follower; the
      read is one index range of the viewer's timeline). The timeline table holds
      the sampled viewers' rows only: a full one would hold ~4 billion rows here.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select, text

from kith.clock import FrozenClock
from kith.config import Settings
from kith.db import Database
from kith.graph.service import badges
from kith.migrations import upgrade
from kith.models import Connection, Contact, Follow, Member, Post, Tier
from kith.network import NetworkEngine
from kith.network_sync import NetworkSync
from kith.posts.audience import visible_to
from kith.posts.feed import FeedItem, feed, reason
from kith.posts.feed_ties import ties
from kith.posts.service import Draft, create_post
from kith.runtime import Kith
from kith.synthetic import generate_network
from kith.uow import Ctx

from .backends import kept, on_backends
from .network import Timer, log, machine_info

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
YEAR_S = 365 * 86400
AUDIENCES = ("anyone", "connections", "only_me")
AUDIENCE_P = (0.75, 0.22, 0.03)
TIER_NAMES = ("Inner circle", "Industry experts", "Casual acquaintances")
TIMELINE_DDL = (
    "CREATE TABLE bench_timeline (member_id INTEGER NOT NULL, created_at {ts} NOT NULL, "
    "post_id BIGINT NOT NULL, PRIMARY KEY (member_id, created_at, post_id))"
)


# -- the community --------------------------------------------------------------


class Community:
    """The generated graph and content, as numpy arrays (index i = row id i + 1)."""

    def __init__(self, args: argparse.Namespace) -> None:
        rng = np.random.default_rng(args.seed)
        n = args.members
        with Timer() as t:
            net = generate_network(n, mean_degree=args.mean_degree, seed=args.seed)
        self.n = n
        self.edges = net.num_edges
        log(f"[feed] graph: {n:,} members, {net.num_edges:,} connections in {t.s:.1f} s")
        self.eng = NetworkEngine.from_edges(net.a, net.b, num_nodes=n + 1)
        del net
        gc.collect()
        indptr, indices = self.eng.csr()
        self.indptr, self.indices = indptr, indices
        deg = np.diff(indptr)
        # Posts: a skewed posting rate per member, spread over the year before NOW.
        rate = rng.lognormal(0.0, 1.2, n + 1)
        rate[0] = 0
        p = args.posts
        self.post_author = rng.choice(n + 1, p, p=rate / rate.sum()).astype(np.int64)
        age = np.sort(rng.integers(0, YEAR_S, p))[::-1]  # oldest first: ids follow time
        self.post_at = NOW.timestamp() - age.astype(np.float64) - rng.random(p)
        self.audience = rng.choice(len(AUDIENCES), p, p=AUDIENCE_P).astype(np.int8)
        repost = rng.random(p) < 0.05
        repost[0] = False
        earlier = (rng.random(p) * np.arange(p)).astype(np.int64)
        self.repost_of = np.where(repost, earlier + 1, 0)  # a post id, 0 = none
        self.audience[repost] = 0
        self.reaction_post, self.reaction_member, self.reaction_at = self._engage(
            rng, args.reactions, deg, 0.7
        )
        self.comment_post, self.comment_member, self.comment_at = self._engage(
            rng, args.comments, deg, 0.8
        )
        self.reaction_count = np.bincount(self.reaction_post, minlength=p + 1)[1:]
        self.comment_count = np.bincount(self.comment_post, minlength=p + 1)[1:]
        self.repost_count = np.bincount(self.repost_of[repost], minlength=p + 1)[1:]
        # Viewers: members whose connections are nearest 300 and 3,000.
        self.viewers: dict[str, list[int]] = {}
        for label, target in (("300", 300), ("3000", 3000)):
            order = np.argsort(np.abs(deg[1:] - target))[: args.viewers] + 1
            self.viewers[label] = [int(v) for v in order]
        self.follows: dict[int, np.ndarray] = {}
        for label, target in (("300", 300), ("3000", 3000)):
            for v in self.viewers[label]:
                mine = indices[indptr[v] : indptr[v + 1]].astype(np.int64)
                extra = max(0, target - mine.size)
                others = np.setdiff1d(rng.integers(1, n + 1, extra * 2), [*mine.tolist(), v])
                self.follows[v] = np.unique(np.concatenate([mine, others[:extra]]))

    def _engage(
        self, rng: np.random.Generator, k: int, deg: np.ndarray, local: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(post ids, member ids, times): popular posts get more; mostly the author's
        connections, shortly after the post; one per member and post."""
        p = self.post_author.size
        weight = rng.pareto(1.5, p) + 0.1
        post = rng.choice(p, int(k * 1.1), p=weight / weight.sum())
        author = self.post_author[post]
        d = np.diff(self.indptr)[author]
        pick = (rng.random(post.size) * np.maximum(d, 1)).astype(np.int64)
        friend = self.indices[np.minimum(self.indptr[author] + pick, self.indices.size - 1)]
        member = np.where(
            (d > 0) & (rng.random(post.size) < local),
            friend,
            rng.integers(1, self.n + 1, post.size),
        ).astype(np.int64)
        key = np.unique(post.astype(np.int64) * (self.n + 1) + member)
        key = key[key % (self.n + 1) > 0]
        key = rng.permutation(key)[:k]
        post, member = key // (self.n + 1), key % (self.n + 1)
        order = np.lexsort((post, member))  # by member, then post: the unique index's order
        post, member = post[order], member[order]
        at = np.minimum(self.post_at[post] + rng.exponential(6 * 3600, post.size), NOW.timestamp())
        return post + 1, member, at


# -- loading ----------------------------------------------------------------------


def _stamp(ts: float, pg: bool) -> str:
    at = datetime.fromtimestamp(ts, UTC)
    return at.isoformat(sep=" ") if pg else at.strftime("%Y-%m-%d %H:%M:%S.%f")


def _rows_posts(c: Community, pg: bool) -> Iterable[tuple[Any, ...]]:
    for i in range(c.post_author.size):
        rep = int(c.repost_of[i])
        yield (
            i + 1,
            int(c.post_author[i]),
            "" if rep else f"Post {i + 1} about the week's work",
            AUDIENCES[int(c.audience[i])],
            rep or None,
            True,
            int(c.reaction_count[i]),
            int(c.comment_count[i]),
            int(c.repost_count[i]),
            "",
            _stamp(float(c.post_at[i]), pg),
        )


def _rows_reactions(c: Community, pg: bool) -> Iterable[tuple[Any, ...]]:
    kinds = ("like", "celebrate", "support", "love", "insightful", "funny")
    for i in range(c.reaction_post.size):
        yield (
            i + 1,
            int(c.reaction_member[i]),
            int(c.reaction_post[i]),
            kinds[i % 6 if i % 3 == 0 else 0],
            _stamp(float(c.reaction_at[i]), pg),
        )


def _rows_comments(c: Community, pg: bool) -> Iterable[tuple[Any, ...]]:
    for i in range(c.comment_post.size):
        yield (
            i + 1,
            int(c.comment_post[i]),
            int(c.comment_member[i]),
            "Well said, thanks for sharing",
            0,
            0,
            _stamp(float(c.comment_at[i]), pg),
        )


BULK = {
    "posts": (
        "id, author_id, body, audience, repost_of_id, notify, reaction_count, comment_count, "
        "repost_count, source, created_at",
        _rows_posts,
    ),
    "reactions": ("id, member_id, post_id, kind, created_at", _rows_reactions),
    "comments": (
        "id, post_id, author_id, body, reaction_count, reply_count, created_at",
        _rows_comments,
    ),
}


def _copy_text(rows: Iterable[tuple[Any, ...]]) -> Iterable[bytes]:
    buf = io.StringIO()
    count = 0
    for row in rows:
        buf.write("\t".join("\\N" if v is None else ("t" if v is True else str(v)) for v in row))
        buf.write("\n")
        count += 1
        if count % 50_000 == 0:
            yield buf.getvalue().encode()
            buf = io.StringIO()
    yield buf.getvalue().encode()


def bulk_load(db: Database, url: str, c: Community) -> dict[str, float]:
    """Posts, reactions and comments: COPY on PostgreSQL, executemany on SQLite."""
    took: dict[str, float] = {}
    if db.is_sqlite:
        path = url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1000000")
        for table, (cols, rows) in BULK.items():
            with Timer() as t:
                indexes = [
                    (r[0], r[1])
                    for r in conn.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                        "AND tbl_name = ? AND sql IS NOT NULL",
                        (table,),
                    )
                ]
                for index, _sql in indexes:
                    conn.execute(f'DROP INDEX "{index}"')
                marks = ", ".join("?" for _ in cols.split(","))
                conn.executemany(
                    f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608
                    rows(c, False),
                )
                for _index, sql in indexes:
                    conn.execute(sql)
                conn.commit()
            took[table] = round(t.s, 1)
            log(f"[feed] sqlite: {table} loaded in {t.s:.1f} s")
        conn.execute("ANALYZE")
        conn.close()
        return took
    raw = db.writer.raw_connection()
    try:
        cur = raw.cursor()
        for table, (cols, rows) in BULK.items():
            with Timer() as t:
                cur.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND schemaname = current_schema() AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                    (table, table),
                )
                indexes = list(cur.fetchall())
                for index, _sql in indexes:
                    cur.execute(f'DROP INDEX "{index}"')
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for chunk in _copy_text(rows(c, True)):
                        copy.write(chunk)
                for _index, sql in indexes:
                    cur.execute(sql)
                raw.commit()
            took[table] = round(t.s, 1)
            log(f"[feed] postgresql: {table} loaded in {t.s:.1f} s")
        for table in BULK:
            cur.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")  # noqa: S608
        raw.commit()
    finally:
        raw.close()
    analyze(db)
    return took


ANALYZED = (
    "members",
    "connections",
    "follows",
    "contacts",
    "tiers",
    "posts",
    "reactions",
    "comments",
)


def analyze(db: Database, *, timeline: bool = False) -> None:
    """Fresh statistics for the bench's own tables (a bare ANALYZE on PostgreSQL would
    visit, and wait for, every schema in the database). On PostgreSQL the tables are
    vacuumed too, as autovacuum would have done to tables that old: a bulk-loaded table
    has no visibility map yet, and each index-only scan would still read the heap."""
    tables = [*ANALYZED, "bench_timeline"] if timeline else list(ANALYZED)
    if db.is_sqlite:
        with db.writer.begin() as conn:
            for table in tables:
                conn.execute(text(f"ANALYZE {table}"))
        return
    with db.writer.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in tables:
            conn.execute(text(f"VACUUM (ANALYZE) {table}"))


def load_small(db: Database, c: Community, rng: np.random.Generator) -> None:
    """Members; the viewers' connections, follows, tiers and relationship records."""
    created = NOW - timedelta(days=400)
    with db.writer.begin() as conn:
        for start in range(1, c.n + 1, 20_000):
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
                    for i in range(start, min(c.n + 1, start + 20_000))
                ],
            )
        if not db.is_sqlite:
            conn.execute(text("SELECT setval('members_id_seq', (SELECT max(id) FROM members))"))
        pairs: set[tuple[int, int]] = set()
        for v in c.follows:
            for o in c.indices[c.indptr[v] : c.indptr[v + 1]].tolist():
                pairs.add((min(v, o), max(v, o)))
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
        for v, followees in c.follows.items():
            conn.execute(
                insert(Follow),
                [
                    {"follower_id": v, "followee_id": int(f), "created_at": created}
                    for f in followees.tolist()
                ],
            )
            tiers = [
                conn.execute(
                    insert(Tier).returning(Tier.id),
                    {
                        "owner_id": v,
                        "name": name,
                        "key": name.lower(),
                        "position": pos,
                        "created_at": created,
                    },
                ).scalar_one()
                for pos, name in enumerate(TIER_NAMES)
            ]
            mine = c.indices[c.indptr[v] : c.indptr[v + 1]].tolist()
            roll = rng.random(len(mine))
            last = rng.integers(0, 200, len(mine))
            conn.execute(
                insert(Contact),
                [
                    {
                        "owner_id": v,
                        "other_id": int(o),
                        "tier_id": tiers[0] if r < 0.05 else tiers[1] if r < 0.2 else None,
                        "last_interaction_at": NOW - timedelta(days=int(d)) if r < 0.3 else None,
                        "created_at": created,
                    }
                    for o, r, d in zip(mine, roll.tolist(), last.tolist(), strict=True)
                ],
            )


def load_timelines(db: Database, c: Community) -> int:
    """Fan-out on write as it would have been written: each viewer's timeline holds
    the posts of the members they follow (and their own)."""
    pg = not db.is_sqlite
    with db.writer.begin() as conn:
        conn.execute(text(TIMELINE_DDL.format(ts="TIMESTAMP WITH TIME ZONE" if pg else "DATETIME")))
    by_author = np.argsort(c.post_author, kind="stable")
    sorted_authors = c.post_author[by_author]
    rows = 0
    with db.writer.begin() as conn:
        for v, followees in c.follows.items():
            authors = np.concatenate([followees, [v]])
            lo = np.searchsorted(sorted_authors, authors, "left")
            hi = np.searchsorted(sorted_authors, authors, "right")
            idx = np.concatenate([by_author[a:b] for a, b in zip(lo, hi, strict=True)])
            batch = [
                {"m": v, "at": datetime.fromtimestamp(float(c.post_at[i]), UTC), "p": int(i) + 1}
                for i in idx.tolist()
            ]
            stmt = text("INSERT INTO bench_timeline VALUES (:m, :at, :p)")
            if not pg:
                batch = [{**b, "at": b["at"].strftime("%Y-%m-%d %H:%M:%S.%f")} for b in batch]
            for start in range(0, len(batch), 20_000):
                conn.execute(stmt, batch[start : start + 20_000])
            rows += len(batch)
    analyze(db, timeline=True)
    return rows


# -- what is timed -------------------------------------------------------------------


def cards(ctx: Ctx, viewer: Member, items: Sequence[FeedItem]) -> int:
    """What a page of cards needs beyond the feed: the authors' degrees and shared
    connections (one vectorized engine call), the counts and authors (loaded)."""
    found = badges(ctx, viewer, sorted({i.post.author_id for i in items}))
    total = 0
    for i in items:
        total += i.post.reaction_count + i.post.comment_count + len(i.post.author.first_name)
        total += found[i.post.author_id].mutual
    return total


def timeline_first_page(ctx: Ctx, viewer: Member, limit: int = 20) -> list[FeedItem]:
    """*Recent* from the fan-out-on-write table: one range of the viewer's timeline,
    with the same audience rule, reasons and cards as the feed."""
    tl = text(
        "SELECT post_id FROM bench_timeline WHERE member_id = :m "
        "ORDER BY created_at DESC, post_id DESC LIMIT :n"
    ).columns()
    ids = [int(r[0]) for r in ctx.session.execute(tl, {"m": viewer.id, "n": limit * 2})]
    posts = {
        p.id: p
        for p in ctx.session.scalars(select(Post).where(Post.id.in_(ids), visible_to(viewer.id)))
    }
    page = [posts[i] for i in ids if i in posts][:limit]
    found = ties(ctx, viewer.id, {p.author_id for p in page})
    now = ctx.clock.now()
    return [FeedItem(p, reason(viewer, p, found.get(p.author_id), None, now)) for p in page]


def activity_page(ctx: Ctx, viewer: Member, author_id: int) -> list[Post]:
    return list(
        ctx.session.scalars(
            select(Post)
            .where(Post.author_id == author_id, visible_to(viewer.id))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(20)
        )
    )


def stat(times: list[float]) -> dict[str, float]:
    arr = np.asarray(times)
    return {
        "n": int(arr.size),
        "p50_ms": round(float(np.percentile(arr, 50)), 1),
        "p95_ms": round(float(np.percentile(arr, 95)), 1),
        "max_ms": round(float(arr.max()), 1),
    }


def timed(
    kith: Kith, samples: int, viewers: list[int], fn: Callable[[Ctx, Member, int], Any]
) -> dict[str, float]:
    times = []
    for k in range(samples + 2):
        v = viewers[k % len(viewers)]
        with kith.uow(write=False) as ctx:
            viewer = ctx.session.get_one(Member, v)
            t0 = time.perf_counter()
            fn(ctx, viewer, k)
            if k >= 2:  # two warm-up runs
                times.append((time.perf_counter() - t0) * 1000)
    return stat(times)


def post_once(kith: Kith, author: int, k: int, followers: np.ndarray | None) -> float:
    t0 = time.perf_counter()
    with kith.uow() as ctx:
        writer = ctx.session.get_one(Member, author)
        post = create_post(ctx, writer, Draft(f"Bench post {k}: what we shipped this week"))
        if followers is not None and followers.size:
            at = post.created_at
            if kith.db.is_sqlite:
                at_value: Any = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            else:
                at_value = at
            ctx.session.execute(
                text("INSERT INTO bench_timeline VALUES (:m, :at, :p)"),
                [{"m": int(f), "at": at_value, "p": post.id} for f in followers.tolist()],
            )
    return (time.perf_counter() - t0) * 1000


def run_backend(name: str, url: str, args: argparse.Namespace, c: Community) -> dict[str, Any]:
    rng = np.random.default_rng(args.seed + 3)
    db = Database(url)
    upgrade(db.writer)
    out: dict[str, Any] = {}
    if kept(db, f"[feed] {name}", args.keep):
        out["kept"] = True
    else:
        with Timer() as t:
            load_small(db, c, rng)
        out["load_small_s"] = round(t.s, 1)
        log(f"[feed] {name}: members and the viewers' ties loaded in {t.s:.1f} s")
        out["load_s"] = bulk_load(db, url, c)
        with Timer() as t:
            out["timeline_rows"] = load_timelines(db, c)
        out["load_s"]["timelines"] = round(t.s, 1)
        if args.load_only:
            db.dispose()
            return out
    settings = Settings(env="dev", database_url=url)
    clock = FrozenClock(NOW)
    kith = Kith(settings=settings, clock=clock, db=db)
    sync = NetworkSync(db)
    sync.engine = c.eng
    kith.network = sync

    for label in ("300", "3000"):
        viewers = c.viewers[label]
        cursors: dict[str, dict[int, str | None]] = {"for_you": {}, "recent": {}}
        for order in ("for_you", "recent"):

            def first(
                ctx: Ctx, viewer: Member, _k: int, order: str = order, cursors: Any = cursors
            ) -> None:
                page = feed(ctx, viewer, order, None, 20)
                cards(ctx, viewer, page.items)
                cursors[order][viewer.id] = page.next_cursor

            def second(
                ctx: Ctx, viewer: Member, _k: int, order: str = order, cursors: Any = cursors
            ) -> None:
                page = feed(ctx, viewer, order, cursors[order][viewer.id], 20)
                cards(ctx, viewer, page.items)

            out[f"{order}_first_{label}"] = timed(kith, args.samples, viewers, first)
            log(f"[feed] {name} {order} first page, {label}: {out[f'{order}_first_{label}']}")
            out[f"{order}_next_{label}"] = timed(kith, args.samples, viewers, second)
            log(f"[feed] {name} {order} next page, {label}: {out[f'{order}_next_{label}']}")

        def timeline(ctx: Ctx, viewer: Member, _k: int) -> None:
            cards(ctx, viewer, timeline_first_page(ctx, viewer))

        out[f"timeline_first_{label}"] = timed(kith, args.samples, viewers, timeline)
        log(
            f"[feed] {name} fan-out-on-write first page, following {label}: "
            f"{out[f'timeline_first_{label}']}"
        )

    authors = rng.choice(c.post_author, args.samples * 2)

    def activity(ctx: Ctx, viewer: Member, k: int) -> None:
        posts = activity_page(ctx, viewer, int(authors[k]))
        badges(ctx, viewer, sorted({p.author_id for p in posts}))

    out["activity"] = timed(kith, args.samples, c.viewers["300"], activity)
    log(f"[feed] {name} activity: {out['activity']}")
    posting_read, posting_write, fanout = [], [], []
    for k in range(args.samples + 2):
        author = int(authors[k])
        clock.advance(seconds=1)
        took = post_once(kith, author, k, None)
        followers = c.indices[c.indptr[author] : c.indptr[author + 1]]
        clock.advance(seconds=1)
        took_write = post_once(kith, author, k, followers)
        if k >= 2:
            posting_read.append(took)
            posting_write.append(took_write)
            fanout.append(int(followers.size))
    out["posting_fanout_read"] = stat(posting_read)
    out["posting_fanout_write"] = stat(posting_write)
    out["posting_followers_mean"] = round(float(np.mean(fanout)), 1)
    log(
        f"[feed] {name} posting: read {out['posting_fanout_read']}, "
        f"write {out['posting_fanout_write']} (mean {out['posting_followers_mean']} followers)"
    )
    with db.writer.begin() as conn:  # a kept community stays as it was loaded (ids 1..posts)
        conn.execute(text("DELETE FROM bench_timeline WHERE post_id > :n"), {"n": args.posts})
        conn.execute(delete(Post).where(Post.id > args.posts))
    db.dispose()
    return out


# -- report ------------------------------------------------------------------------

ROWS = (
    ("for_you_first_300", "For you, first page, following ~300"),
    ("for_you_first_3000", "For you, first page, following ~3,000"),
    ("recent_first_300", "Recent, first page, following ~300 (fan-out on read)"),
    ("recent_first_3000", "Recent, first page, following ~3,000 (fan-out on read)"),
    ("timeline_first_300", "Recent, first page, following ~300 (fan-out on write)"),
    ("timeline_first_3000", "Recent, first page, following ~3,000 (fan-out on write)"),
    ("for_you_next_300", "For you, next page, following ~300"),
    ("for_you_next_3000", "For you, next page, following ~3,000"),
    ("recent_next_300", "Recent, next page, following ~300"),
    ("recent_next_3000", "Recent, next page, following ~3,000"),
    ("posting_fanout_read", "Posting (fan-out on read: one row)"),
    ("posting_fanout_write", "Posting (fan-out on write: + a row per follower)"),
    ("activity", "A profile's activity (20 posts)"),
)


def render(result: dict[str, Any]) -> str:
    m, cfg = result["machine"], result["config"]
    lines = [
        f"load average at start {m['loadavg_start']}; machine: {m['cpu']}, {m['cores']} cores, "
        f"{m['ram_gb']} GB RAM, Python {m['python']}, {m['date']}",
        f"{cfg['members']:,} members ({result['connections']:,} connections), "
        f"{cfg['posts']:,} posts, {cfg['reactions']:,} reactions, {cfg['comments']:,} comments; "
        f"{cfg['samples']} samples each",
        f"  {'what':<58}"
        + "".join(f"{b + ' p50':>16}{b + ' p95':>16}" for b in result["backends"]),
    ]
    for key, label in ROWS:
        cells = ""
        for res in result["backends"].values():
            st = res.get(key, {})
            cells += f"{st.get('p50_ms', '-'):>16}{st.get('p95_ms', '-'):>16}"
        lines.append(f"  {label:<58}{cells}")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench feed", description=__doc__)
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--posts", type=int, default=1_000_000)
    p.add_argument("--reactions", type=int, default=5_000_000)
    p.add_argument("--comments", type=int, default=2_000_000)
    p.add_argument("--mean-degree", type=float, default=420)
    p.add_argument("--viewers", type=int, default=5, help="viewers of each kind")
    p.add_argument("--samples", type=int, default=60)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--backends", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--json", default="var/bench/feed.json")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument(
        "--keep",
        action="store_true",
        help="load the community once into var/bench/ and a kept schema, and reuse it",
    )
    p.add_argument("--load-only", action="store_true", help="with --keep: load, measure nothing")
    args = p.parse_args(argv)
    if args.quick:
        args.members, args.posts, args.reactions, args.comments = 5_000, 50_000, 250_000, 100_000
        args.mean_degree, args.samples, args.viewers = 200, 10, 2
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"machine": machine_info(), "config": dict(vars(args))}
    community = Community(args)
    result["connections"] = community.edges
    keep = (
        f"{args.members}_{args.posts}_{args.reactions}_{args.comments}_{args.seed}"
        if args.keep
        else None
    )
    result["backends"] = on_backends(
        args.backends,
        "bench_feed",
        lambda name, url: run_backend(name, url, args, community),
        keep=keep,
    )
    if args.load_only:
        return 0
    out.write_text(json.dumps(result, indent=2))
    log("")
    log(render(result))
    log(f"\nwrote {out}")
    return 0
