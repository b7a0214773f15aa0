"""``kith demo``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from kith.cli._common import UrlOption, _settings, console, err, fail
from kith.errors import KithError
from kith.runtime import Kith


def demo(
    members: Annotated[int, typer.Option(help="How many members")] = 2000,
    seed: Annotated[int, typer.Option(help="Same seed, same community")] = 1,
    mean_connections: Annotated[
        float | None, typer.Option(help="Mean connections per member (default: by size)")
    ] = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database has members")
    ] = False,
    url: UrlOption = None,
) -> None:
    """Load a believable demo community (names, careers, a clustered network,
    pending invitations, follows) into an empty database."""
    # imported here, not at the top: Faker adds ~100 ms to every start of `kith`, `--help` and
    # shell completion included (measured with python -X importtime)
    from kith.demo.service import DEMO_PASSWORD, build_demo, is_empty, refuse_in_production

    settings = _settings(url)
    try:
        refuse_in_production(settings)
    except KithError as exc:
        raise fail(exc) from exc
    kith = Kith.from_settings(settings)
    with kith.uow(write=False) as ctx:
        empty = is_empty(ctx)
    if not empty:
        if if_empty:
            console.print(
                "The database already has members; keeping it. Demo sign-in: "
                f"[bold]demo@kith.example[/bold] / [bold]{DEMO_PASSWORD}[/bold]"
            )
            return
        err.print("[red]error[/red]: the database already has members; use an empty one.")
        raise typer.Exit(code=1)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, object] = {}

        def progress(step: str, done: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=None)
            bar.update(tasks[step], advance=done)  # type: ignore[arg-type]

        with kith.uow() as ctx:
            result = build_demo(
                ctx,
                members=members,
                seed=seed,
                mean_connections=mean_connections,
                progress=progress,
            )
    console.print(
        f"Demo community: {result.members:,} members, {result.connections:,} connections, "
        f"{result.invitations:,} pending invitations, {result.follows:,} follows, "
        f"{result.posts:,} posts with {result.comments:,} comments and "
        f"{result.reactions:,} reactions, {result.endorsements:,} endorsements, "
        f"{result.groups:,} groups."
    )
    console.print(
        f"Sign in as [bold]{result.demo_email}[/bold] with password [bold]{result.password}[/bold] "
        f"(administrator: {result.admin_email}, same password)."
    )
