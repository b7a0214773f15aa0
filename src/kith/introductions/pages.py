"""Pages: ask for an introduction from a profile; the Introductions page (asked of
you, for you, your requests); one request with what your part in it lets you do."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from kith.errors import Invalid, KithError
from kith.graph.cards import person
from kith.introductions import lists, service
from kith.introductions.schemas import IntroductionId
from kith.members.service import get_member, view_member
from kith.models import IntroductionRequest, Member
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, nav_for, redirect, render

router = APIRouter()

Text = Annotated[str, Form()]
Tab = Literal["asked", "received", "made"]

TABS = {"asked": "Asked of you", "received": "For you", "made": "Your requests"}
#: How each status reads on the page, by role.
WORDS = {
    "requester": {
        "waiting": "Waiting",
        "not_forwarded": "Not forwarded",
        "forwarded": "Forwarded",
        "no_reply": "No reply",
        "connected": "Connected",
        "withdrawn": "Withdrawn",
    },
    "intermediary": {
        "pending": "Waiting for you",
        "lapsed": "Lapsed",
        "declined": "Declined",
        "withdrawn": "Withdrawn",
        "forwarded": "Forwarded",
        "connected": "Connected",
    },
    "target": {
        "pending": "Waiting for you",
        "expired": "Expired",
        "accepted": "Accepted",
        "declined": "Declined",
    },
}


def _item(ctx: Ctx, req: IntroductionRequest, viewer: Member) -> dict[str, Any]:
    if viewer.id == req.requester_id:
        role, status = "requester", service.requester_status(ctx, req)
    elif viewer.id == req.intermediary_id:
        role, status = "intermediary", service.intermediary_status(ctx, req)
    else:
        role, status = "target", service.target_status(ctx, req)
    return {
        "id": req.id,
        "role": role,
        "status": status,
        "words": WORDS[role][status],
        "requester": person(req.requester),
        "intermediary": person(req.intermediary),
        "target": person(req.target),
        "final": person(req.final_target) if req.final_target else None,
        "note": req.note if role != "target" else "",
        "message": req.message,
        "forward_note": req.forward_note if req.forwarded_at else "",
        "created_at": req.created_at if role != "target" else None,
        "forwarded_at": req.forwarded_at,
        "thank": role == "requester" and req.status == "accepted" and req.thanked_at is None,
    }


@router.get("/introductions")
def introductions(
    request: Request, kith: KithDep, member_id: MemberId, tab: Tab = "asked", page: PageNo = 1
) -> Response:
    """Introductions: requests made of you, introductions forwarded to you, and your own
    requests; the prompts to thank whoever introduced you; your setting."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        req = page_request(ctx, page)
        found = {"asked": lists.asked, "received": lists.received, "made": lists.made}[tab](
            ctx, viewer, req
        )
        context = {
            "tab": tab,
            "tabs": TABS,
            "items": [_item(ctx, r, viewer) for r in found.items],
            "page": found,
            "base": f"/introductions?tab={tab}&",
            "thanks": [_item(ctx, r, viewer) for r in lists.thanks_due(ctx, viewer)],
            "summary": lists.summary(ctx, viewer),
            "accepts": service.accepts_requests(ctx, viewer),
        }
        nav = nav_for(ctx, viewer)
    return render(request, "introductions/list.html", context, nav=nav)


@router.post("/introductions/settings")
def introduction_settings(
    request: Request, kith: KithDep, member_id: MemberId, accepts: Text = ""
) -> Response:
    with kith.uow() as ctx:
        service.set_accepts_requests(ctx, me(ctx, member_id), accepts == "on")
    return redirect(request, "/introductions")


