"""What the pages show of recommendations: one card each, and a profile's sections."""

from __future__ import annotations

from typing import Any

from kith.graph.cards import person
from kith.models import Member
from kith.recommendations.views import DIRECTIONS, RecView, profile_page
from kith.uow import Ctx
from kith.web.paging import page_request

__all__ = ["card", "profile_section"]


def card(v: RecView) -> dict[str, Any]:
    """What a template needs of one recommendation."""
    return {
        "id": v.id,
        "role": v.role,
        "author": person(v.author),
        "recipient": person(v.recipient),
        "other": person(v.other),
        "relation": v.relation,
        "relation_text": v.relation_text,
        "about": v.about,
        "message": v.message,
        "body": v.body,
        "status": v.status,
        "label": v.label,
        "hidden": v.hidden,
        "revision_note": v.revision_note,
        "imported_on": v.imported_on,
        "created_at": v.created_at,
        "written_at": v.written_at,
        "accepted_at": v.accepted_at,
    }


def profile_section(ctx: Ctx, viewer: Member, member: Member, most: int = 3) -> dict[str, Any]:
    """The profile's "Received" and "Given" sections: the first few of each."""
    out: dict[str, Any] = {}
    for direction in DIRECTIONS:
        found = profile_page(ctx, viewer, member, direction, page_request(ctx, 1, most))
        out[direction] = {"items": [card(v) for v in found.items], "total": found.total}
    return out
