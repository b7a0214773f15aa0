"""Load test: the mix of bench/loadtest/locustfile.py against N replicas on PostgreSQL,
behind nginx, then the invariants.

``make loadtest`` (or ``python -m bench.loadtest [--members N] [--replicas R]
[--users U] [--duration 5m] [--reuse] [--quick] [--costs SECONDS]``):

1. builds (or, with ``--reuse``, reuses) the demo community of ``--members`` in the
   PostgreSQL at ``KITH_BENCH_POSTGRES_URL`` (the same schema as ``bench search``);
2. gives ``--viewers`` members an API token and notes their 1st and 2nd degrees;
3. starts ``--replicas`` ``kith serve`` processes and, when there are several and
   Debian's nginx is installed, nginx in front (deploy/nginx/kith.conf);
4. runs Locust headless for ``--duration`` with ``--users`` simulated members;
5. waits for every replica's engine to reach the end of the outbox, then checks: one
   connection per connected pair, no pair with invitations open both ways, and every
   replica's degree and shared-connection answers equal to an engine built from the
   database now, for ``--samples`` pairs;
6. prints throughput and p50/p95/p99 per route, 5xx, the outbox lag's p99 (from each
   replica's ``kith_outbox_lag_seconds``) and the load average, and writes ``--json``.

With ``--costs SECONDS``, steps 3 to 6 give way to each read route alone on one
replica: its latency and the CPU one request costs (bench/loadtest/costs.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from bench.loadtest import costs, where
from bench.loadtest.invariants import check, outbox_top
from bench.network import log, machine_info
from bench.search import prepare
from sqlalchemy import select

from kith.accounts.service import issue_token
from kith.models import Member

HERE = Path(__file__).parent
NGINX_CONF = HERE.parents[1] / "deploy" / "nginx" / "kith.conf"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _members(kith: Any, count: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """``count`` members with connections, each with a token and some 1st and 2nd degrees."""
    rng = np.random.default_rng(seed)
    engine = kith.network.engine
    out: list[dict[str, Any]] = []
    with kith.uow() as ctx:
        handles = {row[0]: row[1] for row in ctx.session.execute(select(Member.id, Member.handle))}
        for member_id in rng.permutation(np.array(sorted(handles))).tolist():
            if len(out) >= count:
                break
            if not engine.connection_count(member_id):
                continue
            member = ctx.session.get_one(Member, member_id)
            first = engine.neighbors(member_id)[:20].tolist()
            second = engine.second_degree(member_id)[:20].tolist()
            out.append(
                {
                    "id": member_id,
                    "handle": member.handle,
                    "token": issue_token(ctx, member, kind="api", user_agent="loadtest"),
                    "first": [handles[i] for i in first if i in handles],
                    "second": [handles[i] for i in second if i in handles],
                }
            )
    return out, {handle: member_id for member_id, handle in handles.items()}


def _start_replicas(url: str, count: int, logs: Path) -> list[tuple[subprocess.Popen[bytes], str]]:
    secret = secrets.token_urlsafe(48)
    started = []
    for i in range(count):
        port = _free_port()
        env = dict(
            os.environ,
            KITH_ENV="production",
            KITH_SECRET_KEY=secret,
            KITH_DATABASE_URL=url,
            KITH_LOG_FORMAT="json",
            KITH_LOG_LEVEL="warning",
            KITH_INSIGHTS_REFRESH_MINUTES="60" if i == 0 else "0",
        )
        with (logs / f"replica{i}.log").open("wb") as out:
            proc = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "kith", "serve", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=out,
            )
        started.append((proc, f"http://127.0.0.1:{port}"))
    for proc, base in started:
        deadline = time.monotonic() + 600
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"a replica exited; see {logs}")
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{base} not ready after 600 s")
            time.sleep(0.5)
    return started


def _nginx(bases: list[str], logs: Path) -> tuple[subprocess.Popen[bytes] | None, str | None]:
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        return None, None
    listen = _free_port()
    tmp = logs.resolve() / "nginx"
    tmp.mkdir(parents=True, exist_ok=True)
    servers = "".join(
        f"server {b.removeprefix('http://')} max_fails=1 fail_timeout=5s;\n        " for b in bases
    )
    conf = "\n".join(
        line
        for line in NGINX_CONF.read_text().splitlines()
        if not line.strip().startswith("server app")
    )
    conf = conf.replace("keepalive 32;", servers + "keepalive 64;")
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{listen} backlog=4096;")
    conf = conf.replace("worker_processes auto;", f"worker_processes 1;\npid {tmp}/nginx.pid;")
    conf = conf.replace("access_log /dev/stdout;", "access_log off;")
    temp = "".join(
        f"    {k}_temp_path {tmp}/{k};\n"
        for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = conf.replace("http {\n", "http {\n" + temp, 1)
    (tmp / "nginx.conf").write_text(conf)
    with (logs / "nginx.log").open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            [binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
            stdout=out,
            stderr=out,
        )
    deadline = time.monotonic() + 15
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"nginx exited; see {logs / 'nginx.log'}")
        try:
            with socket.create_connection(("127.0.0.1", listen), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("nginx did not start listening") from None
            time.sleep(0.1)
    return proc, f"http://127.0.0.1:{listen}"


def _metric_lines(base: str, name: str) -> list[tuple[str, float]]:
    out = []
    for line in httpx.get(f"{base}/metrics", timeout=30).text.splitlines():
        if line.startswith(name):
            key, _, value = line.rpartition(" ")
            out.append((key, float(value)))
    return out


def _lag_p99(bases: list[str]) -> float | None:
    """The 99th percentile of outbox lag over every replica, from the histogram's buckets."""
    buckets: dict[float, float] = {}
    for base in bases:
        for key, value in _metric_lines(base, "kith_outbox_lag_seconds_bucket"):
            le = key.split('le="')[1].split('"')[0]
            bound = float("inf") if le == "+Inf" else float(le)
            buckets[bound] = buckets.get(bound, 0.0) + value
    total = buckets.get(float("inf"), 0.0)
    if not total:
        return None
    for bound in sorted(buckets):
        if buckets[bound] >= 0.99 * total:
            return bound
    return None


