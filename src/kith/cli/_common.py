"""What the command modules share: the consoles, the runtime, refusals, options."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import func, or_, select

from kith.config import Settings, get_settings
from kith.errors import KithError
from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx

console = Console()
err = Console(stderr=True)


def _settings(url: str | None = None) -> Settings:
    base = get_settings()
    return base.model_copy(update={"database_url": url}) if url else base


def runtime(url: str | None = None) -> Kith:
    return Kith.from_settings(_settings(url))


def fail(exc: KithError) -> typer.Exit:
    err.print(f"[red]error[/red] ({exc.code}): {exc.message}")
    return typer.Exit(code=1)


UrlOption = Annotated[
    str | None, typer.Option("--url", help="Database URL (default: KITH_DATABASE_URL)")
]


def _member_by_key(ctx: Ctx, member: str) -> Member:
    """An active member by handle or email address; exits with a message otherwise."""
    key = member.strip().lower()
    found = ctx.session.scalar(
        select(Member).where(
            or_(Member.handle == key, func.lower(Member.email) == key),
            Member.is_active.is_(True),
        )
    )
    if found is None:
        err.print(f"[red]error[/red] (member_not_found): There is no member '{member}'.")
        raise typer.Exit(code=1)
    return found
