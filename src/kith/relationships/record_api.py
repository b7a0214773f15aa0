"""REST endpoints for one person's private record: a connection
(``/relationships/people/{handle}``) or a private contact
(``/relationships/contacts/{contact_id}``). Each action on the record (tier, how we
met, cadence, snooze, tags, notes, interactions) is written once and routed for both;
what the two kinds of person show differs (:class:`ContactOut`,
:class:`PrivateContactOut`)."""

from __future__ import annotations

from fastapi import APIRouter, status

from kith.members.service import view_member
from kith.models import Contact, Member
from kith.relationships import contacts, interactions, records
from kith.relationships.routing import Operation, PersonPath, route_both
from kith.relationships.schemas import (
    ContactId,
    ContactOut,
    ContactUpdate,
    InteractionId,
    InteractionIn,
    InteractionOut,
    InteractionPage,
    NoteId,
    NoteIn,
    NoteOut,
    PrivateContactOut,
    PrivateContactUpdate,
    SnoozeIn,
    TagAssign,
    TagId,
    TagRef,
)
from kith.relationships.subject import Subject, resolve_person
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter()
PEOPLE = PersonPath("/people/{handle}", "handle", str)
CONTACTS = PersonPath("/contacts/{contact_id:int}", "contact_id", ContactId)


def _set_fields(
    ctx: Ctx, owner: Member, person: records.Person, body: ContactUpdate | PrivateContactUpdate
) -> None:
    """The tier, "how we met" and own cadence the request sets (those it names)."""
    fields = body.model_fields_set
    if "tier_id" in fields:
        records.set_tier(ctx, owner, person, body.tier_id)
    if "how_we_met" in fields:
        records.set_how_we_met(ctx, owner, person, body.how_we_met or "")
    if "cadence_days" in fields:
        records.set_cadence(ctx, owner, person, body.cadence_days)


# -- The record as each kind of person shows it ---------------------------------------------


@router.get("/people/{handle}")
def person(handle: str, kith: KithDep, member_id: ApiMemberId) -> ContactOut:
    """What you keep about a connection: tier, tags, how you met, cadence, notes."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        return ContactOut.of(ctx, owner, view_member(ctx, owner, handle))


@router.patch("/people/{handle}")
def update_person(
    handle: str, body: ContactUpdate, kith: KithDep, member_id: ApiMemberId
) -> ContactOut:
    """Set the tier, "how we met" or this person's own cadence."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        other = view_member(ctx, owner, handle)
        _set_fields(ctx, owner, other, body)
        if not body.model_fields_set:
            records.contact_for_editing(ctx, owner, other)
        return ContactOut.of(ctx, owner, other)


@router.get("/contacts/{contact_id:int}")
def private_contact(
    contact_id: ContactId, kith: KithDep, member_id: ApiMemberId
) -> PrivateContactOut:
    """What you keep about a private contact, and the member they were recognised as."""
    with kith.uow(write=False) as ctx:
        return PrivateContactOut.of(ctx, me(ctx, member_id), contact_id)


@router.patch("/contacts/{contact_id:int}")
def update_private_contact(
    contact_id: ContactId, body: PrivateContactUpdate, kith: KithDep, member_id: ApiMemberId
) -> PrivateContactOut:
    """Correct their name, email, company or title; set the tier, how we met or their
    own cadence."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        fields = body.model_fields_set
        details = {
            k: getattr(body, k) for k in ("name", "email", "company", "title") if k in fields
        }
        if details:
            contacts.update_private_contact(ctx, owner, contact_id, **details)
        _set_fields(ctx, owner, contacts.get_private_contact(ctx, owner, contact_id), body)
        return PrivateContactOut.of(ctx, owner, contact_id)


@router.delete("/contacts/{contact_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_private_contact(contact_id: ContactId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Forget a private contact with its tags, notes and interactions."""
    with kith.uow() as ctx:
        contacts.delete_private_contact(ctx, me(ctx, member_id), contact_id)


# -- Actions on the record, for both ----------------------------------------------------------


def add_tag(subject: Subject, body: TagAssign, kith: KithDep, member_id: ApiMemberId) -> TagRef:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tag = records.tag_contact(ctx, owner, resolve_person(ctx, owner, subject), body.name)
        return TagRef.of(tag)


