"""My Network: invitations received and sent, and one's connections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kith.connections import service
from kith.connections.schemas import InvitationId
from kith.errors import NotFound
from kith.follows.service import counts
from kith.graph.cards import people, person, reach_context
from kith.models import Invitation, Member
from kith.pagination import PageRequest
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, is_htmx, nav_for, render

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
        }
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
        nav = nav_for(ctx, member)
    if not is_htmx(request):
        return RedirectResponse("/mynetwork", status_code=303)
    return render(request, "connections/_answered.html", {"row": row, "nav": nav})
