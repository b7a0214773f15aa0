"""REST endpoints for skill endorsements: a member's skills with their proof, who
endorsed one, endorsing and taking back, and the recipient's choices."""

from __future__ import annotations

from fastapi import APIRouter

from kith.endorsements import service, views
from kith.endorsements.schemas import (
    EndorsementCount,
    EndorsementId,
    EndorsementSettingsIn,
    EndorsementSettingsOut,
    EndorserOut,
    EndorserPage,
    HiddenOut,
    SkillClosedIn,
    SkillClosedOut,
    SkillId,
    SkillsOut,
    TopSkillsIn,
    TopSkillsOut,
)
from kith.members.service import view_member
from kith.members.summaries import summarize
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(tags=["endorsements"])


@router.get("/members/{handle}/skills")
def member_skills(handle: str, kith: KithDep, member_id: ApiMemberId) -> SkillsOut:
    """A member's skills: top skills first, each with its count (endorsements from the
    member's current connections) and the proof that matters to you."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        view = views.skills_view(ctx, viewer, member, proofs=None)
        named = list({m.id: m for s in view.skills for m in s.known}.values())
        known = dict(zip((m.id for m in named), summarize(ctx, viewer, named), strict=True))
        return SkillsOut.of(view, known)


@router.get("/members/{handle}/skills/{skill_id}/endorsements")
def skill_endorsers(
    handle: str,
    skill_id: SkillId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> EndorserPage:
    """Who endorsed one skill: you, then your 1st degree, 2nd, 3rd and the rest."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        name, found = views.endorsers(
            ctx, viewer, member, skill_id, page_request(ctx, page, per_page)
        )
        people = summarize(ctx, viewer, [e.member for e in found.items])
        items = [EndorserOut.of(e, s) for e, s in zip(found.items, people, strict=True)]
        return EndorserPage.of(found, items, skill=name)


@router.post("/members/{handle}/skills/{skill_id}/endorsements")
def endorse(
    handle: str, skill_id: SkillId, kith: KithDep, member_id: ApiMemberId
) -> EndorsementCount:
    """Endorse one of a connection's skills (again is not an error). Refusals:
    ``not_connected``, ``skill_not_found``, ``endorsements_off``, ``cannot_endorse_self``."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        count = service.endorse(ctx, viewer, member, skill_id)
        return EndorsementCount(skill_id=skill_id, count=count, endorsed_by_you=True)


@router.delete("/members/{handle}/skills/{skill_id}/endorsements")
def unendorse(
    handle: str, skill_id: SkillId, kith: KithDep, member_id: ApiMemberId
) -> EndorsementCount:
    """Take back your endorsement (nothing to take back is not an error)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        member = view_member(ctx, viewer, handle)
        count = service.unendorse(ctx, viewer, member, skill_id)
        return EndorsementCount(skill_id=skill_id, count=count, endorsed_by_you=False)


@router.put("/me/skills/top")
def set_top_skills(body: TopSkillsIn, kith: KithDep, member_id: ApiMemberId) -> TopSkillsOut:
    """Pin up to three of your skills, in this order (an empty list unpins them)."""
    with kith.uow() as ctx:
        pinned = service.set_top_skills(ctx, me(ctx, member_id), body.skill_ids)
        return TopSkillsOut(skill_ids=pinned)


@router.put("/me/skills/{skill_id}/closed")
def close_skill(
    skill_id: SkillId, body: SkillClosedIn, kith: KithDep, member_id: ApiMemberId
) -> SkillClosedOut:
    """Close one of your skills to endorsements, or open it again."""
    with kith.uow() as ctx:
        service.set_skill_closed(ctx, me(ctx, member_id), skill_id, body.closed)
        return SkillClosedOut(skill_id=skill_id, closed=body.closed)


@router.post("/me/endorsements/{endorsement_id}/hide")
def hide_endorsement(
    endorsement_id: EndorsementId, kith: KithDep, member_id: ApiMemberId
) -> HiddenOut:
    """Hide one endorsement you received (shown to you alone)."""
    with kith.uow() as ctx:
        found = service.set_hidden(ctx, me(ctx, member_id), endorsement_id, True)
        return HiddenOut(id=found.id, hidden=True)


@router.delete("/me/endorsements/{endorsement_id}/hide")
def show_endorsement(
    endorsement_id: EndorsementId, kith: KithDep, member_id: ApiMemberId
) -> HiddenOut:
    """Show a hidden endorsement again."""
    with kith.uow() as ctx:
        found = service.set_hidden(ctx, me(ctx, member_id), endorsement_id, False)
        return HiddenOut(id=found.id, hidden=False)


@router.get("/me/endorsement-settings")
def endorsement_settings(kith: KithDep, member_id: ApiMemberId) -> EndorsementSettingsOut:
    """Whether you receive endorsements."""
    with kith.uow(write=False) as ctx:
        return EndorsementSettingsOut(receiving=service.receiving(ctx, member_id))


@router.put("/me/endorsement-settings")
def set_endorsement_settings(
    body: EndorsementSettingsIn, kith: KithDep, member_id: ApiMemberId
) -> EndorsementSettingsOut:
    """Stop or start receiving endorsements (those received stay)."""
    with kith.uow() as ctx:
        on = service.set_receiving(ctx, me(ctx, member_id), body.receiving)
        return EndorsementSettingsOut(receiving=on)
