"""Relationship pages: the dashboard (follow-ups, due to reconnect, moments), the
organized connection list, pruning and the list of private contacts; tiers and tags are
in :mod:`kith.relationships.tiers_pages`, one person's record in
:mod:`kith.relationships.record_pages`. Everything shown is the
signed-in member's own data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from kith.connections.queries import connection_count
from kith.endorsements.prompts import prompts
from kith.endorsements.views import prompts_context
from kith.errors import Invalid, NotFound
from kith.graph.cards import people
from kith.members.service import view_member
from kith.models import Member
from kith.relationships import (
    connection_list,
    contacts,
    interactions,
    posting,
    posting_pages,
    pruning,
    reconnect,
    record_pages,
    records,
    tiers_pages,
    tiers_tags,
)
from kith.relationships.forms import Text, contact_card, initials, optional_id
from kith.relationships.schemas import FollowUpId
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, back_to, nav_for, redirect, render

router = APIRouter()
DASHBOARD_DUE = 10


# -- Dashboard --------------------------------------------------------------------------------


def _due_cards(ctx: Any, owner: Member, entries: list[reconnect.DueEntry]) -> list[dict[str, Any]]:
    """Cards for the due list: members with their degree badge (one engine call for the
    page) and their latest post the owner may read, private contacts with what the owner
    knows of them."""
    members = [e.member for e in entries if e.member is not None]
    recent = posting.recent_posts(ctx, owner, entries)
    cards = {m.id: card for m, card in zip(members, people(ctx, owner, members), strict=True)}
    out = []
    for e in entries:
        if e.member is not None:
            handle = e.member.handle
            card = {
                **cards[e.member.id],
                "private": False,
                "actions": f"/relationships/people/{handle}",
                "row": f"due-{handle}",
                "recent": recent.get(e.member.id),
            }
        else:
            assert e.contact_id is not None
            card = contact_card(e.contact_id, e.name, e.company, e.title)
        out.append({**card, "e": e})
    return out


@router.get("/relationships")
def dashboard(request: Request, kith: KithDep, member_id: MemberId, page: PageNo = 1) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tiers_tags.ensure_default_tiers(ctx, owner)
        due = reconnect.due_to_reconnect(ctx, owner, page_request(kith, page))
        follow = reconnect.follow_ups(ctx, owner)
        found = reconnect.moments(ctx, owner, limit=12)
        own = posting.own_moments(ctx, owner)
        follow_cards = people(ctx, owner, [f.other for f in follow])
        moment_cards = people(ctx, owner, [m.member for m in found])
        context = {
            "due": _due_cards(ctx, owner, due.items),
            "endorse_prompts": prompts_context(
                prompts(ctx, owner, [e.member for e in due.items if e.member is not None])
            ),
            "page": due,
            "base": "/relationships?",
            "follow_ups": [{**card, "f": f} for f, card in zip(follow, follow_cards, strict=True)],
            "moments": [
                {
                    **card,
                    "m": m,
                    "link": f"/messages/with/{m.member.handle}?text={quote(m.suggestion)}",
                }
                for m, card in zip(found, moment_cards, strict=True)
            ],
            "own_moments": own,
            "kinds": interactions.INTERACTION_KINDS,
            "snooze_days": ctx.settings.snooze_days,
            "has_connections": connection_count(ctx.session, owner.id) > 0,
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/dashboard.html", context, nav=nav)


@router.post("/relationships/follow-ups/{follow_up_id}/dismiss")
def dismiss(
    request: Request, follow_up_id: FollowUpId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        reconnect.dismiss_follow_up(ctx, me(ctx, member_id), follow_up_id)
    return redirect(request, back_to(request, "/relationships"))


# Tiers and tags: cards edited in place.
router.include_router(tiers_pages.router)
# Sharing one's news as a post; congratulations as comments.
router.include_router(posting_pages.router)


# -- My connections, organized ----------------------------------------------------------------


@router.get("/relationships/connections")
def organized(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    page: PageNo = 1,
    tag: str = "",
    tier: str = "",
    company: str = "",
    industry: str = "",
    location: str = "",
    q: str = "",
    sort: str = "name",
) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tiers_tags.ensure_default_tiers(ctx, owner)
        flt = connection_list.ContactFilter(
            tag_id=optional_id(tag, "tag_not_found", "tag"),
            tier_id=optional_id(tier, "tier_not_found", "tier"),
            company=company[:100],
            industry=industry[:100],
            location=location[:100],
            q=q[:100],
            sort=sort,
        )
        result = connection_list.list_contacts(ctx, owner, flt, page_request(kith, page))
        cards = people(ctx, owner, [r.member for r in result.items])
        query = {
            k: v
            for k, v in {
                "tag": tag,
                "tier": tier,
                "company": company,
                "industry": industry,
                "location": location,
                "q": q,
                "sort": sort,
            }.items()
            if v
        }
        context = {
            "rows": [{**card, "r": r} for r, card in zip(result.items, cards, strict=True)],
            "page": result,
            "base": f"/relationships/connections?{urlencode(query)}&",
            "f": {
                "tag": tag,
                "tier": tier,
                "company": company,
                "industry": industry,
                "location": location,
                "q": q,
                "sort": sort,
            },
            "tiers": tiers_tags.list_tiers(ctx, owner),
            "tags": [t for t, _ in tiers_tags.list_tags(ctx, owner)],
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/connections.html", context, nav=nav)


async def _handles(request: Request) -> list[str]:
    form = await request.form()
    return [str(v) for v in form.getlist("handle") if str(v).strip()]


def _chosen(ctx: Any, owner: Member, handles: list[str]) -> list[Member]:
    if not handles:
        raise Invalid("Choose at least one connection.", code="nothing_selected")
    return [view_member(ctx, owner, h) for h in dict.fromkeys(handles)]


def _tag_chosen(
    ctx: Ctx, owner: Member, chosen: Sequence[records.Person], action: str, form: FormData
) -> None:
    """The bulk bar's tag or untag, on the chosen connections or private contacts."""
    if action == "tag":
        records.bulk_tag(ctx, owner, chosen, str(form.get("tag", "")))
    elif action == "untag":
        tag_id = optional_id(str(form.get("tag_id", "")), "tag_not_found", "tag")
        if tag_id is None:
            raise NotFound("Choose a tag to remove.", code="tag_not_found")
        records.bulk_untag(ctx, owner, chosen, tag_id)
    else:
        raise Invalid("Choose what to do with them.", code="invalid")


