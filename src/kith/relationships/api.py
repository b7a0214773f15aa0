"""REST endpoints for private relationship management. Everything answers for the
signed-in member's own data only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from kith.connections.api import page_request
from kith.db import Ctx
from kith.errors import Invalid
from kith.members.api import summarize
from kith.members.schemas import MemberSummary
from kith.members.service import view_member
from kith.models import ContactNote, Interaction, Member, Tag, Tier
from kith.relationships import service
from kith.relationships.schemas import (
    BulkContactTagIn,
    BulkContactUntagIn,
    BulkTagIn,
    BulkUntagIn,
    ContactId,
    ContactOut,
    ContactPage,
    ContactRef,
    ContactRowOut,
    ContactUpdate,
    DueOut,
    DuePage,
    FollowUpId,
    FollowUpOut,
    Handles,
    InteractionId,
    InteractionIn,
    InteractionOut,
    InteractionPage,
    MomentOut,
    NoteId,
    NoteIn,
    NoteOut,
    PrivateContactIn,
    PrivateContactOut,
    PrivateContactPage,
    PrivateContactRowOut,
    PrivateContactUpdate,
    PruneIn,
    PruneOut,
    PrunePage,
    PrunePreviewOut,
    RemovalOut,
    Removed,
    SnoozeIn,
    TagAssign,
    TagId,
    TagIn,
    TagOut,
    TagRef,
    TagUpdate,
    TierId,
    TierIn,
    TierOut,
    TierUpdate,
)
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.params import PageNo, PerPage, Refusal, id_query

SORT_REFUSAL = Refusal(
    "invalid_sort", "Sort by name, recent, oldest, last_interaction or least_interaction."
)

router = APIRouter(prefix="/relationships", tags=["relationships"])


def _ref(item: Tag | Tier | None) -> TagRef | None:
    return None if item is None else TagRef(id=item.id, name=item.name)


def contact_out(ctx: Ctx, owner: Member, other: Member) -> ContactOut:
    view = service.contact_view(ctx, owner, other)
    [who] = summarize(ctx, owner, [other])
    c = view.contact
    return ContactOut(
        member=who,
        connected=view.connection is not None,
        connected_since=view.connection.created_at if view.connection else None,
        tier=_ref(view.tier),
        tags=[TagRef(id=t.id, name=t.name) for t in view.tags],
        how_we_met=c.how_we_met if c else "",
        cadence_days=view.cadence_days,
        cadence_source=view.cadence_source,
        own_cadence_days=c.cadence_days if c else None,
        due_at=view.due_at,
        snoozed_until=c.snoozed_until if c else None,
        last_interaction_at=c.last_interaction_at if c else None,
        notes=[
            NoteOut(id=n.id, body=n.body, created_at=n.created_at, updated_at=n.updated_at)
            for n in view.notes
        ],
    )


def _members(ctx: Ctx, owner: Member, handles: list[str]) -> list[Member]:
    return [view_member(ctx, owner, h) for h in dict.fromkeys(handles)]


# -- Tiers and tags -------------------------------------------------------------------------


def _tiers_out(ctx: Ctx, owner: Member) -> list[TierOut]:
    counts = service.tier_counts(ctx, owner)
    return [
        TierOut(id=t.id, name=t.name, cadence_days=t.cadence_days, connections=counts.get(t.id, 0))
        for t in service.list_tiers(ctx, owner)
    ]


@router.get("/tiers")
def tiers(kith: KithDep, member_id: ApiMemberId) -> list[TierOut]:
    """Your tiers in order, with their cadence (the defaults are created on first use)."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        service.ensure_default_tiers(ctx, owner)
        return _tiers_out(ctx, owner)


@router.post("/tiers", status_code=status.HTTP_201_CREATED)
def create_tier(body: TierIn, kith: KithDep, member_id: ApiMemberId) -> TierOut:
    with kith.uow() as ctx:
        tier = service.create_tier(ctx, me(ctx, member_id), body.name, body.cadence_days)
        return TierOut(id=tier.id, name=tier.name, cadence_days=tier.cadence_days, connections=0)


