"""My Network: invitations received and sent, and one's connections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kith.connections import service
from kith.connections.queries import connection_count
from kith.connections.schemas import InvitationId
from kith.connections.views import (
    LIVE_COUNTS,
    answer_toast,
    live_counts,
    withdraw_wait,
)
from kith.endorsements.prompts import prompts, recent_connections
from kith.endorsements.views import prompts_context
from kith.errors import NotFound
from kith.follows.service import counts
from kith.graph.cards import people, person, reach_context
from kith.members.service import view_member
from kith.models import Invitation, Member
from kith.pagination import PageRequest
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, is_htmx, nav_for, redirect, render

router = APIRouter()

INVITATIONS_SHOWN = 10  # on My Network; the rest are a "See all" away


def _invitations(
    ctx: Ctx, invitations: list[Invitation], viewer: Member, *, received: bool
) -> list[dict[str, Any]]:
    others = [i.sender if received else i.recipient for i in invitations]
    return [
        _invitation(ctx, invitation, viewer, card)
        for invitation, card in zip(invitations, people(ctx, viewer, others), strict=True)
    ]


def _invitation(
    ctx: Ctx, invitation: Invitation, viewer: Member, who: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "who": who,
        "note": invitation.note,
        "context": invitation.context,
        "sent_on": invitation.created_at,
        "status": service.status_for(ctx, invitation, viewer.id),
        "withdraw_wait": withdraw_wait(ctx, who["first_name"]),
    }


def connections_context(
    ctx: Ctx, member: Member, *, page: int, sort: str, q: str
) -> dict[str, Any]:
    req = page_request(ctx, page)
    sort_key: service.ConnectionSort = "name" if sort == "name" else "recent"
    result = service.list_connections(ctx, member, member, req, sort=sort_key, query=q[:100])
    query = {"sort": sort_key, **({"q": q} if q else {})}
    cards = people(ctx, member, [e.member for e in result.items])
    return {
        "connections": [
            {**card, "since": e.connection.created_at, "context": e.connection.context}
            for e, card in zip(result.items, cards, strict=True)
        ],
        "page": result,
        "sort": sort_key,
        "q": q,
        "base": f"/mynetwork?{urlencode(query)}&",
    }


@router.get("/mynetwork")
def my_network(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    page: PageNo = 1,
    sort: str = "recent",
    q: str = "",
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        first = PageRequest(1, INVITATIONS_SHOWN)
        received = service.received_invitations(ctx, member, first)
        sent = service.sent_invitations(ctx, member, first)
        followers, following = counts(ctx, member)
        context = {
            "received": _invitations(ctx, received.items, member, received=True),
            "received_total": received.total,
            "received_more": received.total > len(received.items),
            "sent": _invitations(ctx, sent.items, member, received=False),
            "sent_total": sent.total,
            "sent_more": sent.total > len(sent.items),
            "followers": followers,
            "following": following,
            "reach": reach_context(ctx, member),
            **connections_context(ctx, member, page=page, sort=sort, q=q),
            "endorse_prompts": prompts_context(
                prompts(ctx, member, recent_connections(ctx, member))
            ),
        }
        # The list's total counts the matches of a filter; the side panel counts them all.
        context["connections_total"] = (
            connection_count(ctx.session, member.id) if q else context["page"].total
        )
        nav = nav_for(ctx, member)
    if is_htmx(request) and request.headers.get("HX-Target") == "connections":
        return render(request, "connections/_connections.html", context)
    return render(request, "connections/mynetwork.html", context, nav=nav)


@router.get("/mynetwork/{box}")
def invitations(
    request: Request, box: str, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    """All invitations received or sent, a page at a time."""
    if box not in ("received", "sent"):
        raise NotFound("There is nothing at this address.", code="not_found")
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        req = page_request(ctx, page)
        listing = service.received_invitations if box == "received" else service.sent_invitations
        result = listing(ctx, member, req)
        context = {
            "box": box,
            box: _invitations(ctx, result.items, member, received=box == "received"),
            f"{box}_total": result.total,
            "box_page": result,
            "base": f"/mynetwork/{box}?",
        }
        nav = nav_for(ctx, member)
    return render(request, "connections/invitations.html", context, nav=nav)


Answer = Callable[[Ctx, Member, int], object]
ANSWERS: dict[str, tuple[Answer, str]] = {
    "accept": (service.accept_invitation, "accepted"),
    "ignore": (service.ignore_invitation, "ignored"),
    "report": (service.report_unknown, "reported"),
    "withdraw": (service.withdraw_invitation, "withdrawn"),
}


@router.post("/mynetwork/invitations/{invitation_id}/{answer}")
def answer_invitation(
    request: Request, invitation_id: InvitationId, answer: str, kith: KithDep, member_id: MemberId
) -> Response:
    """Accept, ignore, "I don't know this person" (received) or withdraw (sent)."""
    if answer not in ANSWERS:
        raise NotFound("There is nothing at this address.", code="not_found")
    action, outcome = ANSWERS[answer]
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        action(ctx, member, invitation_id)
        invitation = service.get_invitation(ctx, member, invitation_id)
        other = invitation.recipient if invitation.sender_id == member.id else invitation.sender
        row = {
            "id": invitation_id,
            "who": person(other),
            "outcome": outcome,
            # Right after connecting: the follow-up prompt, with the note and context.
            "note": invitation.note,
            "context": invitation.context,
        }
        if not is_htmx(request):
            return RedirectResponse("/mynetwork", status_code=303)
        nav = nav_for(ctx, member)
        context = {"row": row, "nav": nav, **live_counts(ctx, member, request)}
        toast = answer_toast(outcome, other.name, withdraw_wait(ctx, other.first_name))
    return render(
        request, "connections/_answered.html", context, badges=nav, toast=toast, also=LIVE_COUNTS
    )


#: Suggestions for "How do you know each other?" (the answer is free text).
CONTEXT_CHOICES = (
    "We work together",
    "We worked together",
    "We studied together",
    "We met at an event",
    "Friends",
    "Family",
)


def connect_form_context(
    ctx: Ctx, viewer: Member, member: Member, *, place: str, dialog: bool
) -> dict[str, Any]:
    """The invitation form for ``member``: posted from their profile (answered with the
    profile's actions) or from a list (answered with the row's action)."""
    on_profile = place != "list"
    return {
        "handle": member.handle,
        "name": member.name,
        "first_name": member.first_name,
        "who": person(member),
        "needs_email": service.needs_email(ctx, viewer, member),
        "note_max": ctx.settings.invitation_note_max,
        "context_max": ctx.settings.invitation_context_max,
        "context_choices": CONTEXT_CHOICES,
        "dialog": dialog,
        "action": f"/{'in' if on_profile else 'people'}/{member.handle}/connect",
        "target": "#actions" if on_profile else f"#action-{member.handle}",
    }


@router.get("/in/{handle}/connect")
def connect_form(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, place: str = "profile"
) -> Response:
    """Invite a member with a note: the Connect dialog for htmx, a page otherwise."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        rel = service.relationship(ctx, viewer, member) if member.id != viewer.id else None
        if rel is None or rel.connected or rel.sent or rel.received:
            return redirect(request, f"/in/{member.handle}")
        dialog = is_htmx(request)
        t = connect_form_context(ctx, viewer, member, place=place, dialog=dialog)
        nav = nav_for(ctx, viewer)
    if dialog:
        return render(request, "connections/_connect_dialog.html", {"t": t})
    return render(request, "connections/connect.html", {"t": t}, nav=nav)
