"""``kith serve``."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import Annotated

import typer

from kith.cli._common import console, err, runtime

#: How long an idle keep-alive connection stays open. Longer than the proxy keeps its
#: idle connections to the replicas (deploy/nginx/kith.conf, ``keepalive_timeout``):
#: the proxy must be the one to close them. If the replica closed first, a request the
#: proxy sent at that moment would meet a reset connection, and the proxy answers a
#: POST it may not send twice with 502 (seen under load with uvicorn's 5 s default).
KEEP_ALIVE_SECONDS = 75


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the web pages and the API (refuses a database schema older than this code)."""
    # imported here, not at the top: uvicorn adds ~50 ms to every start of `kith`, `--help` and
    # shell completion included (measured with python -X importtime)
    import uvicorn

    from kith.migrations import schema_state
    from kith.web.requestlog import log_config

    kith = runtime()
    try:
        state = schema_state(kith.db.writer)
    except Exception as exc:  # noqa: BLE001 - any failure: say so and stop
        err.print(f"[red]error[/red] (database_unavailable): {str(exc).splitlines()[0]}")
        raise typer.Exit(code=1) from exc
    finally:
        kith.db.dispose()
    if not state.up_to_date:
        err.print(f"[red]error[/red] (schema_behind): {state.describe()}")
        raise typer.Exit(code=1)
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its metrics where /metrics, served by any of them, adds them up.
        folder = tempfile.mkdtemp(prefix="kith-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    settings = kith.settings
    console.print(f"Kith on [bold]http://{host}:{port}[/bold]  (API docs at /docs)")
    uvicorn.run(
        "kith.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(settings.log_format, settings.log_level),
        access_log=False,  # kith.access writes one line per request, with its id
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        proxy_headers=False,  # the app believes forwarded headers from KITH_TRUSTED_PROXIES
    )