def remove_tag(subject: Subject, tag_id: TagId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        records.untag_contact(ctx, owner, resolve_person(ctx, owner, subject), tag_id)


def add_note(subject: Subject, body: NoteIn, kith: KithDep, member_id: ApiMemberId) -> NoteOut:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        return NoteOut.of(
            records.add_note(ctx, owner, resolve_person(ctx, owner, subject), body.body)
        )


def interaction_log(
    subject: Subject,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> InteractionPage:
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        person = resolve_person(ctx, owner, subject)
        records.require_known(ctx, owner, person)
        result = interactions.interactions(ctx, owner, person, page_request(ctx, page, per_page))
        return InteractionPage.of(result, items=[InteractionOut.of(i) for i in result.items])


def log_interaction(
    subject: Subject, body: InteractionIn, kith: KithDep, member_id: ApiMemberId
) -> InteractionOut:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        person = resolve_person(ctx, owner, subject)
        return InteractionOut.of(
            interactions.log_interaction(
                ctx, owner, person, body.kind, occurred_at=body.occurred_at, note=body.note
            )
        )


def snooze(
    subject: Subject, body: SnoozeIn, kith: KithDep, member_id: ApiMemberId
) -> ContactOut | PrivateContactOut:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        person = resolve_person(ctx, owner, subject)
        records.snooze(ctx, owner, person, body.days)
        if isinstance(person, Contact):
            return PrivateContactOut.of(ctx, owner, person.id)
        return ContactOut.of(ctx, owner, person)


# The names and descriptions each route has always been published with.
SNOOZE = 'Leave them off "Due to reconnect" for a while.'
CREATED = {"status_code": status.HTTP_201_CREATED}
route_both(
    router,
    "POST",
    "/tags",
    add_tag,
    shapes=(
        (
            PEOPLE,
            Operation(
                "add_tag", "Tag a connection (the tag is created if you have none by that name)."
            ),
        ),
        (CONTACTS, Operation("tag_private_contact")),
    ),
    **CREATED,
)
route_both(
    router,
    "DELETE",
    "/tags/{tag_id:int}",
    remove_tag,
    shapes=((PEOPLE, Operation("remove_tag")), (CONTACTS, Operation("untag_private_contact"))),
    status_code=status.HTTP_204_NO_CONTENT,
)
route_both(
    router,
    "POST",
    "/notes",
    add_note,
    shapes=((PEOPLE, Operation("add_note")), (CONTACTS, Operation("note_private_contact"))),
    **CREATED,
)
route_both(
    router,
    "GET",
    "/interactions",
    interaction_log,
    shapes=(
        (
            PEOPLE,
            Operation(
                "interactions",
                "The interaction log, newest first: messages (one entry a day) and what you "
                "logged.",
            ),
        ),
        (
            CONTACTS,
            Operation(
                "private_contact_interactions",
                "The interaction log with a private contact, newest first.",
            ),
        ),
    ),
)
route_both(
    router,
    "POST",
    "/interactions",
    log_interaction,
    shapes=(
        (PEOPLE, Operation("log_interaction", "Log a meeting, call or event.")),
        (
            CONTACTS,
            Operation(
                "log_private_contact_interaction",
                "Log a meeting, call or event with a private contact.",
            ),
        ),
    ),
    **CREATED,
)
route_both(
    router,
    "POST",
    "/snooze",
    snooze,
    shapes=(
        (PEOPLE, Operation("snooze", SNOOZE, response_model=ContactOut)),
        (CONTACTS, Operation("snooze_private_contact", SNOOZE, response_model=PrivateContactOut)),
    ),
)


# -- Notes and interactions by their own id ---------------------------------------------------


@router.patch("/notes/{note_id:int}")
def update_note(note_id: NoteId, body: NoteIn, kith: KithDep, member_id: ApiMemberId) -> NoteOut:
    with kith.uow() as ctx:
        return NoteOut.of(records.update_note(ctx, me(ctx, member_id), note_id, body.body))


@router.delete("/notes/{note_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_note(note_id: NoteId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        records.delete_note(ctx, me(ctx, member_id), note_id)


@router.delete("/interactions/{interaction_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_interaction(
    interaction_id: InteractionId, kith: KithDep, member_id: ApiMemberId
) -> None:
    with kith.uow() as ctx:
        interactions.delete_interaction(ctx, me(ctx, member_id), interaction_id)
