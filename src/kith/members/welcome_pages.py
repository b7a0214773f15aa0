"""The welcome sequence after sign-up (``/welcome``): photo and headline, current
position, bringing one's network, first people to connect with. Each step is one
small page, skippable; saving moves on with a confirmation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kith.errors import Invalid, KithError
from kith.graph.cards import person
from kith.members import onboarding
from kith.members.pages import MONTHS
from kith.models import Member
from kith.search import suggestions
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.render import MemberId, nav_for, render

router = APIRouter()

Text = Annotated[str, Form()]
SAVED = {
    "photo": "Your headline is saved.",
    "position": "Your current position is saved.",
}


def _page(
    request: Request,
    ctx: Ctx,
    member: Member,
    key: str,
    extra: dict[str, Any] | None = None,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    all_steps = onboarding.steps(ctx, member)
    index = onboarding.KEYS.index(key)
    context: dict[str, Any] = {
        "steps": all_steps,
        "step": all_steps[index],
        "number": index + 1,
        "total": len(all_steps),
        "next_path": onboarding.after(key),
        "back_path": onboarding.before(key),
        "last": index + 1 == len(all_steps),
        "saved": SAVED.get(request.query_params.get("saved", "")),
        "error": error,
        "first_name": member.first_name,
        **(extra or {}),
    }
    return render(
        request, f"members/welcome_{key}.html", context, nav=nav_for(ctx, member), status=status
    )


@router.get("/welcome")
def welcome(kith: KithDep, member_id: MemberId) -> Response:
    """The start of the sequence: the first step the profile does not answer yet."""
    with kith.uow(write=False) as ctx:
        step = onboarding.first_open_step(ctx, me(ctx, member_id))
    return RedirectResponse(step.path, status_code=303)


# -- 1. Photo and headline --------------------------------------------------------------


@router.get("/welcome/photo")
def photo_step(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return _page(request, ctx, member, "photo", {"headline": member.headline})


@router.post("/welcome/photo")
def save_photo_step(
    request: Request, kith: KithDep, member_id: MemberId, headline: Text = ""
) -> Response:
    try:
        with kith.uow() as ctx:
            onboarding.save_headline(ctx, me(ctx, member_id), headline)
    except KithError as exc:
        with kith.uow(write=False) as ctx:
            member = me(ctx, member_id)
            return _page(
                request,
                ctx,
                member,
                "photo",
                {"headline": headline},
                error=exc.message,
                status=exc.status,
            )
    return RedirectResponse(f"{onboarding.after('photo')}?saved=photo", status_code=303)


# -- 2. Current position ----------------------------------------------------------------


def _position_form(member: Member, values: dict[str, str] | None = None) -> dict[str, Any]:
    current = [p for p in member.positions if p.is_current]
    return {
        "form": values or {"title": "", "company": "", "start_month": "", "start_year": ""},
        "months": list(enumerate(MONTHS, start=1)),
        "current": [{"title": p.title, "company": p.company.name} for p in current],
    }


def _year(value: str) -> int:
    value = value.strip()
    if not value:
        raise Invalid("A position needs a start year.", code="invalid_position")
    if not value.isdigit():
        raise Invalid(f"Position: '{value}' is not a number.", code="invalid_position")
    return int(value)


def _month(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid(f"Position: '{value}' is not a number.", code="invalid_position")
    return int(value)


@router.get("/welcome/position")
def position_step(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return _page(request, ctx, member, "position", _position_form(member))


@router.post("/welcome/position")
def save_position_step(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    title: Text = "",
    company: Text = "",
    start_month: Text = "",
    start_year: Text = "",
) -> Response:
    values = {
        "title": title,
        "company": company,
        "start_month": start_month,
        "start_year": start_year,
    }
    try:
        with kith.uow() as ctx:
            onboarding.add_current_position(
                ctx,
                me(ctx, member_id),
                title=title,
                company=company,
                start_year=_year(start_year),
                start_month=_month(start_month),
            )
    except KithError as exc:
        with kith.uow(write=False) as ctx:
            member = me(ctx, member_id)
            return _page(
                request,
                ctx,
                member,
                "position",
                _position_form(member, values),
                error=exc.message,
                status=exc.status,
            )
    return RedirectResponse(f"{onboarding.after('position')}?saved=position", status_code=303)


# -- 3. Bring your network --------------------------------------------------------------


@router.get("/welcome/network")
def network_step(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return _page(request, ctx, member, "network")


# -- 4. People you may know -------------------------------------------------------------


@router.get("/welcome/people")
def people_step(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:  # showing suggestions records that they were shown
        member = me(ctx, member_id)
        found = suggestions.people_you_may_know(
            ctx, member, limit=ctx.settings.onboarding_suggestions
        )
        people = [
            {**person(s.member, s.badge), "action": "connect", "reasons": s.reasons[:1]}
            for s in found
        ]
        return _page(request, ctx, member, "people", {"people": people})
