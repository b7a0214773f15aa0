"""``kith reminders``."""

from __future__ import annotations

from typing import Annotated

import typer

from kith.cli._common import UrlOption, _member_by_key, console, runtime
from kith.clock import day_text
from kith.pagination import PageRequest
from kith.relationships.reconnect import due_to_reconnect


def reminders(
    member: Annotated[str, typer.Argument(help="The member's handle or email address")],
    limit: Annotated[int, typer.Option(help="How many to list")] = 50,
    url: UrlOption = None,
) -> None:
    """Print who a member is due to reconnect with, most overdue first."""
    kith = runtime(url)
    with kith.uow(write=False) as ctx:
        owner = _member_by_key(ctx, member)
        due = due_to_reconnect(ctx, owner, PageRequest(1, max(1, min(limit, 10_000))))
        name = owner.name
        rows = [
            (
                e.display_name,
                e.member.handle if e.member else f"contact {e.contact_id}, {e.email or 'no email'}",
                e.tier or "",
                f"every {e.cadence_days} days",
                day_text(e.last_interaction_at) if e.last_interaction_at else "never",
                f"{e.overdue_days:,} days" if e.overdue_days else "0 days",
            )
            for e in due.items
        ]
    if not rows:
        console.print(f"Nobody is due: {name} is in touch with everyone on a cadence.")
        return
    console.print(f"[bold]Due to reconnect for {name}[/bold] ({due.total}, most overdue first)")
    for person, handle, tier, cadence, last, overdue in rows:
        in_tier = f"{tier}, " if tier else ""
        console.print(
            f"{person} ({handle}): {overdue} overdue; {in_tier}{cadence}; last interaction {last}",
            soft_wrap=True,
        )