@router.patch("/tiers/{tier_id:int}")
def update_tier(
    tier_id: TierId, body: TierUpdate, kith: KithDep, member_id: ApiMemberId
) -> TierOut:
    """Rename a tier or change its cadence."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        extra = (
            {"cadence_days": body.cadence_days} if "cadence_days" in body.model_fields_set else {}
        )
        tier = service.update_tier(ctx, owner, tier_id, name=body.name, **extra)
        return TierOut(
            id=tier.id,
            name=tier.name,
            cadence_days=tier.cadence_days,
            connections=service.tier_counts(ctx, owner).get(tier.id, 0),
        )


@router.delete("/tiers/{tier_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_tier(tier_id: TierId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        service.delete_tier(ctx, me(ctx, member_id), tier_id)


@router.get("/tags")
def tags(kith: KithDep, member_id: ApiMemberId) -> list[TagOut]:
    with kith.uow(write=False) as ctx:
        return [
            TagOut(id=t.id, name=t.name, cadence_days=t.cadence_days, connections=n)
            for t, n in service.list_tags(ctx, me(ctx, member_id))
        ]


@router.post("/tags", status_code=status.HTTP_201_CREATED)
def create_tag(body: TagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    with kith.uow() as ctx:
        tag = service.create_tag(ctx, me(ctx, member_id), body.name, body.cadence_days)
        return TagOut(id=tag.id, name=tag.name, cadence_days=tag.cadence_days)


@router.patch("/tags/{tag_id:int}")
def update_tag(tag_id: TagId, body: TagUpdate, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    with kith.uow() as ctx:
        extra = (
            {"cadence_days": body.cadence_days} if "cadence_days" in body.model_fields_set else {}
        )
        tag = service.update_tag(ctx, me(ctx, member_id), tag_id, name=body.name, **extra)
        return TagOut(id=tag.id, name=tag.name, cadence_days=tag.cadence_days)


@router.delete("/tags/{tag_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_tag(tag_id: TagId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        service.delete_tag(ctx, me(ctx, member_id), tag_id)


# -- One person -----------------------------------------------------------------------------


@router.get("/people/{handle}")
def person(handle: str, kith: KithDep, member_id: ApiMemberId) -> ContactOut:
    """What you keep about a connection: tier, tags, how you met, cadence, notes."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        return contact_out(ctx, owner, view_member(ctx, owner, handle))


@router.patch("/people/{handle}")
def update_person(
    handle: str, body: ContactUpdate, kith: KithDep, member_id: ApiMemberId
) -> ContactOut:
    """Set the tier, "how we met" or this person's own cadence."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        other = view_member(ctx, owner, handle)
        fields = body.model_fields_set
        if "tier_id" in fields:
            service.set_tier(ctx, owner, other, body.tier_id)
        if "how_we_met" in fields:
            service.set_how_we_met(ctx, owner, other, body.how_we_met or "")
        if "cadence_days" in fields:
            service.set_cadence(ctx, owner, other, body.cadence_days)
        if not fields:
            service.contact_for_editing(ctx, owner, other)
        return contact_out(ctx, owner, other)


@router.post("/people/{handle}/tags", status_code=status.HTTP_201_CREATED)
def add_tag(handle: str, body: TagAssign, kith: KithDep, member_id: ApiMemberId) -> TagRef:
    """Tag a connection (the tag is created if you have none by that name)."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tag = service.tag_contact(ctx, owner, view_member(ctx, owner, handle), body.name)
        return TagRef(id=tag.id, name=tag.name)


