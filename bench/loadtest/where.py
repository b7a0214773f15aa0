"""Where a load run's time goes.

- **The machine's CPU**, from ``/proc``: the CPU seconds each part used over the run
  (the replicas' Python processes, PostgreSQL's server processes, nginx, Locust), as
  a share of what the cores could give in that time.
- **Inside one replica**, from a sampled profile (py-spy ``--gil``, without pausing the
  process): only the thread holding Python's interpreter lock is sampled, so the
  samples are the process's Python work, wherever its threads were. Each sample's
  stack goes in one bucket: the network engine (``kith.network``), SQLAlchemy and
  psycopg (building statements, sending them, loading rows), the web framework
  (uvicorn, Starlette, FastAPI, pydantic, Jinja2), or Kith's own Python. A sample of
  a thread waiting (for work, or for PostgreSQL's answer in psycopg's wait) is left
  out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")

BUCKETS = (
    "network engine",
    "SQLAlchemy and psycopg",
    "web framework",
    "Kith's own Python",
)
FRAMEWORK = {
    "uvicorn",
    "starlette",
    "fastapi",
    "pydantic",
    "pydantic_core",
    "jinja2",
    "h11",
    "anyio",
}
IDLE_LEAVES = {"selectors.py", "queue.py", "threading.py"}
IDLE_CALLS = {"wait", "select", "get", "_wait_for_tstate_lock"}


def _call(frame: str) -> str:
    """A frame's function name, without its class (``Connection.wait`` -> ``wait``)."""
    return frame[: frame.rfind(" (")].rsplit(".", 1)[-1]


def _parts(frame: str) -> list[str]:
    """The path of a frame's file (``func (path/to/file.py:12)``) as its parts."""
    return frame[frame.rfind("(") + 1 : frame.rfind(":")].split("/")


def _cpu(pid: int) -> float:
    """CPU seconds (user and system) a process has used; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _named(name: str) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent not idle."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICKS


@dataclass
class CpuShares:
    """CPU seconds per part of the machine between :meth:`start` and :meth:`stop`."""

    parts: dict[str, list[int]]
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)
    _before: dict[int, float] = field(default_factory=dict)
    _busy_before: float = 0.0
    _t0: float = 0.0

    def _pids(self) -> dict[str, list[int]]:
        return {**self.parts, "PostgreSQL": _named("postgres"), "nginx": _named("nginx")}

    def start(self, now: float) -> None:
        self._t0 = now
        self._busy_before = _machine_busy()
        self._before = {pid: _cpu(pid) for pids in self._pids().values() for pid in pids}

    def stop(self, now: float, exited: dict[str, float] | None = None) -> dict[str, Any]:
        """The shares since :meth:`start`; ``exited`` adds parts whose processes have
        ended (their CPU seconds measured by the caller)."""
        wall = now - self._t0
        used = {
            name: round(sum(_cpu(pid) - self._before.get(pid, 0.0) for pid in pids), 1)
            for name, pids in self._pids().items()
        }
        used.update({name: round(seconds, 1) for name, seconds in (exited or {}).items()})
        busy = _machine_busy() - self._busy_before
        used["everything else"] = round(max(0.0, busy - sum(used.values())), 1)
        capacity = wall * self.cores
        return {
            "seconds": round(wall, 1),
            "cores": self.cores,
            "cpu_seconds": used,
            "share_of_cores": {k: round(v / capacity, 3) for k, v in used.items()},
            "machine_busy": round(busy / capacity, 3),
        }


def bucket(stack: str) -> str | None:
    """The bucket of one sampled stack (frames root first, ``func (file:line)``), or
    None for a thread waiting for work."""
    frames = [(f, _parts(f)) for f in stack.split(";")]
    leaf, leaf_parts = frames[-1]
    if "psycopg" in leaf_parts and _call(leaf) == "wait":
        return None
    if any("psycopg" in parts for _, parts in frames):
        return "SQLAlchemy and psycopg"
    if leaf_parts[-1] in IDLE_LEAVES and _call(leaf) in IDLE_CALLS:
        return None
    ours = [i for i, (_, parts) in enumerate(frames) if "kith" in parts]
    if not ours:
        framework = any(FRAMEWORK & set(parts) for _, parts in frames)
        return "web framework" if framework else None
    deepest = frames[ours[-1]][1]
    below = [parts for _, parts in frames[ours[-1] + 1 :]]
    if deepest[deepest.index("kith") + 1 : deepest.index("kith") + 2] == ["network"]:
        return "network engine"
    if any("sqlalchemy" in parts for parts in below):
        return "SQLAlchemy and psycopg"
    if any(FRAMEWORK & set(parts) for parts in below):
        return "web framework"
    return "Kith's own Python"


def summarize(raw: Path) -> dict[str, object]:
    """Shares of a py-spy ``--format raw`` profile's working samples, by bucket."""
    counts: Counter[str] = Counter()
    idle = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        where = bucket(stack)
        if where is None:
            idle += int(n)
        else:
            counts[where] += int(n)
    busy = sum(counts.values())
    return {
        "samples": busy + idle,
        "busy_samples": busy,
        "share_of_busy": {b: round(counts[b] / busy, 3) if busy else 0.0 for b in BUCKETS},
    }


def py_spy() -> str | None:
    found = Path(sys.executable).parent / "py-spy"
    return str(found) if found.exists() else shutil.which("py-spy")


def record(pid: int, seconds: int, out: Path) -> subprocess.Popen[bytes] | None:
    """Start sampling ``pid`` for ``seconds`` into ``out`` (None without py-spy)."""
    binary = py_spy()
    if binary is None:
        return None
    return subprocess.Popen(  # noqa: S603 - our own command line
        [binary, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
         "--gil", "--nonblocking", "--format", "raw", "--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
