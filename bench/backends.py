"""The two databases a benchmark runs on: a scratch SQLite file, and a scratch schema
in the PostgreSQL at ``KITH_BENCH_POSTGRES_URL`` (dropped afterwards), or, with
``keep``, a SQLite file under ``var/bench/`` and a schema of that name, kept for the
next run."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from kith.db import Database
from kith.models import Member

PG_URL = os.environ.get("KITH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def on_backends(
    backend: str, prefix: str, run: Callable[[str, str], dict[str, Any]], keep: str | None = None
) -> dict[str, dict[str, Any]]:
    """``run(name, url)`` on SQLite and/or PostgreSQL (``backend``: sqlite, postgresql
    or both), each on a fresh database, or on the database kept under the name
    ``keep`` (made on first use); returns the results by backend name."""
    out: dict[str, dict[str, Any]] = {}
    if backend in ("sqlite", "both"):
        if keep is not None:
            Path("var/bench").mkdir(parents=True, exist_ok=True)
            out["sqlite"] = run("sqlite", f"sqlite:///var/bench/{prefix}_{keep}.db")
        else:
            with tempfile.TemporaryDirectory() as scratch:
                out["sqlite"] = run("sqlite", f"sqlite:///{scratch}/bench.db")
    if backend in ("postgresql", "both"):
        schema = f"{prefix}_{keep}" if keep is not None else f"{prefix}_{uuid.uuid4().hex[:8]}"
        admin = Database(PG_URL)
        with admin.writer.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        try:
            out["postgresql"] = run("postgresql", f"{PG_URL}?options=-csearch_path%3D{schema}")
        finally:
            if keep is None:
                with admin.writer.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return out


def kept(db: Database, label: str, keep: bool) -> bool:
    """Whether ``db`` already holds a community to reuse (``keep``); False when it is
    empty and has to be loaded. A non-empty database without ``keep`` stops the run."""
    with db.writer.begin() as conn:
        members = int(conn.execute(select(func.count()).select_from(Member)).scalar() or 0)
    if members and keep:
        print(f"{label}: the kept community is used ({members:,} members)", flush=True)
        return True
    if members:
        raise SystemExit(f"{label}: the database is not empty; drop it first")
    return False
