"""REST endpoints for private relationship management: tiers and tags, the due list,
moments, follow-ups, pruning, the organized connection list and the private contacts
list; one person's record is in :mod:`kith.relationships.record_api` (included here).
Everything answers for the signed-in member's own data only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from kith.errors import Invalid
from kith.members.service import view_member
from kith.members.summaries import summarize
from kith.models import Member
from kith.relationships import (
    connection_list,
    contacts,
    posting,
    pruning,
    reconnect,
    record_api,
    records,
    tiers_tags,
)
from kith.relationships.schemas import (
    BulkContactTagIn,
    BulkContactUntagIn,
    BulkTagIn,
    BulkUntagIn,
    CongratulatedOut,
    ContactPage,
    ContactRowOut,
    DueOut,
    DuePage,
    FollowUpId,
    FollowUpOut,
    Handles,
    MomentOut,
    OwnMomentOut,
    PrivateContactIn,
    PrivateContactOut,
    PrivateContactPage,
    PrivateContactRowOut,
    PruneIn,
    PruneOut,
    PrunePage,
    PrunePreviewOut,
    Removed,
    TagId,
    TagIn,
    TagOut,
    TagUpdate,
    TierId,
    TierIn,
    TierOut,
    TierUpdate,
)
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage, Refusal, id_query

SORT_REFUSAL = Refusal(
    "invalid_sort", "Sort by name, recent, oldest, last_interaction or least_interaction."
)

router = APIRouter(prefix="/relationships", tags=["relationships"])


def _members(ctx: Ctx, owner: Member, handles: list[str]) -> list[Member]:
    return [view_member(ctx, owner, h) for h in dict.fromkeys(handles)]


# -- Tiers and tags -------------------------------------------------------------------------


@router.get("/tiers")
def tiers(kith: KithDep, member_id: ApiMemberId) -> list[TierOut]:
    """Your tiers in order, with their cadence (the defaults are created on first use)."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tiers_tags.ensure_default_tiers(ctx, owner)
        counts = tiers_tags.tier_counts(ctx, owner)
        return [TierOut.of(t, counts.get(t.id, 0)) for t in tiers_tags.list_tiers(ctx, owner)]


@router.post("/tiers", status_code=status.HTTP_201_CREATED)
def create_tier(body: TierIn, kith: KithDep, member_id: ApiMemberId) -> TierOut:
    with kith.uow() as ctx:
        tier = tiers_tags.create_tier(ctx, me(ctx, member_id), body.name, body.cadence_days)
        return TierOut.of(tier, 0)


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
        tier = tiers_tags.update_tier(ctx, owner, tier_id, name=body.name, **extra)
        return TierOut.of(tier, tiers_tags.tier_counts(ctx, owner).get(tier.id, 0))