@router.get("/introductions/{introduction_id}")
def introduction(
    request: Request,
    introduction_id: IntroductionId,
    kith: KithDep,
    member_id: MemberId,
    replied: int = 0,
) -> Response:
    """One request: for the intermediary with how they know each side."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        req = service.view(ctx, viewer, introduction_id)
        item = _item(ctx, req, viewer)
        sides = lists.sides(ctx, viewer, req) if item["role"] == "intermediary" else []
        context = {
            "i": item,
            "sides": [
                {
                    "who": person(s.member),
                    "connected_at": s.connected_at,
                    "context": s.context,
                    "how_we_met": s.how_we_met,
                    "tier": s.tier,
                    "last": s.last_interaction_at,
                }
                for s in sides
            ],
            "note_max": ctx.settings.introduction_note_max,
            "message_max": ctx.settings.message_max,
            "replied": bool(replied),
        }
        nav = nav_for(ctx, viewer)
    return render(request, "introductions/detail.html", context, nav=nav)


def _ask_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    handle: str,
    *,
    error: str = "",
    status: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        target = view_member(ctx, viewer, handle)
        options = lists.ask_options(ctx, viewer, target)
        context = {
            "target": person(target),
            "degree": options.degree,
            "candidates": [
                {
                    "who": person(c.intermediary),
                    "via": person(c.via),
                    "tier": c.tier,
                    "last": c.last_interaction_at,
                    "mutual": c.mutual,
                }
                for c in options.candidates
            ],
            "declined": options.declined,
            "open": _item(ctx, options.open_request, viewer) if options.open_request else None,
            "email_required": options.email_required,
            "note_max": ctx.settings.introduction_note_max,
            "message_max": ctx.settings.invitation_note_max,
            "error": error,
            "form": form or {},
        }
        nav = nav_for(ctx, viewer)
    return render(request, "introductions/ask.html", context, nav=nav, status=status)


@router.get("/introductions/ask/{handle}")
def ask_form(request: Request, handle: str, kith: KithDep, member_id: MemberId) -> Response:
    """Ask for an introduction: the shared connections best placed to help."""
    return _ask_page(request, kith, member_id, handle)


@router.post("/introductions/ask/{handle}")
def ask(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    path: Text = "",
    note: Text = "",
    message: Text = "",
    email: Text = "",
) -> Response:
    form = {"path": path, "note": note, "message": message, "email": email}
    try:
        with kith.uow() as ctx:
            requester = me(ctx, member_id)
            final = view_member(ctx, requester, handle)
            first, _, via = path.partition(":")
            if not first:
                raise Invalid(
                    "Choose who you would like to introduce you.", code="not_an_intermediary"
                )
            to = get_member(ctx, via) if via else final
            req = service.ask(
                ctx,
                requester,
                get_member(ctx, first),
                to,
                final_target=final if to.id != final.id else None,
                note=note,
                message=message,
                email=email or None,
            )
            url = f"/introductions/{req.id}"
    except KithError as exc:
        if exc.code == "member_not_found" and not path:
            raise
        return _ask_page(
            request, kith, member_id, handle, error=exc.message, status=exc.status, form=form
        )
    return redirect(request, url)


Action = Literal[
    "forward", "reply", "decline", "accept", "ignore", "unknown", "withdraw", "thanked"
]


@router.post("/introductions/{introduction_id}/{action}")
def act(
    request: Request,
    introduction_id: IntroductionId,
    action: Action,
    kith: KithDep,
    member_id: MemberId,
    note: Text = "",
    body: Text = "",
) -> Response:
    """Forward, reply privately or decline (intermediary); accept, decline or "I don't know this
    person" (target); withdraw or close the thanks prompt (requester)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        if action == "forward":
            service.forward(ctx, viewer, introduction_id, note)
        elif action == "reply":
            service.reply(ctx, viewer, introduction_id, body)
        elif action == "decline":
            service.decline(ctx, viewer, introduction_id)
        elif action == "accept":
            service.accept(ctx, viewer, introduction_id)
        elif action == "ignore":
            service.ignore(ctx, viewer, introduction_id)
        elif action == "unknown":
            service.report_unknown(ctx, viewer, introduction_id)
        elif action == "withdraw":
            service.withdraw(ctx, viewer, introduction_id)
        else:
            service.dismiss_thanks(ctx, viewer, introduction_id)
    if action in ("decline", "ignore", "unknown"):
        tab = "asked" if action == "decline" else "received"
        return redirect(request, f"/introductions?tab={tab}")
    if action == "reply":
        return redirect(request, f"/introductions/{introduction_id}?replied=1")
    if action == "thanked":
        return redirect(request, "/introductions?tab=made")
    return redirect(request, f"/introductions/{introduction_id}")