@router.delete("/people/{handle}/tags/{tag_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def remove_tag(handle: str, tag_id: TagId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        service.untag_contact(ctx, owner, view_member(ctx, owner, handle), tag_id)


@router.post("/people/{handle}/notes", status_code=status.HTTP_201_CREATED)
def add_note(handle: str, body: NoteIn, kith: KithDep, member_id: ApiMemberId) -> NoteOut:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        note = service.add_note(ctx, owner, view_member(ctx, owner, handle), body.body)
        return NoteOut(
            id=note.id, body=note.body, created_at=note.created_at, updated_at=note.updated_at
        )


@router.patch("/notes/{note_id:int}")
def update_note(note_id: NoteId, body: NoteIn, kith: KithDep, member_id: ApiMemberId) -> NoteOut:
    with kith.uow() as ctx:
        note = service.update_note(ctx, me(ctx, member_id), note_id, body.body)
        return NoteOut(
            id=note.id, body=note.body, created_at=note.created_at, updated_at=note.updated_at
        )


@router.delete("/notes/{note_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_note(note_id: NoteId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        service.delete_note(ctx, me(ctx, member_id), note_id)


def interaction_out(i: Interaction) -> InteractionOut:
    return InteractionOut(
        id=i.id,
        kind=i.kind,
        note=i.note,
        occurred_at=i.occurred_at,
        automatic=i.automatic,
        count=i.count,
    )


@router.get("/people/{handle}/interactions")
def interactions(
    handle: str, kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> InteractionPage:
    """The interaction log, newest first: messages (one entry a day) and what you logged."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        other = view_member(ctx, owner, handle)
        service.contact_view(ctx, owner, other)  # not_connected for strangers
        result = service.interactions(ctx, owner, other, page_request(ctx, page, per_page))
        return InteractionPage.of(result, items=[interaction_out(i) for i in result.items])


@router.post("/people/{handle}/interactions", status_code=status.HTTP_201_CREATED)
def log_interaction(
    handle: str, body: InteractionIn, kith: KithDep, member_id: ApiMemberId
) -> InteractionOut:
    """Log a meeting, call or event."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        other = view_member(ctx, owner, handle)
        return interaction_out(
            service.log_interaction(
                ctx, owner, other, body.kind, occurred_at=body.occurred_at, note=body.note
            )
        )


@router.delete("/interactions/{interaction_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_interaction(
    interaction_id: InteractionId, kith: KithDep, member_id: ApiMemberId
) -> None:
    with kith.uow() as ctx:
        service.delete_interaction(ctx, me(ctx, member_id), interaction_id)


@router.post("/people/{handle}/snooze")
def snooze(handle: str, body: SnoozeIn, kith: KithDep, member_id: ApiMemberId) -> ContactOut:
    """Leave them off "Due to reconnect" for a while."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        other = view_member(ctx, owner, handle)
        service.snooze(ctx, owner, other, body.days)
        return contact_out(ctx, owner, other)


# -- Lists ----------------------------------------------------------------------------------


def _contact_ref(e: service.DueEntry) -> ContactRef:
    assert e.contact_id is not None
    return ContactRef(
        id=e.contact_id,
        name=e.name,
        email=e.email,
        company=e.company,
        title=e.title,
        url=f"/api/v1/relationships/contacts/{e.contact_id}",
    )


@router.get("/due")
def due(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> DuePage:
    """Due to reconnect: connections and private contacts past their cadence, most
    overdue first; ``kind`` says which."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        result = service.due_to_reconnect(ctx, owner, page_request(ctx, page, per_page))
        members = [e.member for e in result.items if e.member is not None]
        found = dict(zip((m.id for m in members), summarize(ctx, owner, members), strict=True))
        return DuePage.of(
            result,
            items=[
                DueOut(
                    kind=e.kind,
                    member=found[e.member.id] if e.member is not None else None,
                    contact=None if e.member is not None else _contact_ref(e),
                    tier=e.tier,
                    cadence_days=e.cadence_days,
                    connected_since=e.connected_at if e.member is not None else None,
                    added_at=None if e.member is not None else e.connected_at,
                    last_interaction_at=e.last_interaction_at,
                    due_at=e.due_at,
                    overdue_days=e.overdue_days,
                )
                for e in result.items
            ],
        )


@router.get("/moments")
def moments(kith: KithDep, member_id: ApiMemberId) -> list[MomentOut]:
    """Work anniversaries this month and new positions among your connections."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        found = service.moments(ctx, owner)
        people = summarize(ctx, owner, [m.member for m in found])
        return [
            MomentOut(
                member=who,
                kind=m.kind,
                title=m.title,
                company=m.company,
                years=m.years,
                started=m.started,
                suggested_message=m.suggestion,
            )
            for m, who in zip(found, people, strict=True)
        ]


@router.get("/follow-ups")
def follow_ups(kith: KithDep, member_id: ApiMemberId) -> list[FollowUpOut]:
    """New connections to thank or follow up with, with the invitation's note and context."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        found = service.follow_ups(ctx, owner)
        people = summarize(ctx, owner, [f.other for f in found])
        return [
            FollowUpOut(
                id=f.follow_up.id,
                member=who,
                connected_at=f.follow_up.created_at,
                invited_by_you=f.invited_by_you,
                note=f.note,
                context=f.context,
            )
            for f, who in zip(found, people, strict=True)
        ]


@router.post("/follow-ups/{follow_up_id:int}/dismiss", status_code=status.HTTP_204_NO_CONTENT)
def dismiss_follow_up(follow_up_id: FollowUpId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        service.dismiss_follow_up(ctx, me(ctx, member_id), follow_up_id)


@router.get("/prune")
def prune_suggestions(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> PrunePage:
    """Dormant connections, weakest first, each with its reasons."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        result = service.prune_suggestions(ctx, owner, page_request(ctx, page, per_page))
        return PrunePage.of(
            result,
            items=[
                PruneOut(
                    member=MemberSummary(
                        handle=c.handle,
                        name=c.name,
                        headline=c.headline,
                        location="",
                        industry="",
                        url=f"/in/{c.handle}",
                        degree=1,
                        degree_label="1st",
                        mutual_connections=c.mutual,
                    ),
                    connected_since=c.connected_at,
                    last_interaction_at=c.last_interaction_at,
                    mutual_connections=c.mutual,
                    shared=c.shared,
                    messaged=c.messaged,
                    reasons=c.reasons,
                )
                for c in result.items
            ],
        )


def _preview(ctx: Ctx, owner: Member, handles: list[str]) -> PrunePreviewOut:
    items = service.removal_preview(ctx, owner, _members(ctx, owner, handles))
    people = summarize(ctx, owner, [i.member for i in items])
    return PrunePreviewOut(
        items=[
            RemovalOut(
                member=who,
                connected_since=i.connected_at,
                you_follow=i.you_follow,
                follows_you=i.follows_you,
                what_goes=i.sentence,
            )
            for i, who in zip(items, people, strict=True)
        ],
        explanation=service.PRUNE_EXPLANATION,
    )


@router.post("/prune/preview")
def prune_preview(body: Handles, kith: KithDep, member_id: ApiMemberId) -> PrunePreviewOut:
    """Exactly what removing these connections does; nothing is changed."""
    with kith.uow(write=False) as ctx:
        return _preview(ctx, me(ctx, member_id), body.handles)


@router.post("/prune")
def prune(body: PruneIn, kith: KithDep, member_id: ApiMemberId) -> Removed:
    """Remove several connections at once (all or nothing), after the preview."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        if not body.confirm:
            raise Invalid(
                "Read the preview (POST /relationships/prune/preview) and send confirm: true.",
                code="confirmation_required",
            )
        removed = service.remove_connections(ctx, owner, _members(ctx, owner, body.handles))
        return Removed(removed=removed)


@router.get("/connections")
def connections(
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
    tag: Annotated[int | None, id_query("tag")] = None,
    tier: Annotated[int | None, id_query("tier")] = None,
    company: Annotated[str, Query(max_length=100)] = "",
    industry: Annotated[str, Query(max_length=100)] = "",
    location: Annotated[str, Query(max_length=100)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    sort: Annotated[service.ContactSort, Query(), SORT_REFUSAL] = "name",
) -> ContactPage:
    """Your connections with your tags and tiers: filter and sort."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        flt = service.ContactFilter(
            tag_id=tag,
            tier_id=tier,
            company=company,
            industry=industry,
            location=location,
            q=q,
            sort=sort,
        )
        result = service.list_contacts(ctx, owner, flt, page_request(ctx, page, per_page))
        people = summarize(ctx, owner, [r.member for r in result.items])
        return ContactPage.of(
            result,
            items=[
                ContactRowOut(
                    member=who,
                    connected_since=r.connected_at,
                    tier=_ref(r.contact.tier if r.contact else None),
                    tags=[
                        TagRef(id=t.id, name=t.name) for t in (r.contact.tags if r.contact else [])
                    ],
                    last_interaction_at=r.contact.last_interaction_at if r.contact else None,
                )
                for r, who in zip(result.items, people, strict=True)
            ],
        )


@router.post("/connections/tag")
def bulk_tag(body: BulkTagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    """Tag several connections at once."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tag = service.bulk_tag(ctx, owner, _members(ctx, owner, body.handles), body.tag)
        return TagOut(id=tag.id, name=tag.name, cadence_days=tag.cadence_days)


@router.post("/connections/untag")
def bulk_untag(body: BulkUntagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    """Remove a tag from several connections at once."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tag = service.bulk_untag(ctx, owner, _members(ctx, owner, body.handles), body.tag_id)
        return TagOut(id=tag.id, name=tag.name, cadence_days=tag.cadence_days)


# -- Private contacts -----------------------------------------------------------------------


def _note_out(n: ContactNote) -> NoteOut:
    return NoteOut(id=n.id, body=n.body, created_at=n.created_at, updated_at=n.updated_at)


def private_contact_out(ctx: Ctx, owner: Member, contact_id: int) -> PrivateContactOut:
    view = service.private_contact_view(ctx, owner, contact_id)
    c = view.contact
    on_kith = summarize(ctx, owner, [view.on_kith])[0] if view.on_kith else None
    return PrivateContactOut(
        id=c.id,
        name=c.name,
        email=c.email,
        company=c.company,
        title=c.title,
        url=c.url,
        source=c.source,
        connected_elsewhere_on=c.connected_elsewhere_on,
        added_at=c.created_at,
        on_kith=on_kith,
        match=c.match if on_kith else None,
        tier=_ref(view.tier),
        tags=[TagRef(id=t.id, name=t.name) for t in view.tags],
        how_we_met=c.how_we_met,
        cadence_days=view.cadence_days,
        cadence_source=view.cadence_source,
        own_cadence_days=c.cadence_days,
        due_at=view.due_at,
        snoozed_until=c.snoozed_until,
        last_interaction_at=c.last_interaction_at,
        notes=[_note_out(n) for n in view.notes],
    )


@router.get("/contacts")
def private_contacts(
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
    tag: Annotated[int | None, id_query("tag")] = None,
    tier: Annotated[int | None, id_query("tier")] = None,
    company: Annotated[str, Query(max_length=100)] = "",
    q: Annotated[str, Query(max_length=100, description="Words in the name or email")] = "",
    on_kith: Annotated[bool, Query(description="Only those recognised as members")] = False,
    sort: Annotated[
        service.ContactSort, Query(description="recent and oldest: when added"), SORT_REFUSAL
    ] = "name",
) -> PrivateContactPage:
    """Your private contacts (people from elsewhere) with your tags and tiers."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        flt = service.PrivateContactFilter(
            tag_id=tag, tier_id=tier, company=company, q=q, on_kith=on_kith, sort=sort
        )
        result = service.list_private_contacts(ctx, owner, flt, page_request(ctx, page, per_page))
        return PrivateContactPage.of(
            result,
            items=[
                PrivateContactRowOut(
                    id=c.id,
                    name=c.name,
                    email=c.email,
                    company=c.company,
                    title=c.title,
                    source=c.source,
                    added_at=c.created_at,
                    on_kith=c.matched_member_id is not None,
                    tier=_ref(c.tier),
                    tags=[TagRef(id=t.id, name=t.name) for t in c.tags],
                    last_interaction_at=c.last_interaction_at,
                )
                for c in result.items
            ],
        )


@router.post("/contacts", status_code=status.HTTP_201_CREATED)
def create_private_contact(
    body: PrivateContactIn, kith: KithDep, member_id: ApiMemberId
) -> PrivateContactOut:
    """Add a private contact by hand: a name, and optionally email, company, title, url."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        contact = service.create_private_contact(
            ctx,
            owner,
            name=body.name,
            email=body.email,
            company=body.company,
            title=body.title,
            url=body.url,
        )
        return private_contact_out(ctx, owner, contact.id)


@router.post("/contacts/tag")
def bulk_tag_contacts(body: BulkContactTagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    """Tag several private contacts at once (all or nothing)."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        chosen = service.private_contacts(ctx, owner, body.ids)
        tag = service.bulk_tag(ctx, owner, chosen, body.tag)
        return TagOut(id=tag.id, name=tag.name, cadence_days=tag.cadence_days)


@router.post("/contacts/untag")
def bulk_untag_contacts(body: BulkContactUntagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    """Remove a tag from several private contacts at once."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        chosen = service.private_contacts(ctx, owner, body.ids)
        tag = service.bulk_untag(ctx, owner, chosen, body.tag_id)
        return TagOut(id=tag.id, name=tag.name, cadence_days=tag.cadence_days)


@router.get("/contacts/{contact_id:int}")
def private_contact(
    contact_id: ContactId, kith: KithDep, member_id: ApiMemberId
) -> PrivateContactOut:
    """What you keep about a private contact, and the member they were recognised as."""
    with kith.uow(write=False) as ctx:
        return private_contact_out(ctx, me(ctx, member_id), contact_id)


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
            service.update_private_contact(ctx, owner, contact_id, **details)
        contact = service.get_private_contact(ctx, owner, contact_id)
        if "tier_id" in fields:
            service.set_tier(ctx, owner, contact, body.tier_id)
        if "how_we_met" in fields:
            service.set_how_we_met(ctx, owner, contact, body.how_we_met or "")
        if "cadence_days" in fields:
            service.set_cadence(ctx, owner, contact, body.cadence_days)
        return private_contact_out(ctx, owner, contact_id)


@router.delete("/contacts/{contact_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_private_contact(contact_id: ContactId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Forget a private contact with its tags, notes and interactions."""
    with kith.uow() as ctx:
        service.delete_private_contact(ctx, me(ctx, member_id), contact_id)


@router.post("/contacts/{contact_id:int}/tags", status_code=status.HTTP_201_CREATED)
def tag_private_contact(
    contact_id: ContactId, body: TagAssign, kith: KithDep, member_id: ApiMemberId
) -> TagRef:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        contact = service.get_private_contact(ctx, owner, contact_id)
        tag = service.tag_contact(ctx, owner, contact, body.name)
        return TagRef(id=tag.id, name=tag.name)


@router.delete(
    "/contacts/{contact_id:int}/tags/{tag_id:int}", status_code=status.HTTP_204_NO_CONTENT
)
def untag_private_contact(
    contact_id: ContactId, tag_id: TagId, kith: KithDep, member_id: ApiMemberId
) -> None:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        contact = service.get_private_contact(ctx, owner, contact_id)
        service.untag_contact(ctx, owner, contact, tag_id)


@router.post("/contacts/{contact_id:int}/notes", status_code=status.HTTP_201_CREATED)
def note_private_contact(
    contact_id: ContactId, body: NoteIn, kith: KithDep, member_id: ApiMemberId
) -> NoteOut:
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        contact = service.get_private_contact(ctx, owner, contact_id)
        return _note_out(service.add_note(ctx, owner, contact, body.body))


@router.get("/contacts/{contact_id:int}/interactions")
def private_contact_interactions(
    contact_id: ContactId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> InteractionPage:
    """The interaction log with a private contact, newest first."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        contact = service.get_private_contact(ctx, owner, contact_id)
        result = service.interactions(ctx, owner, contact, page_request(ctx, page, per_page))
        return InteractionPage.of(result, items=[interaction_out(i) for i in result.items])


@router.post("/contacts/{contact_id:int}/interactions", status_code=status.HTTP_201_CREATED)
def log_private_contact_interaction(
    contact_id: ContactId, body: InteractionIn, kith: KithDep, member_id: ApiMemberId
) -> InteractionOut:
    """Log a meeting, call or event with a private contact."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        contact = service.get_private_contact(ctx, owner, contact_id)
        return interaction_out(
            service.log_interaction(
                ctx, owner, contact, body.kind, occurred_at=body.occurred_at, note=body.note
            )
        )


@router.post("/contacts/{contact_id:int}/snooze")
def snooze_private_contact(
    contact_id: ContactId, body: SnoozeIn, kith: KithDep, member_id: ApiMemberId
) -> PrivateContactOut:
    """Leave them off "Due to reconnect" for a while."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        service.snooze(ctx, owner, service.get_private_contact(ctx, owner, contact_id), body.days)
        return private_contact_out(ctx, owner, contact_id)
