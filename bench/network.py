"""Network engine benchmark: 1M-member scale run, then Kith against peers on 100k members.

Run ``python -m bench network [--members N] [--seed S] [--json PATH]
[--peers-members N] [--quick] [--no-peers]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import resource
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kith.network import NetworkEngine
from kith.synthetic import generate_network


# --------------------------------------------------------------------------- utils
@dataclass
class Stat:
    """Latency summary in milliseconds."""

    n: int
    p50: float
    p99: float
    mean: float


def measure(fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], budget_s: float = 1e9) -> Stat:
    """Call ``fn(*a)`` for each ``a`` and summarise; stop early after ``budget_s`` seconds."""
    times: list[float] = []
    start = time.perf_counter()
    for a in args:
        t0 = time.perf_counter_ns()
        fn(*a)
        times.append((time.perf_counter_ns() - t0) / 1e6)
        if time.perf_counter() - start > budget_s and len(times) >= 10:
            break
    arr = np.array(times)
    return Stat(
        len(times), float(np.percentile(arr, 50)), float(np.percentile(arr, 99)), float(arr.mean())
    )


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def loadavg() -> str:
    """The 1/5/15-minute load averages (other processes share the machine)."""
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except OSError:
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "loadavg_start": loadavg(),
    }


def log(msg: str) -> None:
    print(msg, flush=True)


class Timer:
    def __enter__(self) -> Timer:
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.s = time.perf_counter() - self.t0


# --------------------------------------------------------------------------- sampling
def sample_pairs(
    eng: NetworkEngine, rng: np.random.Generator, n: int, k: int, dist: int | None
) -> list[tuple[int, int]]:
    """``k`` member pairs: uniformly random (``dist=None``) or at an exact distance."""
    out: list[tuple[int, int]] = []
    tries = 0
    while len(out) < k and tries < 100 * k:
        tries += 1
        a = int(rng.integers(1, n + 1))
        if dist is None:
            out.append((a, int(rng.integers(1, n + 1))))
            continue
        cur = a
        for _ in range(dist):
            nb = eng.neighbors(cur)
            if nb.size == 0:
                break
            cur = int(nb[rng.integers(nb.size)])
        if eng.degree(a, cur) == dist:
            out.append((a, cur))
    return out


def members(rng: np.random.Generator, n: int, k: int) -> list[int]:
    return [int(x) for x in rng.choice(np.arange(1, n + 1), size=min(k, n), replace=False)]


# --------------------------------------------------------------------------- peers
class KithPeer:
    name = "kith"

    def __init__(self, eng: NetworkEngine) -> None:
        self.eng = eng

    def degree(self, a: int, b: int) -> int:
        return self.eng.degree(a, b)

    def degrees(self, v: int, targets: list[int]) -> list[int]:
        return self.eng.degrees(v, targets).tolist()  # type: ignore[no-any-return]

    def mutual_count(self, a: int, b: int) -> int:
        return self.eng.mutual_count(a, b)

    def suggestions(self, a: int) -> list[tuple[int, int]]:
        return self.eng.suggestions(a, limit=20)

    def second_degree(self, a: int) -> int:
        return int(self.eng.second_degree(a).size)


class NetworkxPeer:
    """What a networkx user would write."""

    name = "networkx"

    def __init__(self, a: np.ndarray, b: np.ndarray) -> None:
        import networkx as nx

        self.nx = nx
        self.g = nx.Graph()
        self.g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))

    def degree(self, a: int, b: int) -> int:
        if a == b or a not in self.g or b not in self.g:
            return 0
        try:
            d = self.nx.shortest_path_length(self.g, a, b)
        except self.nx.NetworkXNoPath:
            return 0
        return int(d) if d <= 3 else 0

    def degrees(self, v: int, targets: list[int]) -> list[int]:
        return [self.degree(v, t) for t in targets]

    def mutual_count(self, a: int, b: int) -> int:
        if a not in self.g or b not in self.g:
            return 0
        return sum(1 for _ in self.nx.common_neighbors(self.g, a, b))

    def suggestions(self, a: int) -> list[tuple[int, int]]:
        if a not in self.g:
            return []
        nbrs = self.g[a]
        c: Counter[int] = Counter()
        for x in nbrs:
            c.update(iter(self.g[x]))
        for x in [a, *nbrs]:
            c.pop(x, None)
        return sorted(c.items(), key=lambda t: (-t[1], t[0]))[:20]

    def second_degree(self, a: int) -> int:
        if a not in self.g:
            return 0
        d = self.nx.single_source_shortest_path_length(self.g, a, cutoff=2)
        return sum(1 for v in d.values() if v == 2)


class IgraphPeer:
    """What a python-igraph user would write."""

    name = "igraph"

    def __init__(self, a: np.ndarray, b: np.ndarray, n: int) -> None:
        import igraph as ig

        self.g = ig.Graph(n=n + 1, edges=np.column_stack([a, b]).tolist())

    def degree(self, a: int, b: int) -> int:
        if a == b:
            return 0
        d = self.g.distances(a, b)[0][0]
        return int(d) if d <= 3 else 0

    def degrees(self, v: int, targets: list[int]) -> list[int]:
        uniq = sorted(set(targets))
        row = dict(zip(uniq, self.g.distances(v, uniq)[0], strict=True))
        return [int(row[t]) if 0 < row[t] <= 3 else 0 for t in targets]

    def mutual_count(self, a: int, b: int) -> int:
        return len(set(self.g.neighbors(a)) & set(self.g.neighbors(b)))

    def suggestions(self, a: int) -> list[tuple[int, int]]:
        nbrs = self.g.neighbors(a)
        c: Counter[int] = Counter()
        for x in nbrs:
            c.update(self.g.neighbors(x))
        for x in [a, *nbrs]:
            c.pop(x, None)
        return sorted(c.items(), key=lambda t: (-t[1], t[0]))[:20]

    def second_degree(self, a: int) -> int:
        return len(self.g.neighborhood(a, order=2, mindist=2))


SQL_DEGREE = """
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM bench_connections WHERE member_id = :a AND other_id = :b) THEN 1
  WHEN EXISTS (SELECT 1 FROM bench_connections c1
               JOIN bench_connections c2 ON c2.member_id = c1.other_id
               WHERE c1.member_id = :a AND c2.other_id = :b) THEN 2
  WHEN EXISTS (SELECT 1 FROM bench_connections c1
               JOIN bench_connections c2 ON c2.member_id = c1.other_id
               JOIN bench_connections c3 ON c3.member_id = c2.other_id
               WHERE c1.member_id = :a AND c3.other_id = :b) THEN 3
  ELSE 0 END
