"""Relationship pages: the dashboard (follow-ups, due to reconnect, moments), one
person's private record, tiers and tags, the organized connection list, and pruning.
Everything shown is the signed-in member's own data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from kith.errors import Invalid, NotFound
from kith.graph.pages import people
from kith.members.service import view_member
from kith.models import Member
from kith.pagination import PageRequest
from kith.relationships import service
from kith.relationships.schemas import ContactId, FollowUpId, InteractionId, NoteId, TagId, TierId
from kith.runtime import Kith
from kith.web.deps import KithDep, me
from kith.web.params import PageNo, id_in_range
from kith.web.render import MemberId, back_to, nav_for, redirect, render

router = APIRouter()
Text = Annotated[str, Form()]
DASHBOARD_DUE = 10


def _req(kith: Kith, page: int) -> PageRequest:
    s = kith.settings
    return PageRequest.of(page, None, default=s.page_size, maximum=s.max_page_size)


def _days(value: str, *, allow_empty: bool = True) -> int | None:
    value = value.strip()
    if not value and allow_empty:
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(
            "Enter the cadence as a whole number of days.", code="invalid_cadence"
        ) from None


def _optional_id(value: str, code: str, what: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise NotFound(f"There is no such {what}.", code=code) from None
    if not id_in_range(number):
        raise NotFound(f"There is no such {what}.", code=code)
    return number


def _on_day(on: str) -> datetime | None:
    """A logged interaction's calendar day from a form (noon UTC), or None for now."""
    if not on.strip():
        return None
    try:
        day = datetime.strptime(on.strip(), "%Y-%m-%d")  # noqa: DTZ007 - a calendar day
    except ValueError:
        raise Invalid("Enter the date as YYYY-MM-DD.", code="invalid_interaction") from None
    return day.replace(hour=12, tzinfo=UTC)


# -- Dashboard --------------------------------------------------------------------------------


def _initials(name: str) -> str:
    return "".join(w[:1] for w in name.split()[:2]).upper() or "?"


def _contact_card(contact_id: int, name: str, company: str, title: str) -> dict[str, Any]:
    """A private contact in a list: no profile, so the name leads to the private page."""
    at = " at ".join(x for x in (title, company) if x)
    return {
        "private": True,
        "name": name,
        "initials": _initials(name),
        "headline": at,
        "link": f"/relationships/contacts/{contact_id}",
        "actions": f"/relationships/contacts/{contact_id}",
        "row": f"due-contact-{contact_id}",
    }


def _due_cards(ctx: Any, owner: Member, entries: list[service.DueEntry]) -> list[dict[str, Any]]:
    """Cards for the due list: members with their degree badge (one engine call for the
    page), private contacts with what the owner knows of them."""
    members = [e.member for e in entries if e.member is not None]
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
            }
        else:
            assert e.contact_id is not None
            card = _contact_card(e.contact_id, e.name, e.company, e.title)
        out.append({**card, "e": e})
    return out