@router.delete("/tiers/{tier_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_tier(tier_id: TierId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        tiers_tags.delete_tier(ctx, me(ctx, member_id), tier_id)


@router.get("/tags")
def tags(kith: KithDep, member_id: ApiMemberId) -> list[TagOut]:
    with kith.uow(write=False) as ctx:
        return [TagOut.of(t, n) for t, n in tiers_tags.list_tags(ctx, me(ctx, member_id))]


@router.post("/tags", status_code=status.HTTP_201_CREATED)
def create_tag(body: TagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    with kith.uow() as ctx:
        tag = tiers_tags.create_tag(ctx, me(ctx, member_id), body.name, body.cadence_days)
        return TagOut.of(tag)


@router.patch("/tags/{tag_id:int}")
def update_tag(tag_id: TagId, body: TagUpdate, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    with kith.uow() as ctx:
        extra = (
            {"cadence_days": body.cadence_days} if "cadence_days" in body.model_fields_set else {}
        )
        tag = tiers_tags.update_tag(ctx, me(ctx, member_id), tag_id, name=body.name, **extra)
        return TagOut.of(tag)


@router.delete("/tags/{tag_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_tag(tag_id: TagId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        tiers_tags.delete_tag(ctx, me(ctx, member_id), tag_id)


# -- Lists ----------------------------------------------------------------------------------


@router.get("/due")
def due(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> DuePage:
    """Due to reconnect: connections and private contacts past their cadence, most
    overdue first; ``kind`` says which."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        result = reconnect.due_to_reconnect(ctx, owner, page_request(ctx, page, per_page))
        members = [e.member for e in result.items if e.member is not None]
        found = dict(zip((m.id for m in members), summarize(ctx, owner, members), strict=True))
        recent = posting.recent_posts(ctx, owner, result.items)
        return DuePage.of(
            result,
            items=[
                DueOut.of(e, found[e.member.id], recent.get(e.member.id))
                if e.member is not None
                else DueOut.of(e, None)
                for e in result.items
            ],
        )


@router.get("/moments")
def moments(kith: KithDep, member_id: ApiMemberId) -> list[MomentOut]:
    """Work anniversaries this month and new positions among your connections."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        found = reconnect.moments(ctx, owner)
        people = summarize(ctx, owner, [m.member for m in found])
        return [MomentOut.of(m, who) for m, who in zip(found, people, strict=True)]


@router.get("/moments/mine")
def own_moments(kith: KithDep, member_id: ApiMemberId) -> list[OwnMomentOut]:
    """Your own new position or work anniversary, with a post to share it."""
    with kith.uow(write=False) as ctx:
        return [OwnMomentOut.of(m) for m in posting.own_moments(ctx, me(ctx, member_id))]


@router.post("/moments/{handle}/congratulate", status_code=status.HTTP_201_CREATED)
def congratulate(handle: str, kith: KithDep, member_id: ApiMemberId) -> CongratulatedOut:
    """Congratulate a connection with a comment on the post in which they shared their
    news (404 ``moment_not_found`` when there is none you may read)."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        comment = posting.congratulate(ctx, owner, view_member(ctx, owner, handle))
        return CongratulatedOut(post_id=comment.post_id, comment_id=comment.id)


@router.get("/follow-ups")
def follow_ups(kith: KithDep, member_id: ApiMemberId) -> list[FollowUpOut]:
    """New connections to thank or follow up with, with the invitation's note and context."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        found = reconnect.follow_ups(ctx, owner)
        people = summarize(ctx, owner, [f.other for f in found])
        return [FollowUpOut.of(f, who) for f, who in zip(found, people, strict=True)]


@router.post("/follow-ups/{follow_up_id:int}/dismiss", status_code=status.HTTP_204_NO_CONTENT)
def dismiss_follow_up(follow_up_id: FollowUpId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        reconnect.dismiss_follow_up(ctx, me(ctx, member_id), follow_up_id)


@router.get("/prune")
def prune_suggestions(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> PrunePage:
    """Dormant connections, weakest first, each with its reasons."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        result = pruning.prune_suggestions(ctx, owner, page_request(ctx, page, per_page))
        return PrunePage.of(result, items=[PruneOut.of(c) for c in result.items])


def _preview(ctx: Ctx, owner: Member, handles: list[str]) -> PrunePreviewOut:
    items = pruning.removal_preview(ctx, owner, _members(ctx, owner, handles))
    return PrunePreviewOut.of(items, summarize(ctx, owner, [i.member for i in items]))


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
        removed = pruning.remove_connections(ctx, owner, _members(ctx, owner, body.handles))
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
    sort: Annotated[connection_list.ContactSort, Query(), SORT_REFUSAL] = "name",
) -> ContactPage:
    """Your connections with your tags and tiers: filter and sort."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        flt = connection_list.ContactFilter(
            tag_id=tag,
            tier_id=tier,
            company=company,
            industry=industry,
            location=location,
            q=q,
            sort=sort,
        )
        result = connection_list.list_contacts(ctx, owner, flt, page_request(ctx, page, per_page))
        people = summarize(ctx, owner, [r.member for r in result.items])
        return ContactPage.of(
            result,
            items=[ContactRowOut.of(r, who) for r, who in zip(result.items, people, strict=True)],
        )


@router.post("/connections/tag")
def bulk_tag(body: BulkTagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    """Tag several connections at once."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tag = records.bulk_tag(ctx, owner, _members(ctx, owner, body.handles), body.tag)
        return TagOut.of(tag)


@router.post("/connections/untag")
def bulk_untag(body: BulkUntagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    """Remove a tag from several connections at once."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        tag = records.bulk_untag(ctx, owner, _members(ctx, owner, body.handles), body.tag_id)
        return TagOut.of(tag)


# -- Private contacts -----------------------------------------------------------------------


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
        connection_list.ContactSort,
        Query(description="recent and oldest: when added"),
        SORT_REFUSAL,
    ] = "name",
) -> PrivateContactPage:
    """Your private contacts (people from elsewhere) with your tags and tiers."""
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        flt = contacts.PrivateContactFilter(
            tag_id=tag, tier_id=tier, company=company, q=q, on_kith=on_kith, sort=sort
        )
        result = contacts.list_private_contacts(ctx, owner, flt, page_request(ctx, page, per_page))
        return PrivateContactPage.of(
            result, items=[PrivateContactRowOut.of(c) for c in result.items]
        )


@router.post("/contacts", status_code=status.HTTP_201_CREATED)
def create_private_contact(
    body: PrivateContactIn, kith: KithDep, member_id: ApiMemberId
) -> PrivateContactOut:
    """Add a private contact by hand: a name, and optionally email, company, title, url."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        contact = contacts.create_private_contact(
            ctx,
            owner,
            name=body.name,
            email=body.email,
            company=body.company,
            title=body.title,
            url=body.url,
        )
        return PrivateContactOut.of(ctx, owner, contact.id)


@router.post("/contacts/tag")
def bulk_tag_contacts(body: BulkContactTagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    """Tag several private contacts at once (all or nothing)."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        chosen = contacts.private_contacts(ctx, owner, body.ids)
        tag = records.bulk_tag(ctx, owner, chosen, body.tag)
        return TagOut.of(tag)


@router.post("/contacts/untag")
def bulk_untag_contacts(body: BulkContactUntagIn, kith: KithDep, member_id: ApiMemberId) -> TagOut:
    """Remove a tag from several private contacts at once."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        chosen = contacts.private_contacts(ctx, owner, body.ids)
        tag = records.bulk_untag(ctx, owner, chosen, body.tag_id)
        return TagOut.of(tag)


# One person's record: a connection or a private contact.
router.include_router(record_api.router)
