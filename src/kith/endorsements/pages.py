"""Pages for endorsements: a member's skills page, who endorsed one skill, the endorse
button on a connection's profile (htmx, answered in place with the count), and the
recipient's choices (top skills, closing a skill, hiding one endorsement, receiving)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from kith.endorsements import prompts, service, views
from kith.endorsements.schemas import EndorsementId, SkillId
from kith.errors import Invalid
from kith.graph.cards import people
from kith.members.service import view_member
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import MAX_ID, PageNo
from kith.web.render import MemberId, back_to, is_htmx, nav_for, redirect, render

router = APIRouter()

Switch = Annotated[str, Form(max_length=10)]
MAX_FORM_SKILLS = 10


@router.get("/in/{handle}/skills")
def skills_page(request: Request, handle: str, kith: KithDep, member_id: MemberId) -> Response:
    """All of a member's skills with their counts and proof; for the member, their
    choices (top skills, closed skills, receiving endorsements)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        context = {"s": views.skills_context(ctx, viewer, member, proofs=None), "name": member.name}
        nav = nav_for(ctx, viewer)
    return render(request, "endorsements/skills.html", context, nav=nav)


@router.get("/in/{handle}/skills/{skill_id}")
def endorsers_page(
    request: Request,
    handle: str,
    skill_id: SkillId,
    kith: KithDep,
    member_id: MemberId,
    page: PageNo = 1,
) -> Response:
    """Who endorsed one skill, with degree badges, paged."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        name, found = views.endorsers(ctx, viewer, member, skill_id, page_request(ctx, page))
        cards = people(ctx, viewer, [e.member for e in found.items])
        items = [
            {"c": card, "id": e.endorsement_id, "hidden": e.hidden}
            for card, e in zip(cards, found.items, strict=True)
        ]
        context = {
            "skill": name,
            "skill_id": skill_id,
            "handle": member.handle,
            "name": member.name,
            "own": viewer.id == member.id,
            "items": items,
            "page": found,
            "base": f"/in/{member.handle}/skills/{skill_id}?",
        }
        nav = nav_for(ctx, viewer)
    return render(request, "endorsements/endorsers.html", context, nav=nav)


@router.post("/in/{handle}/skills/{skill_id}/endorse")
def endorse(
    request: Request,
    handle: str,
    skill_id: SkillId,
    kith: KithDep,
    member_id: MemberId,
    on: Switch = "",
) -> Response:
    """Endorse (``on``) or take back; htmx gets the skill back in place with its count."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        if on:
            service.endorse(ctx, viewer, member, skill_id)
        else:
            service.unendorse(ctx, viewer, member, skill_id)
        if not is_htmx(request):
            return redirect(request, back_to(request, f"/in/{member.handle}"))
        view = views.skills_view(ctx, viewer, member, proofs=None)
        line = next(s for s in view.skills if s.skill_id == skill_id)
        context = {
            "skill": views.skill_context(line),
            "handle": member.handle,
            "first_name": member.first_name,
            "can_endorse": view.can_endorse,
            "own": False,
            "proof_shown": bool(line.count),
        }
        said = (
            f"You endorsed {member.first_name} for {line.name}" if on else "Endorsement taken back"
        )
    return render(request, "endorsements/_skill.html", context, toast=said)


@router.post("/me/endorsement-prompts")
def answer_prompt(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    handle: Annotated[str, Form(max_length=60)],
    skill: Annotated[int, Form(ge=1, le=MAX_ID)],
    answer: Switch = "",
) -> Response:
    """ "Does Ana know Python?": yes endorses, no puts the question away for good."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        other = view_member(ctx, viewer, handle)
        said = prompts.answer(ctx, viewer, other, skill, answer == "yes")
    if not is_htmx(request):
        return redirect(request, back_to(request, "/relationships"))
    return render(request, "endorsements/_answered.html", {"said": said}, toast=said)


async def _skill_ids(request: Request) -> list[int]:
    form = await request.form()
    values = [str(v) for v in form.getlist("skill")]
    if len(values) > MAX_FORM_SKILLS or not all(v.isdigit() and len(v) < 11 for v in values):
        raise Invalid("Choose skills from your profile.", code="skill_not_found")
    return [int(v) for v in values]


@router.post("/me/skills/top")
async def set_top(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    """Pin, unpin or reorder one's top skills (the whole list, in order)."""
    chosen = await _skill_ids(request)
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.set_top_skills(ctx, member, chosen)
        handle = member.handle
    return redirect(request, f"/in/{handle}/skills")


@router.post("/me/skills/{skill_id}/closed")
def close_skill(
    request: Request, skill_id: SkillId, kith: KithDep, member_id: MemberId, closed: Switch = ""
) -> Response:
    """Close one of one's skills to endorsements, or open it again."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.set_skill_closed(ctx, member, skill_id, bool(closed))
        handle = member.handle
    return redirect(request, f"/in/{handle}/skills")


@router.post("/me/endorsements/{endorsement_id}/hidden")
def hide(
    request: Request,
    endorsement_id: EndorsementId,
    kith: KithDep,
    member_id: MemberId,
    hidden: Switch = "",
) -> Response:
    """Hide one endorsement one received, or show it again."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        found = service.set_hidden(ctx, member, endorsement_id, bool(hidden))
        target = f"/in/{member.handle}/skills/{found.skill_id}"
    return redirect(request, back_to(request, target))


@router.post("/me/endorsement-settings")
def receiving(request: Request, kith: KithDep, member_id: MemberId, on: Switch = "") -> Response:
    """Stop or start receiving endorsements."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.set_receiving(ctx, member, bool(on))
        handle = member.handle
    return redirect(request, f"/in/{handle}/skills")