"""
SQL_MUTUAL = """
SELECT COUNT(*) FROM bench_connections c1
JOIN bench_connections c2 ON c2.other_id = c1.other_id
WHERE c1.member_id = :a AND c2.member_id = :b
"""
SQL_SUGGEST = """
SELECT c2.other_id, COUNT(*) AS mutual FROM bench_connections c1
JOIN bench_connections c2 ON c2.member_id = c1.other_id
WHERE c1.member_id = :a AND c2.other_id <> :a
  AND NOT EXISTS (SELECT 1 FROM bench_connections d
                  WHERE d.member_id = :a AND d.other_id = c2.other_id)
GROUP BY c2.other_id ORDER BY mutual DESC, c2.other_id LIMIT 20
"""
SQL_SECOND = """
SELECT COUNT(DISTINCT c2.other_id) FROM bench_connections c1
JOIN bench_connections c2 ON c2.member_id = c1.other_id
WHERE c1.member_id = :a AND c2.other_id <> :a
  AND NOT EXISTS (SELECT 1 FROM bench_connections d
                  WHERE d.member_id = :a AND d.other_id = c2.other_id)
"""


class SqlPeer:
    """A ``connections(member_id, other_id)`` table, both directions, primary-key index."""

    def __init__(self, name: str, conn: Any, param: Callable[[str], str]) -> None:
        self.name = name
        self.conn = conn
        self.q = {
            k: param(v)
            for k, v in {
                "degree": SQL_DEGREE,
                "mutual": SQL_MUTUAL,
                "suggest": SQL_SUGGEST,
                "second": SQL_SECOND,
            }.items()
        }

    def _one(self, key: str, **params: int) -> Any:
        cur = self.conn.execute(self.q[key], params)
        return cur.fetchone()[0]

    def degree(self, a: int, b: int) -> int:
        return 0 if a == b else int(self._one("degree", a=a, b=b))

    def degrees(self, v: int, targets: list[int]) -> list[int]:
        return [self.degree(v, t) for t in targets]

    def mutual_count(self, a: int, b: int) -> int:
        return int(self._one("mutual", a=a, b=b))

    def suggestions(self, a: int) -> list[tuple[int, int]]:
        return [tuple(r) for r in self.conn.execute(self.q["suggest"], {"a": a}).fetchall()]  # type: ignore[misc]

    def second_degree(self, a: int) -> int:
        return int(self._one("second", a=a))


def directed_rows(eng: NetworkEngine, chunk: int = 4_000_000):  # type: ignore[no-untyped-def]
    """Yield (member_id, other_id) int32 array chunks, both directions, sorted."""
    n = eng.num_nodes
    node = 0
    while node < n:
        srcs, dsts, total = [], [], 0
        while node < n and total < chunk:
            nb = eng.neighbors(node)
            if nb.size:
                srcs.append(np.full(nb.size, node, dtype=np.int32))
                dsts.append(nb)
                total += nb.size
            node += 1
        if total:
            yield np.concatenate(srcs), np.concatenate(dsts)


def sqlite_peer(eng: NetworkEngine, path: Path) -> SqlPeer:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute(
        "CREATE TABLE bench_connections (member_id INTEGER NOT NULL, "
        "other_id INTEGER NOT NULL, PRIMARY KEY (member_id, other_id)) WITHOUT ROWID"
    )
    for src, dst in directed_rows(eng):
        conn.executemany(
            "INSERT INTO bench_connections VALUES (?, ?)",
            zip(src.tolist(), dst.tolist(), strict=True),
        )
    conn.commit()
    conn.execute("ANALYZE")
    conn.execute("PRAGMA cache_size=-1000000")
    return SqlPeer("sqlite", conn, lambda s: s)


def postgres_peer(eng: NetworkEngine, dsn: str) -> SqlPeer:
    import psycopg

    conn = psycopg.connect(dsn, autocommit=True)
    conn.execute("DROP TABLE IF EXISTS bench_connections")
    conn.execute(
        "CREATE TABLE bench_connections (member_id integer NOT NULL, other_id integer NOT NULL)"
    )
    row = np.dtype([("n", ">i2"), ("l1", ">i4"), ("v1", ">i4"), ("l2", ">i4"), ("v2", ">i4")])
    with conn.cursor() as cur, cur.copy("COPY bench_connections FROM STDIN (FORMAT BINARY)") as cp:
        cp.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
        for src, dst in directed_rows(eng):
            buf = np.empty(src.size, dtype=row)
            buf["n"], buf["l1"], buf["l2"] = 2, 4, 4
            buf["v1"], buf["v2"] = src, dst
            cp.write(buf.tobytes())
        cp.write(b"\xff\xff")
    conn.execute("ALTER TABLE bench_connections ADD PRIMARY KEY (member_id, other_id)")
    conn.execute("ANALYZE bench_connections")
    return SqlPeer("postgresql", conn, lambda s: re.sub(r":(\w+)", r"%(\1)s", s))


# --------------------------------------------------------------------------- runs
WORKLOADS = [
    "degree",
    "degrees_page_cold",
    "degrees_page_warm",
    "mutual_count",
    "suggestions_top20",
    "second_degree",
]


def run_workloads(peer: Any, q: dict[str, Any], budget_s: float, k: int) -> dict[str, Stat]:
    """Time one peer on the shared query set (first ``k`` samples of each)."""
    out: dict[str, Stat] = {}
    out["degree"] = measure(peer.degree, q["pairs"][:k], budget_s)
    pages = q["pages"][:k]
    if isinstance(peer, KithPeer):
        peer.eng._cache.clear()  # cold: viewers never seen
        out["degrees_page_cold"] = measure(peer.degrees, pages, budget_s)
        # viewers with large neighbourhoods were answered directly; their 2nd-degree
        # sets are built in the background once the engine is quiet (the pages above
        # ran back to back, so mostly now); a next page normally comes much later
        peer.eng.wait_for_background()
        warm = [(v, t) for v, t in q["pages2"][:k]]
        out["degrees_page_warm"] = measure(peer.degrees, warm, budget_s)
    else:  # no per-viewer cache: a warm page costs what a cold one does
        out["degrees_page_cold"] = measure(peer.degrees, pages, budget_s)
        out["degrees_page_warm"] = out["degrees_page_cold"]
    out["mutual_count"] = measure(peer.mutual_count, q["pairs2"][:k], budget_s)
    out["suggestions_top20"] = measure(peer.suggestions, [(a,) for a in q["viewers"][:k]], budget_s)
    out["second_degree"] = measure(peer.second_degree, [(a,) for a in q["viewers"][:k]], budget_s)
    return out


def query_set(eng: NetworkEngine, n: int, seed: int, k: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed + 1)
    viewers = members(rng, n, k)
    pairs = sample_pairs(eng, rng, n, k // 2, None)
    pairs += sample_pairs(eng, rng, n, k // 4, 2) + sample_pairs(eng, rng, n, k // 4, 3)
    order = rng.permutation(len(pairs))
    pairs = [pairs[i] for i in order]
    pages = [(v, [int(x) for x in rng.integers(1, n + 1, 25)]) for v in viewers]
    pages2 = [(v, [int(x) for x in rng.integers(1, n + 1, 25)]) for v in viewers]
    return {
        "viewers": viewers,
        "pairs": pairs,
        "pairs2": sample_pairs(eng, rng, n, k, 2),
        "pages": pages,
        "pages2": pages2,
    }


def scale_run(args: argparse.Namespace, result: dict[str, Any]) -> None:
    n, k = args.members, args.samples
    log(f"[scale] generating {n:,} members (seed {args.seed}) ...")
    with Timer() as t:
        net = generate_network(n, seed=args.seed)
    deg = net.degrees()
    scale: dict[str, Any] = {
        "members": n,
        "connections": net.num_edges,
        "generate_s": round(t.s, 1),
        "degree_mean": round(float(deg.mean()), 1),
        "degree_median": float(np.median(deg)),
        "degree_max": int(deg.max()),
    }
    log(
        f"[scale] {net.num_edges:,} connections in {t.s:.1f} s; degree mean "
        f"{deg.mean():.0f}, median {np.median(deg):.0f}, max {deg.max()}"
    )
    with Timer() as t:
        eng = NetworkEngine.from_edges(net.a, net.b, num_nodes=n + 1)
    del net, deg
    gc.collect()
    scale["build_s"] = round(t.s, 1)
    scale["bytes_per_entry"] = round(eng.nbytes / (2 * eng.num_edges), 3)
    log(f"[scale] engine built in {t.s:.1f} s, {scale['bytes_per_entry']} bytes per directed entry")
    snap = Path(args.workdir) / "network.snapshot"
    with Timer() as t:
        eng.save(snap)
    scale["save_s"] = round(t.s, 1)
    scale["snapshot_mb"] = round(snap.stat().st_size / 2**20)
    del eng
    gc.collect()
    with Timer() as t:
        eng = NetworkEngine.load(snap, mmap=True)
    scale["load_mmap_s"] = round(t.s, 3)
    log(f"[scale] saved in {scale['save_s']} s, loaded (mmap) in {t.s:.3f} s")
    q = query_set(eng, n, args.seed, k)
    wl = run_workloads(KithPeer(eng), q, 1e9, k)
    for dist in (2, 3):
        pairs = sample_pairs(eng, np.random.default_rng(dist), n, k, dist)
        wl[f"degree_d{dist}"] = measure(eng.degree, pairs)
    wl["degree_random"] = measure(
        eng.degree,
        [(int(a), int(b)) for a, b in np.random.default_rng(9).integers(1, n + 1, (k, 2))],
    )
    wl["mutual_counts_page"] = measure(eng.mutual_counts, q["pages"])
    wl["intro_paths_d3"] = measure(
        eng.intro_paths, sample_pairs(eng, np.random.default_rng(4), n, min(k, 300), 3)
    )
    rng_w = np.random.default_rng(12)
    adds = [(int(a), int(b)) for a, b in rng_w.integers(1, n + 1, (10_000, 2)) if a != b]
    wl["connect"] = measure(eng.connect, adds)
    wl["disconnect"] = measure(eng.disconnect, adds)
    scale["overlay_rows_before_compact"] = eng.overlay_size
    with Timer() as t:
        eng.compact()
    scale["compact_s"] = round(t.s, 2)
    with Timer() as t:
        eng.build_sketches()
    scale["sketch_build_s"] = round(t.s, 1)
    wl["reach_full"] = measure(eng.reach, [(a,) for a in q["viewers"]])
    r = eng.reach(q["viewers"][0])
    scale["reach_example"] = asdict(r)
    scale["rss_mb_after_queries"] = round(rss_mb())
    del eng
    gc.collect()
    with Timer() as t:
        eng = NetworkEngine.load(snap, mmap=False)
    scale["load_read_s"] = round(t.s, 2)
    scale["rss_mb_loaded_in_memory"] = round(rss_mb())
    del eng
    gc.collect()
    snap.unlink()
    scale["loadavg_end"] = loadavg()
    scale["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["scale"] = scale
    result["scale_workloads"] = {k_: asdict(v) for k_, v in wl.items()}
    log(f"[scale] {json.dumps(scale)}")


def peers_run(args: argparse.Namespace, result: dict[str, Any]) -> None:
    n = args.peers_members
    log(f"[peers] generating {n:,} members ...")
    net = generate_network(n, seed=args.seed)
    eng = NetworkEngine.from_edges(net.a, net.b, num_nodes=n + 1)
    info = {
        "members": n,
        "connections": net.num_edges,
        "samples_kith": args.samples,
        "samples_graph_libs": args.peer_samples,
        "samples_sql": args.sql_samples,
        "budget_s_per_workload": args.budget,
    }
    q = query_set(eng, n, args.seed, args.samples)
    table: dict[str, dict[str, Any]] = {}
    table["kith"] = {
        k: asdict(v) for k, v in run_workloads(KithPeer(eng), q, 1e9, args.samples).items()
    }
    log("[peers] kith done")
    builders: list[tuple[str, Callable[[], Any], int]] = [
        ("igraph", lambda: IgraphPeer(net.a, net.b, n), args.peer_samples),
        ("networkx", lambda: NetworkxPeer(net.a, net.b), args.peer_samples),
        (
            "sqlite",
            lambda: sqlite_peer(eng, Path(args.workdir) / "bench_network.sqlite"),
            args.sql_samples,
        ),
        ("postgresql", lambda: postgres_peer(eng, args.pg_dsn), args.sql_samples),
    ]
    setup: dict[str, float] = {}
    for name, build, k in builders:
        log(f"[peers] loading {name} ...")
        try:
            with Timer() as t:
                peer = build()
        except Exception as exc:  # a missing database is reported, not fatal
            log(f"[peers] {name} unavailable: {exc}")
            table[name] = {"error": str(exc)}
            continue
        setup[name] = round(t.s, 1)
        table[name] = {w: asdict(s) for w, s in run_workloads(peer, q, args.budget, k).items()}
        if isinstance(peer, SqlPeer):
            if name == "postgresql":
                peer.conn.execute("DROP TABLE IF EXISTS bench_connections")
            peer.conn.close()
            if name == "sqlite":
                (Path(args.workdir) / "bench_network.sqlite").unlink(missing_ok=True)
        del peer
        gc.collect()
        log(f"[peers] {name} done (setup {t.s:.1f} s)")
    info["setup_s"] = setup
    info["loadavg_end"] = loadavg()
    result["peers_info"] = info
    result["peers"] = table


# --------------------------------------------------------------------------- output
def fmt(ms: float) -> str:
    return f"{ms:.3f}" if ms < 10 else f"{ms:.1f}"


def render(result: dict[str, Any]) -> str:
    lines: list[str] = []
    m = result["machine"]
    lines.append(
        f"load average at start {m['loadavg_start']}; machine: {m['cpu']}, "
        f"{m['cores']} cores, {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, numpy {m['numpy']}, {m['date']}"
    )
    if "scale" in result:
        s = result["scale"]
        lines.append("")
        lines.append(
            f"Scale: {s['members']:,} members, {s['connections']:,} connections "
            f"(degree mean {s['degree_mean']}, median {s['degree_median']:.0f}, "
            f"max {s['degree_max']})"
        )
        lines.append(
            f"  generate {s['generate_s']} s | build {s['build_s']} s | save "
            f"{s['save_s']} s | load mmap {s['load_mmap_s']} s | load read "
            f"{s['load_read_s']} s | sketches {s['sketch_build_s']} s | compact "
            f"{s['compact_s']} s ({s['overlay_rows_before_compact']:,} overlay rows)"
        )
        lines.append(
            f"  {s['bytes_per_entry']} bytes per directed entry | snapshot "
            f"{s['snapshot_mb']} MB | RSS after queries {s['rss_mb_after_queries']} MB"
            f" | RSS loaded in memory {s['rss_mb_loaded_in_memory']} MB"
        )
        lines.append(f"  {'workload':<22}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
        for name, st in result["scale_workloads"].items():
            lines.append(
                f"  {name:<22}{st['n']:>6}{fmt(st['p50']):>10}{fmt(st['p99']):>10}"
                f"{fmt(st['mean']):>10}"
            )
    if "peers" in result:
        info = result["peers_info"]
        peers = result["peers"]
        lines.append("")
        lines.append(
            f"Peers: {info['members']:,} members, {info['connections']:,} connections; "
            f"samples kith {info['samples_kith']}, graph libraries "
            f"{info['samples_graph_libs']}, SQL {info['samples_sql']} (each workload "
            f"stops after {info['budget_s_per_workload']} s); p50 / p99 ms "
            "(x = peer / kith at p50)"
        )
        names = list(peers)
        header = f"  {'workload':<20}" + "".join(f"{p:>26}" for p in names)
        lines.append(header)
        for w in WORKLOADS:
            row = f"  {w:<20}"
            base = peers["kith"][w]["p50"]
            for p in names:
                st = peers[p].get(w)
                if st is None:
                    row += f"{'n/a':>26}"
                    continue
                cell = f"{fmt(st['p50'])} / {fmt(st['p99'])}"
                if p != "kith":
                    cell += f" ({st['p50'] / base:,.0f}x)"
                row += f"{cell:>26}"
            lines.append(row)
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench network", description=__doc__)
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default="var/bench/network.json")
    p.add_argument("--peers-members", type=int, default=100_000)
    p.add_argument("--samples", type=int, default=2000)
    p.add_argument("--peer-samples", type=int, default=200)
    p.add_argument("--sql-samples", type=int, default=100)
    p.add_argument("--budget", type=float, default=20.0, help="seconds per peer workload")
    p.add_argument(
        "--pg-dsn",
        default=os.environ.get(
            "KITH_BENCH_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=test"
        ),
    )
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument("--no-peers", action="store_true")
    p.add_argument("--no-scale", action="store_true")
    args = p.parse_args(argv)
    if args.quick:
        args.members, args.peers_members = 20_000, 5_000
        args.samples, args.peer_samples, args.sql_samples, args.budget = 200, 50, 20, 5.0
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    args.workdir = str(out.parent)
    result: dict[str, Any] = {
        "machine": machine_info(),
        "config": {k: v for k, v in vars(args).items() if k not in ("pg_dsn",)},
    }
    with tempfile.TemporaryDirectory():
        if not args.no_scale:
            scale_run(args, result)
        if not args.no_peers:
            peers_run(args, result)
    out.write_text(json.dumps(result, indent=2))
    log("")
    log(render(result))
    log(f"\nwrote {out}")
    return 0
