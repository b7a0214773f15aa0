"""Relationship-management request and response models (all private to the owner)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kith.config import Settings
from kith.graph.service import badges
from kith.members.schemas import MemberSummary
from kith.models import Contact, ContactNote, Interaction, Member, Tag, Tier
from kith.relationships.connection_list import ContactRow
from kith.relationships.contacts import CONTACT_FIELDS_MAX, private_contact_view
from kith.relationships.interactions import INTERACTION_KINDS, INTERACTION_NOTE_MAX
from kith.relationships.posting import RecentPost, share_text
from kith.relationships.pruning import PRUNE_EXPLANATION, PruneCandidate, RemovalPreview
from kith.relationships.reconnect import DueEntry, FollowUpEntry, Moment
from kith.relationships.records import HOW_WE_MET_MAX, SNOOZE_MAX_DAYS, contact_view
from kith.relationships.tiers_tags import CADENCE_MAX_DAYS, NAME_MAX
from kith.uow import Ctx
from kith.web.paging import Paged
from kith.web.params import WORDS, Count, Flag, Id, id_path, stated

TierId = Annotated[int, id_path("tier")]
TagId = Annotated[int, id_path("tag")]
NoteId = Annotated[int, id_path("note")]
InteractionId = Annotated[int, id_path("interaction")]
FollowUpId = Annotated[int, id_path("follow-up")]
ContactId = Annotated[int, id_path("contact")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: A note's length (``KITH_NOTE_MAX``, as set by default).
NOTE_MAX: int = Settings.model_fields["note_max"].default
#: A tier or tag name (spaces collapse; refused as invalid_tier / invalid_tag).
NAME = stated(min_length=1, max_length=NAME_MAX, pattern=WORDS)
#: A keep-in-touch cadence in days (refused as invalid_cadence).
CADENCE = stated(ge=1, le=CADENCE_MAX_DAYS)


class TierIn(Strict):
    name: str = Field(json_schema_extra=NAME)
    cadence_days: Count | None = Field(
        None, description="Keep in touch every N days; null: never", json_schema_extra=CADENCE
    )


class TierUpdate(Strict):
    name: str | None = Field(None, json_schema_extra=NAME)
    cadence_days: Count | None = Field(
        None, description="Send null to stop reminders", json_schema_extra=CADENCE
    )


class TierOut(BaseModel):
    id: int
    name: str
    cadence_days: int | None
    connections: int

    @classmethod
    def of(cls, tier: Tier, connections: int) -> TierOut:
        return cls(
            id=tier.id, name=tier.name, cadence_days=tier.cadence_days, connections=connections
        )


class TagIn(Strict):
    name: str = Field(json_schema_extra=NAME)
    cadence_days: Count | None = Field(None, json_schema_extra=CADENCE)


class TagUpdate(Strict):
    name: str | None = Field(None, json_schema_extra=NAME)
    cadence_days: Count | None = Field(None, json_schema_extra=CADENCE)


class TagOut(BaseModel):
    id: int
    name: str
    cadence_days: int | None
    connections: int = 0

    @classmethod
    def of(cls, tag: Tag, connections: int = 0) -> TagOut:
        return cls(id=tag.id, name=tag.name, cadence_days=tag.cadence_days, connections=connections)


class TagRef(BaseModel):
    id: int
    name: str

    @classmethod
    def of(cls, item: Tag | Tier) -> TagRef:
        return cls(id=item.id, name=item.name)


class NoteIn(Strict):
    body: str = Field(
        json_schema_extra=stated(
            min_length=1, max_length=Settings.model_fields["note_max"].default, pattern=WORDS
        )
    )


class NoteOut(BaseModel):
    id: int
    body: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, n: ContactNote) -> NoteOut:
        return cls(id=n.id, body=n.body, created_at=n.created_at, updated_at=n.updated_at)


class InteractionIn(Strict):
    kind: str = Field(
        description="meeting, call, event, introduction or other",
        json_schema_extra={"enum": list(INTERACTION_KINDS)},
    )
    occurred_at: datetime | None = Field(None, description="Default: now; never in the future")
    note: str = Field("", json_schema_extra=stated(max_length=INTERACTION_NOTE_MAX))


class InteractionOut(BaseModel):
    id: int
    kind: str
    note: str
    occurred_at: datetime
    automatic: bool = Field(
        description="True for the daily entries made by messages, comments and reactions"
    )
    count: int

    @classmethod
    def of(cls, i: Interaction) -> InteractionOut:
        return cls(
            id=i.id,
            kind=i.kind,
            note=i.note,
            occurred_at=i.occurred_at,
            automatic=i.automatic,
            count=i.count,
        )


class InteractionPage(Paged):
    items: list[InteractionOut]


class ContactUpdate(Strict):
    tier_id: Id | None = Field(None, description="Send null for no tier")
    how_we_met: str | None = Field(None, json_schema_extra=stated(max_length=HOW_WE_MET_MAX))
    cadence_days: Count | None = Field(
        None,
        description="This person's own cadence; null: follow their tier and tags",
        json_schema_extra=CADENCE,
    )


class ContactOut(BaseModel):
    member: MemberSummary
    connected: bool
    connected_since: datetime | None
    tier: TagRef | None
    tags: list[TagRef]
    how_we_met: str
    cadence_days: int | None = Field(description="The cadence in force (own, tier or tag)")
    cadence_source: str = Field(description="person, tier, tag or '' for none")
    own_cadence_days: int | None
    due_at: datetime | None
    snoozed_until: datetime | None
    last_interaction_at: datetime | None
    notes: list[NoteOut]

    @classmethod
    def of(cls, ctx: Ctx, owner: Member, other: Member) -> ContactOut:
        """What ``owner`` keeps about ``other``, with their degree badge."""
        view = contact_view(ctx, owner, other)
        found = badges(ctx, owner, [other.id])
        c = view.contact
        return cls(
            member=MemberSummary.of(other, found[other.id]),
            connected=view.connection is not None,
            connected_since=view.connection.created_at if view.connection else None,
            tier=None if view.tier is None else TagRef.of(view.tier),
            tags=[TagRef.of(t) for t in view.tags],
            how_we_met=c.how_we_met if c else "",
            cadence_days=view.cadence_days,
            cadence_source=view.cadence_source,
            own_cadence_days=c.cadence_days if c else None,
            due_at=view.due_at,
            snoozed_until=c.snoozed_until if c else None,
            last_interaction_at=c.last_interaction_at if c else None,
            notes=[NoteOut.of(n) for n in view.notes],
        )


class TagAssign(Strict):
    name: str = Field(json_schema_extra=NAME)


class SnoozeIn(Strict):
    days: Count | None = Field(
        None,
        description="Default: KITH_SNOOZE_DAYS (14)",
        json_schema_extra=stated(ge=1, le=SNOOZE_MAX_DAYS),
    )


class ContactRef(BaseModel):
    """A private contact, as lists show it."""

    id: int
    name: str
    email: str = Field(description="Write to them here; '' when unknown")
    company: str
    title: str
    url: str = Field(description="/api/v1/relationships/contacts/{id}")

    @classmethod
    def of(cls, e: DueEntry) -> ContactRef:
        """The private contact a due entry is about."""
        assert e.contact_id is not None
        return cls(
            id=e.contact_id,
            name=e.name,
            email=e.email,
            company=e.company,
            title=e.title,
            url=f"/api/v1/relationships/contacts/{e.contact_id}",
        )


class RecentPostOut(BaseModel):
    post_id: int
    created_at: datetime
    prompt: str = Field(examples=["Ana posted 2 days ago — say something"])

    @classmethod
    def of(cls, r: RecentPost) -> RecentPostOut:
        return cls(post_id=r.post_id, created_at=r.created_at, prompt=r.prompt)


class DueOut(BaseModel):
    kind: str = Field(description="member (a connection) or contact (a private contact)")
    member: MemberSummary | None = Field(description="Set for a connection")
    contact: ContactRef | None = Field(description="Set for a private contact")
    tier: str | None
    cadence_days: int
    connected_since: datetime | None = Field(description="A connection's date; null for a contact")
    added_at: datetime | None = Field(description="When a private contact was added")
    last_interaction_at: datetime | None
    due_at: datetime
    overdue_days: int
    recent_post: RecentPostOut | None = Field(
        None, description="A connection's newest post of the last 30 days that you may read"
    )

    @classmethod
    def of(
        cls, e: DueEntry, member: MemberSummary | None, recent: RecentPost | None = None
    ) -> DueOut:
        """A due entry; ``member`` is the connection's summary, None for a private contact."""
        return cls(
            kind=e.kind,
            member=member,
            contact=None if e.member is not None else ContactRef.of(e),
            tier=e.tier,
            cadence_days=e.cadence_days,
            connected_since=e.connected_at if e.member is not None else None,
            added_at=None if e.member is not None else e.connected_at,
            last_interaction_at=e.last_interaction_at,
            due_at=e.due_at,
            overdue_days=e.overdue_days,
            recent_post=RecentPostOut.of(recent) if recent is not None else None,
        )


