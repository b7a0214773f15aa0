"""``kith serve``."""

from __future__ import annotations

from typing import Annotated

import typer

from kith.cli._common import console


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the web pages and the API."""
    # imported here, not at the top: uvicorn adds ~50 ms to every start of `kith`, `--help` and
    # shell completion included (measured with python -X importtime)
    import uvicorn

    console.print(f"Kith on [bold]http://{host}:{port}[/bold]  (API docs at /docs)")
    uvicorn.run(
        "kith.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
