"""What the connection pages show beside an action's answer, shared by every page
that acts on invitations and connections (My Network, profiles, search): the counts
replaced in place, and the toasts."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from kith.connections import service
from kith.connections.queries import connection_count
from kith.models import Member
from kith.pagination import PageRequest
from kith.uow import Ctx
from kith.web.render import current_page

#: The counts each page shows, so that an action's answer replaces those in place.
COUNTS_ON: dict[str, tuple[str, ...]] = {
    "/mynetwork": ("received", "sent", "sent_side", "connections", "connections_side"),
    "/mynetwork/received": ("received",),
    "/mynetwork/sent": ("sent",),
}
LIVE_COUNTS = ("connections/_counts.html",)


def live_counts(ctx: Ctx, member: Member, request: Request) -> dict[str, Any]:
    """The fresh counts of the page an htmx action came from (``connections/_counts.html``
    replaces them out of band)."""
    path, query = current_page(request)
    shown = set(COUNTS_ON.get(path, ()))
    if query.get("q"):
        shown.discard("connections")  # the heading counts the matches of a filter
    counts: dict[str, int] = {}
    if "received" in shown:
        counts["received"] = service.pending_received_count(ctx, member)
    if shown & {"sent", "sent_side"}:
        counts["sent"] = service.sent_invitations(ctx, member, PageRequest(1, 1)).total
    if shown & {"connections", "connections_side"}:
        counts["connections"] = connection_count(ctx.session, member.id)
    return {"live_counts": counts, "counts_shown": shown}


def withdraw_wait(ctx: Ctx, name: str) -> str:
    """What withdrawing an invitation to ``name`` means, with the configured wait."""
    days = ctx.settings.withdraw_cooldown_days
    return f"You can invite {name} again after {days} day{'' if days == 1 else 's'}."


def sent_toast(name: str) -> str:
    """The toast after inviting ``name``: the same whatever becomes of the invitation."""
    return f"Invitation sent to {name}"


def answer_toast(outcome: str, name: str, wait: str) -> str:
    """The toast after answering an invitation: it speaks only to the member who acted."""
    return {
        "accepted": f"Connected with {name}",
        "ignored": f"Invitation from {name} ignored",
        "reported": f"Thanks for letting us know. {name} can't invite you again",
        "withdrawn": f"Withdrawn. {wait}",
    }[outcome]