@router.get("/relationships")
def dashboard(request: Request, kith: KithDep, member_id: MemberId, page: PageNo = 1) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        service.ensure_default_tiers(ctx, owner)
        due = service.due_to_reconnect(ctx, owner, _req(kith, page))
        follow = service.follow_ups(ctx, owner)
        found = service.moments(ctx, owner, limit=12)
        follow_cards = people(ctx, owner, [f.other for f in follow])
        moment_cards = people(ctx, owner, [m.member for m in found])
        context = {
            "due": _due_cards(ctx, owner, due.items),
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
            "kinds": service.INTERACTION_KINDS,
            "snooze_days": ctx.settings.snooze_days,
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/dashboard.html", context, nav=nav)


@router.post("/relationships/follow-ups/{follow_up_id}/dismiss")
def dismiss(
    request: Request, follow_up_id: FollowUpId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        service.dismiss_follow_up(ctx, me(ctx, member_id), follow_up_id)
    return redirect(request, back_to(request, "/relationships"))


# -- One person -------------------------------------------------------------------------------


@router.get("/relationships/people/{handle}")
def person_page(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        other = view_member(ctx, owner, handle)
        service.ensure_default_tiers(ctx, owner)
        view = service.contact_view(ctx, owner, other)
        log = service.interactions(ctx, owner, other, _req(kith, page))
        context = {
            "who": people(ctx, owner, [other])[0],
            "v": view,
            "c": view.contact,
            "tiers": service.list_tiers(ctx, owner),
            "all_tags": [t for t, _ in service.list_tags(ctx, owner)],
            "log": log.items,
            "page": log,
            "base": f"/relationships/people/{other.handle}?",
            "kinds": service.INTERACTION_KINDS,
            "today": ctx.clock.now().date().isoformat(),
            "note_max": ctx.settings.note_max,
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/person.html", context, nav=nav)


def _person_action(
    request: Request, kith: Kith, member_id: int, handle: str, action: Any
) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        other = view_member(ctx, owner, handle)
        action(ctx, owner, other)
    return redirect(request, back_to(request, f"/relationships/people/{other.handle}"))


@router.post("/relationships/people/{handle}/tier")
def set_tier(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, tier_id: Text = ""
) -> Response:
    tid = _optional_id(tier_id, "tier_not_found", "tier")
    return _person_action(
        request, kith, member_id, handle, lambda ctx, o, m: service.set_tier(ctx, o, m, tid)
    )


@router.post("/relationships/people/{handle}/tags")
def add_tag(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, name: Text = ""
) -> Response:
    return _person_action(
        request, kith, member_id, handle, lambda ctx, o, m: service.tag_contact(ctx, o, m, name)
    )


@router.post("/relationships/people/{handle}/tags/{tag_id}/remove")
def remove_tag(
    request: Request, handle: str, tag_id: TagId, kith: KithDep, member_id: MemberId
) -> Response:
    return _person_action(
        request, kith, member_id, handle, lambda ctx, o, m: service.untag_contact(ctx, o, m, tag_id)
    )


@router.post("/relationships/people/{handle}/how-we-met")
def how_we_met(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, text: Text = ""
) -> Response:
    return _person_action(
        request, kith, member_id, handle, lambda ctx, o, m: service.set_how_we_met(ctx, o, m, text)
    )


@router.post("/relationships/people/{handle}/cadence")
def set_cadence(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, days: Text = ""
) -> Response:
    value = _days(days)
    return _person_action(
        request, kith, member_id, handle, lambda ctx, o, m: service.set_cadence(ctx, o, m, value)
    )


@router.post("/relationships/people/{handle}/snooze")
def snooze(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, days: Text = ""
) -> Response:
    value = _days(days)
    return _person_action(
        request, kith, member_id, handle, lambda ctx, o, m: service.snooze(ctx, o, m, value)
    )


@router.post("/relationships/people/{handle}/notes")
def add_note(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    return _person_action(
        request, kith, member_id, handle, lambda ctx, o, m: service.add_note(ctx, o, m, body)
    )


@router.post("/relationships/notes/{note_id}")
def edit_note(
    request: Request, note_id: NoteId, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    with kith.uow() as ctx:
        service.update_note(ctx, me(ctx, member_id), note_id, body)
    return redirect(request, back_to(request, "/relationships"))


@router.post("/relationships/notes/{note_id}/delete")
def delete_note(request: Request, note_id: NoteId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        service.delete_note(ctx, me(ctx, member_id), note_id)
    return redirect(request, back_to(request, "/relationships"))


@router.post("/relationships/people/{handle}/interactions")
def log_interaction(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    kind: Text = "",
    on: Text = "",
    note: Text = "",
) -> Response:
    when = _on_day(on)
    return _person_action(
        request,
        kith,
        member_id,
        handle,
        lambda ctx, o, m: service.log_interaction(
            ctx, o, m, kind, occurred_at=min(when, ctx.clock.now()) if when else None, note=note
        ),
    )


@router.post("/relationships/interactions/{interaction_id}/delete")
def delete_interaction(
    request: Request, interaction_id: InteractionId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        service.delete_interaction(ctx, me(ctx, member_id), interaction_id)
    return redirect(request, back_to(request, "/relationships"))


# -- Tiers and tags ---------------------------------------------------------------------------


@router.get("/relationships/tiers")
def tiers_page(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        service.ensure_default_tiers(ctx, owner)
        counts = service.tier_counts(ctx, owner)
        context = {
            "tiers": [(t, counts.get(t.id, 0)) for t in service.list_tiers(ctx, owner)],
            "tags": service.list_tags(ctx, owner),
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/tiers.html", context, nav=nav)


@router.post("/relationships/tiers")
def create_tier(
    request: Request, kith: KithDep, member_id: MemberId, name: Text = "", days: Text = ""
) -> Response:
    with kith.uow() as ctx:
        service.create_tier(ctx, me(ctx, member_id), name, _days(days))
    return redirect(request, "/relationships/tiers")


@router.post("/relationships/tiers/{tier_id}")
def update_tier(
    request: Request,
    tier_id: TierId,
    kith: KithDep,
    member_id: MemberId,
    name: Text = "",
    days: Text = "",
) -> Response:
    with kith.uow() as ctx:
        service.update_tier(ctx, me(ctx, member_id), tier_id, name=name, cadence_days=_days(days))
    return redirect(request, back_to(request, "/relationships/tiers"))


@router.post("/relationships/tiers/{tier_id}/delete")
def delete_tier(request: Request, tier_id: TierId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        service.delete_tier(ctx, me(ctx, member_id), tier_id)
    return redirect(request, "/relationships/tiers")


@router.post("/relationships/tags")
def create_tag(
    request: Request, kith: KithDep, member_id: MemberId, name: Text = "", days: Text = ""
) -> Response:
    with kith.uow() as ctx:
        service.create_tag(ctx, me(ctx, member_id), name, _days(days))
    return redirect(request, "/relationships/tiers")


@router.post("/relationships/tags/{tag_id}")
def update_tag(
    request: Request,
    tag_id: TagId,
    kith: KithDep,
    member_id: MemberId,
    name: Text = "",
    days: Text = "",
) -> Response:
    with kith.uow() as ctx:
        service.update_tag(ctx, me(ctx, member_id), tag_id, name=name, cadence_days=_days(days))
    return redirect(request, "/relationships/tiers")


@router.post("/relationships/tags/{tag_id}/delete")
def delete_tag(request: Request, tag_id: TagId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        service.delete_tag(ctx, me(ctx, member_id), tag_id)
    return redirect(request, "/relationships/tiers")


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
        service.ensure_default_tiers(ctx, owner)
        flt = service.ContactFilter(
            tag_id=_optional_id(tag, "tag_not_found", "tag"),
            tier_id=_optional_id(tier, "tier_not_found", "tier"),
            company=company[:100],
            industry=industry[:100],
            location=location[:100],
            q=q[:100],
            sort=sort,
        )
        result = service.list_contacts(ctx, owner, flt, _req(kith, page))
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
            "tiers": service.list_tiers(ctx, owner),
            "tags": [t for t, _ in service.list_tags(ctx, owner)],
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
        if action == "tag":
            service.bulk_tag(ctx, owner, chosen, str(form.get("tag", "")))
        elif action == "untag":
            tag_id = _optional_id(str(form.get("tag_id", "")), "tag_not_found", "tag")
            if tag_id is None:
                raise NotFound("Choose a tag to remove.", code="tag_not_found")
            service.bulk_untag(ctx, owner, chosen, tag_id)
        else:
            raise Invalid("Choose what to do with them.", code="invalid")
    return redirect(request, back_to(request, "/relationships/connections"))


# -- Pruning ----------------------------------------------------------------------------------


@router.get("/relationships/prune")
def prune_page(request: Request, kith: KithDep, member_id: MemberId, page: PageNo = 1) -> Response:
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        result = service.prune_suggestions(ctx, owner, _req(kith, page))
        context = {
            "candidates": result.items,
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
        preview = service.removal_preview(ctx, owner, chosen)
        context = {
            "items": preview,
            "explanation": service.PRUNE_EXPLANATION,
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/review.html", context, nav=nav)


@router.post("/relationships/prune")
async def prune(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    handles = await _handles(request)
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        removed = service.remove_connections(ctx, owner, _chosen(ctx, owner, handles))
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
        service.ensure_default_tiers(ctx, owner)
        flt = service.PrivateContactFilter(
            tag_id=_optional_id(tag, "tag_not_found", "tag"),
            tier_id=_optional_id(tier, "tier_not_found", "tier"),
            company=company[:100],
            q=q[:100],
            on_kith=bool(on_kith),
            sort=sort,
        )
        result = service.list_private_contacts(ctx, owner, flt, _req(kith, page))
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
                {**_contact_card(c.id, c.name, c.company, c.title), "c": c} for c in result.items
            ],
            "page": result,
            "base": f"/relationships/contacts?{urlencode(query)}&",
            "f": f,
            "tiers": service.list_tiers(ctx, owner),
            "tags": [t for t, _ in service.list_tags(ctx, owner)],
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
        contact = service.create_private_contact(
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
        found = _optional_id(str(value), "contact_not_found", "contact")
        if found is not None:
            ids.append(found)
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        chosen = service.private_contacts(ctx, owner, ids)
        if action == "tag":
            service.bulk_tag(ctx, owner, chosen, str(form.get("tag", "")))
        elif action == "untag":
            tag_id = _optional_id(str(form.get("tag_id", "")), "tag_not_found", "tag")
            if tag_id is None:
                raise NotFound("Choose a tag to remove.", code="tag_not_found")
            service.bulk_untag(ctx, owner, chosen, tag_id)
        else:
            raise Invalid("Choose what to do with them.", code="invalid")
    return redirect(request, back_to(request, "/relationships/contacts"))


@router.get("/relationships/contacts/{contact_id}")
def contact_page(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        service.ensure_default_tiers(ctx, owner)
        view = service.private_contact_view(ctx, owner, contact_id)
        log = service.interactions(ctx, owner, view.contact, _req(kith, page))
        c = view.contact
        context = {
            "who": _contact_card(c.id, c.name, c.company, c.title),
            "v": view,
            "c": c,
            "on_kith": people(ctx, owner, [view.on_kith])[0] if view.on_kith else None,
            "tiers": service.list_tiers(ctx, owner),
            "all_tags": [t for t, _ in service.list_tags(ctx, owner)],
            "log": log.items,
            "page": log,
            "base": f"/relationships/contacts/{c.id}?",
            "kinds": service.INTERACTION_KINDS,
            "today": ctx.clock.now().date().isoformat(),
            "note_max": ctx.settings.note_max,
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/contact.html", context, nav=nav)


def _contact_action(
    request: Request, kith: Kith, member_id: int, contact_id: int, action: Any
) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        action(ctx, owner, service.get_private_contact(ctx, owner, contact_id))
    return redirect(request, back_to(request, f"/relationships/contacts/{contact_id}"))


@router.post("/relationships/contacts/{contact_id}/details")
def contact_details(
    request: Request,
    contact_id: ContactId,
    kith: KithDep,
    member_id: MemberId,
    name: Text = "",
    email: Text = "",
    company: Text = "",
    title: Text = "",
) -> Response:
    return _contact_action(
        request,
        kith,
        member_id,
        contact_id,
        lambda ctx, o, c: service.update_private_contact(
            ctx, o, c.id, name=name, email=email, company=company, title=title
        ),
    )


@router.post("/relationships/contacts/{contact_id}/delete")
def delete_contact(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        service.delete_private_contact(ctx, me(ctx, member_id), contact_id)
    return redirect(request, "/relationships/contacts")


@router.post("/relationships/contacts/{contact_id}/tier")
def contact_tier(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId, tier_id: Text = ""
) -> Response:
    tid = _optional_id(tier_id, "tier_not_found", "tier")
    return _contact_action(
        request, kith, member_id, contact_id, lambda ctx, o, c: service.set_tier(ctx, o, c, tid)
    )


@router.post("/relationships/contacts/{contact_id}/tags")
def contact_add_tag(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId, name: Text = ""
) -> Response:
    return _contact_action(
        request, kith, member_id, contact_id, lambda ctx, o, c: service.tag_contact(ctx, o, c, name)
    )


@router.post("/relationships/contacts/{contact_id}/tags/{tag_id}/remove")
def contact_remove_tag(
    request: Request, contact_id: ContactId, tag_id: TagId, kith: KithDep, member_id: MemberId
) -> Response:
    return _contact_action(
        request,
        kith,
        member_id,
        contact_id,
        lambda ctx, o, c: service.untag_contact(ctx, o, c, tag_id),
    )


@router.post("/relationships/contacts/{contact_id}/how-we-met")
def contact_how_we_met(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId, text: Text = ""
) -> Response:
    return _contact_action(
        request,
        kith,
        member_id,
        contact_id,
        lambda ctx, o, c: service.set_how_we_met(ctx, o, c, text),
    )


@router.post("/relationships/contacts/{contact_id}/cadence")
def contact_cadence(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId, days: Text = ""
) -> Response:
    value = _days(days)
    return _contact_action(
        request,
        kith,
        member_id,
        contact_id,
        lambda ctx, o, c: service.set_cadence(ctx, o, c, value),
    )


@router.post("/relationships/contacts/{contact_id}/snooze")
def contact_snooze(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId, days: Text = ""
) -> Response:
    value = _days(days)
    return _contact_action(
        request, kith, member_id, contact_id, lambda ctx, o, c: service.snooze(ctx, o, c, value)
    )


@router.post("/relationships/contacts/{contact_id}/notes")
def contact_add_note(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    return _contact_action(
        request, kith, member_id, contact_id, lambda ctx, o, c: service.add_note(ctx, o, c, body)
    )


@router.post("/relationships/contacts/{contact_id}/interactions")
def contact_log_interaction(
    request: Request,
    contact_id: ContactId,
    kith: KithDep,
    member_id: MemberId,
    kind: Text = "",
    on: Text = "",
    note: Text = "",
) -> Response:
    when = _on_day(on)
    return _contact_action(
        request,
        kith,
        member_id,
        contact_id,
        lambda ctx, o, c: service.log_interaction(
            ctx, o, c, kind, occurred_at=min(when, ctx.clock.now()) if when else None, note=note
        ),
    )
