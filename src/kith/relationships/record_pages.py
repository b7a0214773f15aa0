"""One person's private record as pages: a connection
(``/relationships/people/{handle}``) or a private contact
(``/relationships/contacts/{contact_id}``). Each form on the record (tier, tags, how we
met, cadence, snooze, notes, interactions) posts to an action written once and routed
for both; it returns to the page it came from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.clock import day_text
from kith.graph.cards import people
from kith.members.service import view_member
from kith.models import Contact, Member
from kith.relationships import contacts, interactions, records, tiers_tags
from kith.relationships.forms import Text, contact_card, day_count, on_day, optional_id
from kith.relationships.routing import Operation, PersonPath, route_both
from kith.relationships.schemas import ContactId, InteractionId, NoteId, TagId
from kith.relationships.subject import Subject, resolve_person
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import MemberId, back_to, nav_for, redirect, render

router = APIRouter()
PEOPLE = PersonPath("/relationships/people/{handle}", "handle", str)
CONTACTS = PersonPath("/relationships/contacts/{contact_id}", "contact_id", ContactId)


def record_page(person: records.Person) -> str:
    """Where the record about ``person`` is shown."""
    if isinstance(person, Contact):
        return f"/relationships/contacts/{person.id}"
    return f"/relationships/people/{person.handle}"


def _recent_days(today: date, count: int = 60) -> list[tuple[str, str]]:
    """The days an interaction can be logged on from the page, newest first, as
    (``YYYY-MM-DD``, what the member reads); the API takes any past day."""
    named = {0: "Today", 1: "Yesterday"}
    out = []
    for back in range(count):
        day = today - timedelta(days=back)
        label = named.get(back, f"{day:%a} {day_text(day)}")
        out.append((day.isoformat(), label))
    return out


def _record_context(
    ctx: Ctx, kith: Kith, owner: Member, person: records.Person, page: int
) -> dict[str, Any]:
    """What both record pages show besides who the person is: the forms' choices and
    one page of the interaction log."""
    log = interactions.interactions(ctx, owner, person, page_request(kith, page))
    return {
        "tiers": tiers_tags.list_tiers(ctx, owner),
        "all_tags": [t for t, _ in tiers_tags.list_tags(ctx, owner)],
        "log": log.items,
        "page": log,
        "base": f"{record_page(person)}?",
        "kinds": interactions.INTERACTION_KINDS,
        "days": _recent_days(ctx.clock.now().date()),
        "note_max": ctx.settings.note_max,
    }


@router.get("/relationships/people/{handle}")
def person_page(
    request: Request, handle: str, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        other = view_member(ctx, owner, handle)
        tiers_tags.ensure_default_tiers(ctx, owner)
        view = records.contact_view(ctx, owner, other)
        context = {
            **_record_context(ctx, kith, owner, other, page),
            "who": people(ctx, owner, [other])[0],
            "v": view,
            "c": view.contact,
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/person.html", context, nav=nav)


@router.get("/relationships/contacts/{contact_id}")
def contact_page(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tiers_tags.ensure_default_tiers(ctx, owner)
        view = contacts.private_contact_view(ctx, owner, contact_id)
        c = view.contact
        context = {
            **_record_context(ctx, kith, owner, c, page),
            "who": contact_card(c.id, c.name, c.company, c.title),
            "v": view,
            "c": c,
            "on_kith": people(ctx, owner, [view.on_kith])[0] if view.on_kith else None,
        }
        nav = nav_for(ctx, owner)
    return render(request, "relationships/contact.html", context, nav=nav)


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
    with kith.uow() as ctx:
        contacts.update_private_contact(
            ctx,
            me(ctx, member_id),
            contact_id,
            name=name,
            email=email,
            company=company,
            title=title,
        )
    return redirect(request, back_to(request, f"/relationships/contacts/{contact_id}"))


@router.post("/relationships/contacts/{contact_id}/delete")
def delete_contact(
    request: Request, contact_id: ContactId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        contacts.delete_private_contact(ctx, me(ctx, member_id), contact_id)
    return redirect(request, "/relationships/contacts")


# -- Actions on the record, for both ----------------------------------------------------------

Action = Callable[[Ctx, Member, records.Person], object]


def _act(
    request: Request, kith: Kith, member_id: int, subject: Subject, action: Action
) -> Response:
    """Resolve whom the form is about, act, and go back to their page."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        person = resolve_person(ctx, owner, subject)
        action(ctx, owner, person)
        target = record_page(person)
    return redirect(request, back_to(request, target))


