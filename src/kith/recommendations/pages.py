"""Recommendation pages: the inbox (``/recommendations``, a tab per box), one
recommendation with what its reader may do, asking a connection for one and writing one
unasked (``/in/<handle>/recommendations/request`` and ``.../write``), and all of a
member's shown ones (``/in/<handle>/recommendations``). Anything the viewer may not see
is the error page's "There is no such recommendation." from each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kith.errors import KithError
from kith.graph.cards import person
from kith.members.service import view_member
from kith.models import Member
from kith.recommendations import service
from kith.recommendations.cards import card
from kith.recommendations.schemas import RecommendationId
from kith.recommendations.states import BOXES, RELATION_LABELS
from kith.recommendations.views import box_page, profile_page, view_of
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, nav_for, redirect, render

router = APIRouter()

RELATIONS = [(key, words[0]) for key, words in RELATION_LABELS.items()]


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


Form = Annotated[dict[str, str], Depends(_form)]


@router.get("/recommendations")
def inbox(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    box: str = Query("to_write", max_length=20),
    page: PageNo = 1,
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        found = box_page(ctx, member, box, page_request(ctx, page))
        nav = nav_for(ctx, member)
    context = {
        "boxes": BOXES,
        "box": box,
        "items": [card(v) for v in found.items],
        "page": found,
        "base": f"/recommendations?box={box}&",
    }
    return render(request, "recommendations/inbox.html", context, nav=nav)


def _one_page(
    request: Request,
    kith: Kith,
    member_id: int,
    rec_id: int,
    *,
    error: str | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        rec = service.find(ctx, viewer, rec_id)
        context = {
            "r": card(view_of(rec, viewer.id)),
            "relations": RELATIONS,
            "error": error,
            "values": values or {},
            "max_length": ctx.settings.recommendation_max_length,
            "message_max": service.MESSAGE_MAX,
        }
        nav = nav_for(ctx, viewer)
    return render(request, "recommendations/recommendation.html", context, nav=nav, status=status)


@router.get("/recommendations/{rec_id:int}")
def one(request: Request, rec_id: RecommendationId, kith: KithDep, member_id: MemberId) -> Response:
    return _one_page(request, kith, member_id, rec_id)


Action = Callable[[Ctx, Member, int, dict[str, str]], object]


def _act(
    request: Request,
    kith: Kith,
    member_id: int,
    rec_id: int,
    values: dict[str, str],
    action: Action,
    after: str,
) -> Response:
    try:
        with kith.uow() as ctx:
            action(ctx, me(ctx, member_id), rec_id, values)
    except KithError as exc:
        if exc.code == "recommendation_not_found":
            raise
        return _one_page(
            request, kith, member_id, rec_id, error=exc.message, status=exc.status, values=values
        )
    return redirect(request, after.format(id=rec_id))


def _write(ctx: Ctx, m: Member, rec_id: int, v: dict[str, str]) -> object:
    return service.edit(
        ctx,
        m,
        rec_id,
        body=v.get("body", ""),
        relation=v.get("relationship") or None,
        send=v.get("action", "send") != "draft",
    )


ACTIONS: dict[str, tuple[Action, str]] = {
    "write": (_write, "/recommendations/{id}"),
    "accept": (lambda c, m, i, v: service.accept(c, m, i), "/recommendations/{id}"),
    "revise": (
        lambda c, m, i, v: service.ask_revision(c, m, i, v.get("note", "")),
        "/recommendations?box=to_approve",
    ),
    "decline": (lambda c, m, i, v: service.decline(c, m, i), "/recommendations?box=to_approve"),
    "hide": (lambda c, m, i, v: service.set_hidden(c, m, i, True), "/recommendations/{id}"),
    "show": (lambda c, m, i, v: service.set_hidden(c, m, i, False), "/recommendations/{id}"),
    "withdraw": (lambda c, m, i, v: service.withdraw(c, m, i), "/recommendations"),
}


@router.post("/recommendations/{rec_id:int}/{action}")
def act(
    request: Request,
    rec_id: RecommendationId,
    action: str,
    kith: KithDep,
    member_id: MemberId,
    values: Form,
) -> Response:
    """Write or send, accept, ask for a revision, decline, hide, show or withdraw."""
    if action not in ACTIONS:
        return _one_page(
            request, kith, member_id, rec_id, error="There is no such action.", status=404
        )
    do, after = ACTIONS[action]
    return _act(request, kith, member_id, rec_id, values, do, after)


# -- asking and writing from a profile ------------------------------------------------


def _about_choices(member: Member) -> list[tuple[str, str]]:
    choices = [(f"position:{p.id}", f"{p.title} at {p.company.name}") for p in member.positions]
    choices += [(f"education:{e.id}", e.school.name) for e in member.education]
    return choices


def _about(value: str) -> service.About:
    kind, _, number = value.partition(":")
    if not number.isdigit():
        return service.About()
    if kind == "position":
        return service.About(position_id=int(number))
    if kind == "education":
        return service.About(education_id=int(number))
    return service.About()


def _form_page(
    request: Request,
    kith: Kith,
    member_id: int,
    handle: str,
    mode: str,
    *,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        other = view_member(ctx, viewer, handle)
        about_of = viewer if mode == "request" else other
        context = {
            "mode": mode,
            "other": person(other),
            "relations": RELATIONS,
            "about_choices": _about_choices(about_of),
            "values": values or {},
            "error": error,
            "max_length": ctx.settings.recommendation_max_length,
            "message_max": service.MESSAGE_MAX,
        }
        nav = nav_for(ctx, viewer)
    return render(request, "recommendations/form.html", context, nav=nav, status=status)


@router.get("/in/{handle}/recommendations/request")
def request_form(request: Request, handle: str, kith: KithDep, member_id: MemberId) -> Response:
    """Ask this connection for a recommendation."""
    return _form_page(request, kith, member_id, handle, "request")


@router.get("/in/{handle}/recommendations/write")
def write_form(request: Request, handle: str, kith: KithDep, member_id: MemberId) -> Response:
    """Write a recommendation for this connection."""
    return _form_page(request, kith, member_id, handle, "write")


@router.post("/in/{handle}/recommendations/{mode}")
def send_form(
    request: Request, handle: str, mode: str, kith: KithDep, member_id: MemberId, values: Form
) -> Response:
    if mode not in ("request", "write"):
        return _form_page(
            request, kith, member_id, handle, "write", error="There is no such page.", status=404
        )
    about = _about(values.get("about", ""))
    relation = values.get("relationship", "")
    try:
        with kith.uow() as ctx:
            viewer = me(ctx, member_id)
            if mode == "request":
                rec = service.request(
                    ctx, viewer, handle, relation, about, values.get("message", "")
                )
            else:
                send = values.get("action", "send") != "draft"
                rec = service.write(
                    ctx, viewer, handle, relation, values.get("body", ""), about, send=send
                )
            rec_id = rec.id
    except KithError as exc:
        if exc.code == "member_not_found":
            raise
        return _form_page(
            request,
            kith,
            member_id,
            handle,
            mode,
            values=values,
            error=exc.message,
            status=exc.status,
        )
    return redirect(request, f"/recommendations/{rec_id}")


@router.get("/in/{handle}/recommendations")
def member_list(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    direction: str = Query("received", max_length=10),
    page: PageNo = 1,
) -> Response:
    """All of a member's recommendations that profiles show, received or given."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        found = profile_page(ctx, viewer, member, direction, page_request(ctx, page))
        nav = nav_for(ctx, viewer)
        context = {
            "member": person(member),
            "own": viewer.id == member.id,
            "direction": direction,
            "items": [card(v) for v in found.items],
            "page": found,
            "base": f"/in/{member.handle}/recommendations?direction={direction}&",
        }
    return render(request, "recommendations/member.html", context, nav=nav)