@router.post("/relationships/connections/bulk")
async def bulk(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    """Tag, untag or review the removal of the chosen connections."""
    form = await request.form()
    action = str(form.get("action", ""))
    handles = await _handles(request)
    if action == "remove":
        return redirect(
            request, "/relationships/prune/review?" + urlencode([("handle", h) for h in handles])
        )
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        chosen = _chosen(ctx, owner, handles)
        _tag_chosen(ctx, owner, chosen, action, form)
    return redirect(request, back_to(request, "/relationships/connections"))


# -- Pruning ----------------------------------------------------------------------------------


@router.get("/relationships/prune")
def prune_page(request: Request, kith: KithDep, member_id: MemberId, page: PageNo = 1) -> Response:
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        result = pruning.prune_suggestions(ctx, owner, page_request(kith, page))
        context = {
            "candidates": result.items,
            "who": {c.member_id: {"initials": initials(c.name)} for c in result.items},
            "page": result,
            "base": "/relationships/prune?",
            "dormant_months": round(ctx.settings.dormant_days / 30.44),
            "removed": request.query_params.get("removed", ""),
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/prune.html", context, nav=nav)


@router.get("/relationships/prune/review")
def prune_review(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    """The confirmation: exactly what goes, for each chosen connection."""
    handles = [h for h in request.query_params.getlist("handle") if h.strip()]
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        chosen = _chosen(ctx, owner, handles)
        preview = pruning.removal_preview(ctx, owner, chosen)
        context = {
            "items": preview,
            "explanation": pruning.PRUNE_EXPLANATION,
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/review.html", context, nav=nav)


@router.post("/relationships/prune")
async def prune(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    handles = await _handles(request)
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        removed = pruning.remove_connections(ctx, owner, _chosen(ctx, owner, handles))
    return redirect(request, f"/relationships/prune?removed={removed}")


# -- Private contacts -------------------------------------------------------------------------


@router.get("/relationships/contacts")
def contacts_page(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    page: PageNo = 1,
    tag: str = "",
    tier: str = "",
    company: str = "",
    q: str = "",
    on_kith: str = "",
    sort: str = "name",
) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tiers_tags.ensure_default_tiers(ctx, owner)
        flt = contacts.PrivateContactFilter(
            tag_id=optional_id(tag, "tag_not_found", "tag"),
            tier_id=optional_id(tier, "tier_not_found", "tier"),
            company=company[:100],
            q=q[:100],
            on_kith=bool(on_kith),
            sort=sort,
        )
        result = contacts.list_private_contacts(ctx, owner, flt, page_request(kith, page))
        f = {
            "tag": tag,
            "tier": tier,
            "company": company,
            "q": q,
            "on_kith": "1" if on_kith else "",
            "sort": sort,
        }
        query = {k: v for k, v in f.items() if v}
        context = {
            "rows": [
                {**contact_card(c.id, c.name, c.company, c.title), "c": c} for c in result.items
            ],
            "page": result,
            "base": f"/relationships/contacts?{urlencode(query)}&",
            "f": f,
            "tiers": tiers_tags.list_tiers(ctx, owner),
            "tags": [t for t, _ in tiers_tags.list_tags(ctx, owner)],
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/contacts.html", context, nav=nav)


@router.post("/relationships/contacts")
def create_contact(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    name: Text = "",
    email: Text = "",
    company: Text = "",
    title: Text = "",
) -> Response:
    with kith.uow() as ctx:
        contact = contacts.create_private_contact(
            ctx, me(ctx, member_id), name=name, email=email, company=company, title=title
        )
        target = f"/relationships/contacts/{contact.id}"
    return redirect(request, target)


@router.post("/relationships/contacts/bulk")
async def contacts_bulk(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    """Tag or untag the chosen private contacts."""
    form = await request.form()
    action = str(form.get("action", ""))
    ids = []
    for value in form.getlist("contact"):
        found = optional_id(str(value), "contact_not_found", "contact")
        if found is not None:
            ids.append(found)
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        chosen = contacts.private_contacts(ctx, owner, ids)
        _tag_chosen(ctx, owner, chosen, action, form)
    return redirect(request, back_to(request, "/relationships/contacts"))


# One person's record: a connection or a private contact.
router.include_router(record_pages.router)