def set_tier(
    request: Request, subject: Subject, kith: KithDep, member_id: MemberId, tier_id: Text = ""
) -> Response:
    tid = optional_id(tier_id, "tier_not_found", "tier")
    return _act(request, kith, member_id, subject, lambda c, o, p: records.set_tier(c, o, p, tid))


def add_tag(
    request: Request, subject: Subject, kith: KithDep, member_id: MemberId, name: Text = ""
) -> Response:
    return _act(
        request, kith, member_id, subject, lambda c, o, p: records.tag_contact(c, o, p, name)
    )


def remove_tag(
    request: Request, subject: Subject, tag_id: TagId, kith: KithDep, member_id: MemberId
) -> Response:
    return _act(
        request, kith, member_id, subject, lambda c, o, p: records.untag_contact(c, o, p, tag_id)
    )


def how_we_met(
    request: Request, subject: Subject, kith: KithDep, member_id: MemberId, text: Text = ""
) -> Response:
    return _act(
        request, kith, member_id, subject, lambda c, o, p: records.set_how_we_met(c, o, p, text)
    )


def set_cadence(
    request: Request, subject: Subject, kith: KithDep, member_id: MemberId, days: Text = ""
) -> Response:
    value = day_count(days)
    return _act(
        request, kith, member_id, subject, lambda c, o, p: records.set_cadence(c, o, p, value)
    )


def snooze(
    request: Request, subject: Subject, kith: KithDep, member_id: MemberId, days: Text = ""
) -> Response:
    value = day_count(days)
    return _act(request, kith, member_id, subject, lambda c, o, p: records.snooze(c, o, p, value))


def add_note(
    request: Request, subject: Subject, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    return _act(request, kith, member_id, subject, lambda c, o, p: records.add_note(c, o, p, body))


def log_interaction(
    request: Request,
    subject: Subject,
    kith: KithDep,
    member_id: MemberId,
    kind: Text = "",
    on: Text = "",
    note: Text = "",
) -> Response:
    when = on_day(on)
    return _act(
        request,
        kith,
        member_id,
        subject,
        lambda c, o, p: interactions.log_interaction(
            c, o, p, kind, occurred_at=min(when, c.clock.now()) if when else None, note=note
        ),
    )


for path, endpoint, person_name, contact_name in (
    ("/tier", set_tier, "set_tier", "contact_tier"),
    ("/tags", add_tag, "add_tag", "contact_add_tag"),
    ("/tags/{tag_id}/remove", remove_tag, "remove_tag", "contact_remove_tag"),
    ("/how-we-met", how_we_met, "how_we_met", "contact_how_we_met"),
    ("/cadence", set_cadence, "set_cadence", "contact_cadence"),
    ("/snooze", snooze, "snooze", "contact_snooze"),
    ("/notes", add_note, "add_note", "contact_add_note"),
    ("/interactions", log_interaction, "log_interaction", "contact_log_interaction"),
):
    route_both(
        router,
        "POST",
        path,
        endpoint,
        shapes=((PEOPLE, Operation(person_name)), (CONTACTS, Operation(contact_name))),
    )


# -- Notes and interactions by their own id ---------------------------------------------------


@router.post("/relationships/notes/{note_id}")
def edit_note(
    request: Request, note_id: NoteId, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    with kith.uow() as ctx:
        records.update_note(ctx, me(ctx, member_id), note_id, body)
    return redirect(request, back_to(request, "/relationships"))


@router.post("/relationships/notes/{note_id}/delete")
def delete_note(request: Request, note_id: NoteId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        records.delete_note(ctx, me(ctx, member_id), note_id)
    return redirect(request, back_to(request, "/relationships"))


@router.post("/relationships/interactions/{interaction_id}/delete")
def delete_interaction(
    request: Request, interaction_id: InteractionId, kith: KithDep, member_id: MemberId
) -> Response:
    with kith.uow() as ctx:
        interactions.delete_interaction(ctx, me(ctx, member_id), interaction_id)
    return redirect(request, back_to(request, "/relationships"))
