"""``kith network``: the in-memory network engine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kith.cli._common import UrlOption, console, err, runtime
from kith.network_sync import verify

network_app = typer.Typer(help="The in-memory network engine.", no_args_is_help=True)


@network_app.command("verify")
def network_verify(url: UrlOption = None) -> None:
    """Build the engine from the database (or its snapshot), follow the outbox, and
    compare it with the connections table."""
    kith = runtime(url)
    sync = kith.start_network(thread=False)
    diff = verify(sync)
    status = sync.status()
    console.print(
        f"engine: {status.num_edges:,} connections, outbox cursor {status.cursor}, "
        f"{status.holes} pending gaps"
    )
    if diff.ok:
        console.print("[green]The engine agrees with the database.[/green]")
        return
    for a, b in diff.missing_in_engine:
        err.print(f"missing in engine: {a} - {b}")
    for a, b in diff.extra_in_engine:
        err.print(f"in engine but not in database: {a} - {b}")
    raise typer.Exit(code=1)


@network_app.command("snapshot")
def network_snapshot(
    path: Annotated[
        str | None, typer.Argument(help="Where to write (default: KITH_NETWORK_SNAPSHOT)")
    ] = None,
    url: UrlOption = None,
) -> None:
    """Write a memory-mappable snapshot so that app processes start in seconds."""
    kith = runtime(url)
    target = Path(path) if path else kith.settings.network_snapshot
    if target is None:
        target = kith.settings.data_dir / "network.snapshot"
    sync = kith.start_network(thread=False)
    written = sync.save_snapshot(target)
    console.print(f"Wrote {written} ({sync.engine.num_edges:,} connections, cursor {sync.cursor}).")