class DuePage(Paged):
    items: list[DueOut]


class MomentOut(BaseModel):
    member: MemberSummary
    kind: str = Field(description="anniversary or new_position")
    title: str
    company: str
    years: int
    started: date
    suggested_message: str
    post_id: int | None = Field(
        None,
        description="The post in which they shared it, if you may read it: congratulate with "
        "POST /relationships/moments/{handle}/congratulate (a comment on it)",
    )

    @classmethod
    def of(cls, m: Moment, member: MemberSummary) -> MomentOut:
        return cls(
            member=member,
            kind=m.kind,
            title=m.title,
            company=m.company,
            years=m.years,
            started=m.started,
            suggested_message=m.suggestion,
            post_id=m.post_id,
        )


class OwnMomentOut(BaseModel):
    kind: str = Field(description="anniversary or new_position")
    title: str
    company: str
    years: int
    started: date
    share_text: str = Field(description="A post to start from, for POST /posts")

    @classmethod
    def of(cls, m: Moment) -> OwnMomentOut:
        return cls(
            kind=m.kind,
            title=m.title,
            company=m.company,
            years=m.years,
            started=m.started,
            share_text=share_text(m),
        )


class CongratulatedOut(BaseModel):
    post_id: int
    comment_id: int


class FollowUpOut(BaseModel):
    id: int
    member: MemberSummary
    connected_at: datetime
    invited_by_you: bool
    note: str = Field(description="The invitation's note")
    context: str = Field(description="How you know each other, from the invitation")

    @classmethod
    def of(cls, f: FollowUpEntry, member: MemberSummary) -> FollowUpOut:
        return cls(
            id=f.follow_up.id,
            member=member,
            connected_at=f.follow_up.created_at,
            invited_by_you=f.invited_by_you,
            note=f.note,
            context=f.context,
        )


