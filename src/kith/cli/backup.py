"""``kith backup`` and ``kith restore``: the whole database, to a file and back.

SQLite is copied with its online backup API (a consistent copy while the servers keep
serving; the copy is checked with ``PRAGMA integrity_check`` and only then moved into
place). PostgreSQL is dumped with ``pg_dump --format=custom`` and restored with
``pg_restore --clean --single-transaction``: either all of the dump is restored or
nothing changes. The client programs must be at least the server's major version.

Restoring replaces everything in the database. Stop the replicas first and start them
after: each builds its network engine from the restored tables as it starts (delete
the engine snapshot, ``KITH_NETWORK_SNAPSHOT``, if one is configured: it describes the
database before the restore).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import URL, make_url

from kith.cli._common import UrlOption, console, err, runtime

PathArgument = Annotated[Path, typer.Argument(help="The backup file")]


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise typer.BadParameter("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _check(conn: sqlite3.Connection, what: str) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()
    if result is None or result[0] != "ok":
        err.print(f"[red]error[/red] (integrity): {what} fails PRAGMA integrity_check: {result}")
        raise typer.Exit(code=1)


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy SQLite database ``source`` onto ``target`` with the online backup API."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            _check(dst, str(target))
        finally:
            dst.close()
    finally:
        src.close()


def _libpq(url: URL) -> tuple[str, list[str]]:
    """A connection string pg_dump understands (no SQLAlchemy driver name) and the
    ``--schema`` options that a ``search_path`` in the URL's ``options`` asks for."""
    plain = url.set(drivername="postgresql")
    options = plain.query.get("options", "")
    text = " ".join(options) if isinstance(options, tuple) else options
    schemas = [
        name
        for found in re.finditer(r"-c\s*search_path=(\S+)", text)
        for name in found.group(1).split(",")
        if name
    ]
    return plain.render_as_string(hide_password=False), [f"--schema={s}" for s in schemas]


def _run(command: list[str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        err.print(f"[red]error[/red] (missing_tool): {command[0]} is not installed.")
        raise typer.Exit(code=1)
    done = subprocess.run([tool, *command[1:]], capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        err.print(f"[red]error[/red] ({command[0]}): {done.stderr.strip()}")
        raise typer.Exit(code=1)


def backup(path: PathArgument, url: UrlOption = None) -> None:
    """Write a consistent copy of the whole database to a file (servers may keep running)."""
    parsed = make_url(runtime(url).settings.database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if parsed.get_backend_name() == "sqlite":
        partial.unlink(missing_ok=True)
        sqlite_copy(_sqlite_path(parsed), partial)
    else:
        conninfo, schemas = _libpq(parsed)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", *schemas, conninfo])
    partial.replace(path)
    console.print(f"Backed up to {path} ({path.stat().st_size:,} bytes).")


def restore(
    path: PathArgument,
    url: UrlOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Replace the database without asking")] = False,
) -> None:
    """Replace the whole database with a backup (stop the servers first)."""
    if not path.is_file():
        err.print(f"[red]error[/red] (not_found): there is no backup file {path}.")
        raise typer.Exit(code=1)
    parsed = make_url(runtime(url).settings.database_url)
    if not yes:
        typer.confirm(f"Replace everything in {parsed.render_as_string()} with {path}?", abort=True)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(path) as check:
            _check(check, str(path))
        target = _sqlite_path(parsed)
        target.parent.mkdir(parents=True, exist_ok=True)
        sqlite_copy(path, target)
    else:
        conninfo, _ = _libpq(parsed)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={conninfo}",
                str(path),
            ]
        )
    console.print(f"Restored {path}. Start the servers again: each rebuilds its network engine.")
