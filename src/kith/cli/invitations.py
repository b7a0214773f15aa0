"""``kith invitations``."""

from __future__ import annotations

import typer

from kith.cli._common import UrlOption, console, runtime
from kith.connections.service import expire_invitations

invitations_app = typer.Typer(help="Invitations.", no_args_is_help=True)


@invitations_app.command("expire")
def invitations_expire(url: UrlOption = None) -> None:
    """Mark invitations older than the expiry period as expired (optional tidy-up:
    expiry is always decided from timestamps)."""
    kith = runtime(url)
    with kith.uow() as ctx:
        count = expire_invitations(ctx)
    console.print(f"Expired {count} invitation{'s' if count != 1 else ''}.")