class PruneOut(BaseModel):
    member: MemberSummary
    connected_since: datetime
    last_interaction_at: datetime | None
    mutual_connections: int
    shared: list[str]
    messaged: bool
    reasons: list[str]

    @classmethod
    def of(cls, c: PruneCandidate) -> PruneOut:
        """A dormant connection, summarised from what the suggestion already holds."""
        return cls(
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


class PrunePage(Paged):
    items: list[PruneOut]


class Handles(Strict):
    handles: list[str] = Field(min_length=1, max_length=500)


class PruneIn(Handles):
    confirm: Flag = Field(False, description="Must be true: you have read the preview")


class RemovalOut(BaseModel):
    member: MemberSummary
    connected_since: datetime
    you_follow: bool
    follows_you: bool
    endorsements: int = Field(
        description="Endorsements between you (both directions) that the removal hides"
    )
    recommendations: int = Field(
        description="Recommendations between you (either way) that the removal hides"
    )
    what_goes: str

    @classmethod
    def of(cls, i: RemovalPreview, member: MemberSummary) -> RemovalOut:
        return cls(
            member=member,
            connected_since=i.connected_at,
            you_follow=i.you_follow,
            follows_you=i.follows_you,
            endorsements=i.endorsements,
            recommendations=i.recommendations,
            what_goes=i.sentence,
        )


class PrunePreviewOut(BaseModel):
    items: list[RemovalOut]
    explanation: str

    @classmethod
    def of(cls, items: list[RemovalPreview], members: list[MemberSummary]) -> PrunePreviewOut:
        """The preview, each removal with its member's summary (in the same order)."""
        return cls(
            items=[RemovalOut.of(i, who) for i, who in zip(items, members, strict=True)],
            explanation=PRUNE_EXPLANATION,
        )


class Removed(BaseModel):
    removed: int


class BulkTagIn(Handles):
    tag: str = Field(json_schema_extra=NAME)


class BulkUntagIn(Handles):
    tag_id: Id


class ContactRowOut(BaseModel):
    member: MemberSummary
    connected_since: datetime
    tier: TagRef | None
    tags: list[TagRef]
    last_interaction_at: datetime | None

    @classmethod
    def of(cls, r: ContactRow, member: MemberSummary) -> ContactRowOut:
        return cls(
            member=member,
            connected_since=r.connected_at,
            tier=None if r.contact is None or r.contact.tier is None else TagRef.of(r.contact.tier),
            tags=[TagRef.of(t) for t in (r.contact.tags if r.contact else [])],
            last_interaction_at=r.contact.last_interaction_at if r.contact else None,
        )


class ContactPage(Paged):
    items: list[ContactRowOut]


class PrivateContactIn(Strict):
    name: str = Field(
        description="Required",
        json_schema_extra=stated(
            min_length=1, max_length=CONTACT_FIELDS_MAX["name"], pattern=WORDS
        ),
    )
    email: str = Field("", json_schema_extra=stated(max_length=CONTACT_FIELDS_MAX["email"]))
    company: str = Field("", json_schema_extra=stated(max_length=CONTACT_FIELDS_MAX["company"]))
    title: str = Field("", json_schema_extra=stated(max_length=CONTACT_FIELDS_MAX["title"]))
    url: str = Field(
        "",
        description="Where they are elsewhere, e.g. a profile URL (http or https)",
        json_schema_extra=stated(max_length=CONTACT_FIELDS_MAX["url"]),
    )


class PrivateContactUpdate(ContactUpdate):
    name: str | None = None
    email: str | None = Field(None, description="Send '' to forget it")
    company: str | None = None
    title: str | None = None


class PrivateContactOut(BaseModel):
    id: int
    name: str
    email: str
    company: str
    title: str
    url: str
    source: str = Field(description="linkedin for an import, '' when added on Kith")
    connected_elsewhere_on: date | None
    added_at: datetime
    on_kith: MemberSummary | None = Field(
        description="The member they were recognised as: connect to turn them into a connection"
    )
    match: str | None = Field(
        description="How they were recognised: url, email, name_company, name"
    )
    tier: TagRef | None
    tags: list[TagRef]
    how_we_met: str
    cadence_days: int | None = Field(description="The cadence in force (own, tier or tag)")
    cadence_source: str = Field(description="person, tier, tag or '' for none")
    own_cadence_days: int | None
    due_at: datetime | None
    snoozed_until: datetime | None
    last_interaction_at: datetime | None
    notes: list[NoteOut]

    @classmethod
    def of(cls, ctx: Ctx, owner: Member, contact_id: int) -> PrivateContactOut:
        """What ``owner`` keeps about a private contact, and the member they were
        recognised as (with their degree badge) when the owner may see them."""
        view = private_contact_view(ctx, owner, contact_id)
        c = view.contact
        on_kith = None
        if view.on_kith is not None:
            found = badges(ctx, owner, [view.on_kith.id])
            on_kith = MemberSummary.of(view.on_kith, found[view.on_kith.id])
        return cls(
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
            tier=None if view.tier is None else TagRef.of(view.tier),
            tags=[TagRef.of(t) for t in view.tags],
            how_we_met=c.how_we_met,
            cadence_days=view.cadence_days,
            cadence_source=view.cadence_source,
            own_cadence_days=c.cadence_days,
            due_at=view.due_at,
            snoozed_until=c.snoozed_until,
            last_interaction_at=c.last_interaction_at,
            notes=[NoteOut.of(n) for n in view.notes],
        )


class PrivateContactRowOut(BaseModel):
    id: int
    name: str
    email: str
    company: str
    title: str
    source: str
    added_at: datetime
    on_kith: bool = Field(description="Recognised as a member")
    tier: TagRef | None
    tags: list[TagRef]
    last_interaction_at: datetime | None

    @classmethod
    def of(cls, c: Contact) -> PrivateContactRowOut:
        return cls(
            id=c.id,
            name=c.name,
            email=c.email,
            company=c.company,
            title=c.title,
            source=c.source,
            added_at=c.created_at,
            on_kith=c.matched_member_id is not None,
            tier=None if c.tier is None else TagRef.of(c.tier),
            tags=[TagRef.of(t) for t in c.tags],
            last_interaction_at=c.last_interaction_at,
        )


class PrivateContactPage(Paged):
    items: list[PrivateContactRowOut]


class ContactIds(Strict):
    ids: list[Id] = Field(min_length=1, max_length=500)


class BulkContactTagIn(ContactIds):
    tag: str = Field(json_schema_extra=NAME)


class BulkContactUntagIn(ContactIds):
    tag_id: Id