def _server_errors(bases: list[str]) -> int:
    return int(
        sum(
            value
            for base in bases
            for key, value in _metric_lines(base, "kith_http_requests_total")
            if 'status="5' in key
        )
    )


def _wait_caught_up(db: Any, bases: list[str], timeout: float = 60) -> None:
    top = outbox_top(db)
    deadline = time.monotonic() + timeout
    for base in bases:
        while True:
            cursors = _metric_lines(base, "kith_outbox_cursor")
            if cursors and max(v for _, v in cursors) >= top:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"{base} did not reach outbox id {top}")
            time.sleep(0.2)


def _seconds(duration: str) -> int:
    """Locust's ``--run-time`` (``90``, ``90s``, ``5m``, ``1h``) in seconds."""
    unit = {"s": 1, "m": 60, "h": 3600}.get(duration[-1:], 1)
    return int(float(duration.rstrip("smh")) * unit)


def _locust_stats(prefix: Path) -> list[dict[str, Any]]:
    rows = []
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            rows.append(
                {
                    "route": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"] or 0),
                    "p95": float(row["95%"] or 0),
                    "p99": float(row["99%"] or 0),
                }
            )
    return rows


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--users", type=int, default=400, help="simulated members at once")
    p.add_argument("--spawn-rate", type=float, default=20)
    p.add_argument("--duration", default="5m")
    p.add_argument("--viewers", type=int, default=2_000, help="members with a token")
    p.add_argument("--samples", type=int, default=200, help="pairs checked on every replica")
    p.add_argument("--reuse", action="store_true", help="keep an already generated community")
    p.add_argument("--quick", action="store_true", help="2,000 members, 1 minute, 40 users")
    p.add_argument(
        "--profile",
        type=int,
        default=60,
        help="seconds of py-spy sampling on one replica mid-run (0: none)",
    )
    p.add_argument(
        "--costs",
        type=float,
        default=0,
        metavar="SECONDS",
        help="instead of the load: each read route alone on one replica for SECONDS, "
        "its latency and CPU per request (bench/loadtest/costs.py)",
    )
    p.add_argument("--json", default="var/bench/loadtest.json")
    args = p.parse_args(argv)
    if args.quick:
        args.members, args.duration, args.users, args.viewers, args.samples = (
            2_000,
            "1m",
            40,
            300,
            60,
        )
    logs = Path("var/bench/loadtest")
    logs.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"machine": machine_info(), "args": vars(args)}

    kith, info = prepare("postgresql", args)
    result["community"] = info
    members, ids = _members(kith, args.viewers, args.seed)
    (logs / "members.json").write_text(json.dumps(members))
    kith.stop_network()
    url = kith.settings.database_url
    if args.costs:
        return _costs(url, members, args, logs, result)
    log(f"{len(members)} members with tokens; starting {args.replicas} replicas")

    replicas = _start_replicas(url, args.replicas, logs)
    bases = [base for _, base in replicas]
    proxy, front = _nginx(bases, logs) if args.replicas > 1 else (None, None)
    target = front or bases[0]
    if args.replicas > 1 and front is None:
        log("nginx is not installed (make nginx): the load goes to the first replica only")
    loads: list[tuple[float, float, float]] = [os.getloadavg()]
    try:
        prefix = logs / "locust"
        env = dict(os.environ, KITH_LOADTEST_MEMBERS=str(logs / "members.json"))
        log(f"locust: {args.users} users for {args.duration} against {target}")
        locust = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "--run-time",
                args.duration,
                "--host",
                target,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            env=env,
            stdout=(logs / "locust.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        shares = where.CpuShares({"replicas (Python)": [proc.pid for proc, _ in replicas]})
        shares.start(started)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        run_for = _seconds(args.duration)
        profile = logs / f"profile-{args.replicas}.txt"
        profile.unlink(missing_ok=True)
        spy = None
        while locust.poll() is None:
            time.sleep(5)
            loads.append(os.getloadavg())
            if spy is None and args.profile and time.monotonic() - started > run_for * 0.4:
                # Sampled mid-run, at full load, on the first replica only.
                spy = where.record(replicas[0][0].pid, min(args.profile, run_for // 3), profile)
                spy = spy or False
        # Locust has exited and been waited for: its CPU time is now among this
        # process's children's (the replicas, nginx and py-spy are still running).
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        result["cpu"] = shares.stop(time.monotonic(), exited={"Locust": locust_cpu})
        if spy:
            spy.wait(timeout=120)
            if profile.exists():
                result["profile"] = where.summarize(profile)
        stats = _locust_stats(prefix)
        result["routes"] = stats
        result["server_errors"] = _server_errors(bases)
        result["outbox_lag_p99_seconds"] = _lag_p99(bases)
        _wait_caught_up(kith.db, bases)
        found = check(kith.db, bases, members, ids, args.samples, args.seed)
        result["invariants"] = {
            "duplicate_pairs": found.duplicate_pairs,
            "unordered_pairs": found.unordered_pairs,
            "open_both_ways": found.open_both_ways,
            "sampled_pairs": found.sampled,
            "disagreements": found.disagreements[:20],
            "ok": found.ok,
        }
    finally:
        if proxy is not None:
            proxy.terminate()
        for proc, _ in replicas:
            proc.send_signal(signal.SIGTERM)
        for proc, _ in replicas:
            proc.wait(timeout=60)
        kith.db.dispose()
    result["loadavg"] = {"during_max_1min": max(sample[0] for sample in loads), "samples": loads}
    _print(result)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {out}")
    failures = sum(row["failures"] for row in result["routes"] if row["route"] != "Aggregated")
    return 0 if found.ok and not result["server_errors"] and not failures else 1


def _costs(
    url: str,
    members: list[dict[str, Any]],
    args: argparse.Namespace,
    logs: Path,
    result: dict[str, Any],
) -> int:
    """Each read route alone on one replica (see bench/loadtest/costs.py)."""
    (proc, base), *_ = _start_replicas(url, 1, logs)
    try:
        rows = costs.measure(base, proc.pid, members, args.costs, logs)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    result["costs"] = rows
    result["average_read"] = costs.average_read(rows)
    print()
    print(costs.render(rows))
    for row in rows:
        if "python_by_layer" in row:
            layers = ", ".join(f"{k} {v:.0%}" for k, v in row["python_by_layer"].items())
            print(f"  {row['route']}: {layers}")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {out}")
    return 0


def _print(result: dict[str, Any]) -> None:
    print()
    print(
        f"{'route':<24}{'requests':>9}{'fail':>6}{'req/s':>9}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)"
    )
    for row in result["routes"]:
        print(
            f"{row['route']:<24}{row['requests']:>9}{row['failures']:>6}{row['rps']:>9.1f}"
            f"{row['p50']:>7.0f}{row['p95']:>7.0f}{row['p99']:>7.0f}"
        )
    inv = result["invariants"]
    print(f"\n5xx answered by the replicas: {result['server_errors']}")
    print(f"outbox lag p99: {result['outbox_lag_p99_seconds']} s")
    print(
        f"invariants: duplicate pairs {inv['duplicate_pairs']}, "
        f"unordered {inv['unordered_pairs']}, "
        f"open both ways {inv['open_both_ways']}, replica/database disagreements "
        f"{len(inv['disagreements'])} of {inv['sampled_pairs']} pairs x replicas -> "
        f"{'OK' if inv['ok'] else 'BROKEN'}"
    )
    print(
        f"load average (1 min), highest during the run: {result['loadavg']['during_max_1min']:.2f}"
    )
    cpu = result["cpu"]
    print(
        f"\nCPU over the run ({cpu['seconds']} s, {cpu['cores']} cores, "
        f"machine busy {cpu['machine_busy']:.0%}):"
    )
    for part, seconds in cpu["cpu_seconds"].items():
        print(f"  {part:<22}{seconds:>8.1f} s  {cpu['share_of_cores'][part]:>6.1%} of the cores")
    if "profile" in result:
        prof = result["profile"]
        print(
            f"\nthe first replica's Python work ({prof['busy_samples']} samples holding "
            f"the interpreter lock, of {prof['samples']}):"
        )
        for part, share in prof["share_of_busy"].items():
            print(f"  {part:<26}{share:>7.1%}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
