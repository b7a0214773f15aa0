"""Keeping in touch: the due-to-reconnect list (connections and private contacts past
their cadence), the follow-up prompts after connecting, and congratulation moments
(work anniversaries and new positions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import selectinload

from kith.clock import as_utc
from kith.connections.queries import block_exists
from kith.errors import NotFound
from kith.models import (
    Company,
    Connection,
    Contact,
    ContactTag,
    FollowUp,
    Invitation,
    Member,
    Position,
    Tag,
    Tier,
)
from kith.models.types import UTCDateTime
from kith.pagination import Page, PageRequest
from kith.posts.recent import moment_posts
from kith.relationships.queries import connected_ids, connection_with, owner_connections
from kith.uow import Ctx

# Statements each list sends, whatever the size of the network (the tests and the
# benchmark assert them): the due list counts and reads one page in one statement;
# pruning reads the dormant connections, shared companies and schools, then one page.
DUE_QUERY_COUNT = 1


@dataclass
class DueEntry:
    """Someone due to reconnect: a connection (``member``) or a private contact
    (``member`` is None; ``contact_id``, ``name``, ``email``, ``company`` and ``title``
    say who). ``connected_at`` is when the clock first started: the connection date,
    or when the private contact was added."""

    member: Member | None
    connected_at: datetime
    last_interaction_at: datetime | None
    cadence_days: int
    due_at: datetime
    overdue_days: int
    tier: str | None = None
    contact_id: int | None = None
    name: str = ""
    email: str = ""
    company: str = ""
    title: str = ""

    @property
    def kind(self) -> Literal["member", "contact"]:
        return "member" if self.member is not None else "contact"

    @property
    def display_name(self) -> str:
        return self.member.name if self.member is not None else self.name


def _tag_cadences(owner_id: int) -> Any:
    return (
        select(
            ContactTag.contact_id.label("contact_id"),
            func.min(Tag.cadence_days).label("cadence"),
        )
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Tag.owner_id == owner_id, Tag.cadence_days.is_not(None))
        .group_by(ContactTag.contact_id)
        .subquery()
    )


def _least(a: Any, b: Any) -> Any:
    """SQL: the smaller of two nullable integers, ignoring nulls."""
    return case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def _plus_days(ctx: Ctx, when: Any, days: Any) -> Any:
    """SQL: ``when`` + ``days`` days, comparable with :func:`_instant` on both backends."""
    if ctx.session.get_bind().dialect.name == "sqlite":
        return func.julianday(when) + days
    return when + func.make_interval(0, 0, 0, days)


def _instant(ctx: Ctx, when: datetime) -> Any:
    if ctx.session.get_bind().dialect.name == "sqlite":
        naive = when.astimezone(UTC).replace(tzinfo=None)
        return func.julianday(literal(naive.isoformat(sep=" ")))
    return literal(when, UTCDateTime())


def due_to_reconnect(ctx: Ctx, owner: Member, req: PageRequest) -> Page[DueEntry]:
    """Connections and private contacts whose keep-in-touch cadence has run out, most
    overdue first.

    The cadence in force is the person's own, else the shortest of their tier's and
    their tags'; it runs from the last interaction (or the connection date; for a
    private contact, the day they were added). Filtered, ordered, counted (a window
    count) and paginated in the database: one statement at any size.
    """
    now = ctx.clock.now()
    base = _due_base(owner, now)
    cadence = func.coalesce(base.c.own, _least(base.c.tier_cadence, base.c.tag_cadence))
    due_at = _plus_days(ctx, base.c.since, cadence)
    where = (
        or_(base.c.other_id.is_(None), Member.is_active.is_(True)),
        cadence.is_not(None),
        due_at <= _instant(ctx, now),
    )
    private_last = case((base.c.other_id.is_(None), 1), else_=0)
    stmt = (
        select(
            Member,
            base.c.last,
            base.c.since,
            cadence,
            base.c.tier,
            func.count().over().label("total"),
            base.c.connected,
            base.c.contact_id,
            base.c.name,
            base.c.email,
            base.c.company,
            base.c.title,
        )
        .select_from(base)
        .outerjoin(Member, Member.id == base.c.other_id)
        .where(*where)
        .order_by(due_at, private_last, Member.id, base.c.contact_id)
        .limit(req.per_page)
        .offset(req.offset)
    )
    rows = ctx.session.execute(stmt).all()
    if rows:
        total = int(rows[0][5])
    elif req.page > 1:  # past the end: count separately
        total = int(
            ctx.session.scalar(
                select(func.count())
                .select_from(base)
                .outerjoin(Member, Member.id == base.c.other_id)
                .where(*where)
            )
            or 0
        )
    else:
        total = 0
    return Page([_due_entry(row, now) for row in rows], total, req.page, req.per_page)


def _due_base(owner: Member, now: datetime) -> Any:
    """SQL: each of the owner's records with its figures once (a materialized CTE), for
    the due rule on top. A member's record counts while they are a connection; a private
    contact always; a snoozed one not until the snooze ends."""
    tags = _tag_cadences(owner.id)
    mine = owner_connections(owner.id)
    started = func.coalesce(mine.c.connected_at, Contact.created_at)
    since = func.coalesce(Contact.last_interaction_at, started)
    return (
        select(
            Contact.id.label("contact_id"),
            Contact.other_id.label("other_id"),
            Contact.last_interaction_at.label("last"),
            type_coerce(since, UTCDateTime()).label("since"),
            type_coerce(started, UTCDateTime()).label("connected"),
            Contact.cadence_days.label("own"),
            Tier.cadence_days.label("tier_cadence"),
            Tier.name.label("tier"),
            tags.c.cadence.label("tag_cadence"),
            Contact.name.label("name"),
            Contact.email.label("email"),
            Contact.company.label("company"),
            Contact.title.label("title"),
        )
        .select_from(Contact)
        .outerjoin(mine, mine.c.other == Contact.other_id)
        .outerjoin(Tier, Tier.id == Contact.tier_id)
        .outerjoin(tags, tags.c.contact_id == Contact.id)
        .where(
            Contact.owner_id == owner.id,
            or_(mine.c.other.is_not(None), Contact.other_id.is_(None)),
            or_(Contact.snoozed_until.is_(None), Contact.snoozed_until <= now),
        )
        .cte("due_base")
        .prefix_with("MATERIALIZED")
    )


def _due_entry(row: Any, now: datetime) -> DueEntry:
    """One row of the due statement as an entry."""
    member, last, since_at, days, tier, _total, connected_at = row[:7]
    contact_id, name, email, company, title = row[7:]
    due = as_utc(since_at) + timedelta(days=int(days))
    return DueEntry(
        member=member,
        connected_at=as_utc(connected_at),
        last_interaction_at=None if last is None else as_utc(last),
        cadence_days=int(days),
        due_at=due,
        overdue_days=(now - due).days,
        tier=tier,
        contact_id=int(contact_id),
        name=name if member is None else "",
        email=email if member is None else "",
        company=company if member is None else "",
        title=title if member is None else "",
    )


@dataclass
class FollowUpEntry:
    follow_up: FollowUp
    other: Member
    note: str
    context: str
    invited_by_you: bool


def follow_ups(ctx: Ctx, owner: Member, *, limit: int = 20) -> list[FollowUpEntry]:
    """New connections to thank or follow up with, newest first, with the invitation's
    note and context; each prompt lasts ``follow_up_days`` or until you write."""
    since = ctx.clock.now() - timedelta(days=ctx.settings.follow_up_days)
    rows = ctx.session.execute(
        select(FollowUp, Invitation)
        .outerjoin(Invitation, Invitation.id == FollowUp.invitation_id)
        .join(Member, Member.id == FollowUp.other_id)
        .join(Connection, connection_with(owner.id, FollowUp.other_id))
        .where(
            FollowUp.owner_id == owner.id,
            FollowUp.closed_at.is_(None),
            FollowUp.created_at > since,
            Member.is_active.is_(True),
            ~block_exists(owner.id, FollowUp.other_id),
        )
        .options(selectinload(FollowUp.other))
        .order_by(FollowUp.created_at.desc(), FollowUp.id.desc())
        .limit(limit)
    ).all()
    return [
        FollowUpEntry(
            follow_up=f,
            other=f.other,
            note=inv.note if inv else "",
            context=inv.context if inv else "",
            invited_by_you=f.invited_by_owner,
        )
        for f, inv in rows
    ]


def follow_up_with(ctx: Ctx, owner: Member, other: Member) -> FollowUpEntry | None:
    for entry in follow_ups(ctx, owner, limit=100):
        if entry.other.id == other.id:
            return entry
    return None


def dismiss_follow_up(ctx: Ctx, owner: Member, follow_up_id: int) -> FollowUp:
    follow_up = ctx.session.get(FollowUp, follow_up_id)
    if follow_up is None or follow_up.owner_id != owner.id:
        raise NotFound("There is no such follow-up.", code="follow_up_not_found")
    if follow_up.closed_at is None:
        follow_up.closed_at = ctx.clock.now()
        follow_up.outcome = "dismissed"
        ctx.session.flush()
    return follow_up


@dataclass
class Moment:
    member: Member
    kind: Literal["anniversary", "new_position"]
    title: str
    company: str
    years: int
    started: date
    # The post in which they shared the news, when the owner may read it: then
    # congratulations become a comment on it.
    post_id: int | None = None

    @property
    def since(self) -> datetime:
        """From when a post about it is news: the start of the position, or of the
        anniversary's month."""
        if self.kind == "new_position":
            day = self.started
        else:
            day = date(self.started.year + self.years, self.started.month, 1)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    @property
    def suggestion(self) -> str:
        if self.kind == "anniversary":
            plural = "year" if self.years == 1 else "years"
            return (
                f"Congratulations on {self.years} {plural} at {self.company}, "
                f"{self.member.first_name}!"
            )
        return f"Congratulations on your new role as {self.title} at {self.company}!"


def moments(ctx: Ctx, owner: Member, *, limit: int = 50) -> list[Moment]:
    """Work anniversaries this month and positions started in the last
    ``new_position_days`` among one's connections, from their profile dates."""
    now = ctx.clock.now()
    recent = (now - timedelta(days=ctx.settings.new_position_days)).date()
    stmt = (
        select(Position, Member, Company.name)
        .join(Member, Member.id == Position.member_id)
        .join(Company, Company.id == Position.company_id)
        .where(
            Position.member_id.in_(connected_ids(owner.id)),
            Position.end_year.is_(None),
            Member.is_active.is_(True),
            or_(
                and_(Position.start_month == now.month, Position.start_year < now.year),
                Position.start_year >= recent.year,
            ),
        )
    )
    found: list[Moment] = []
    for position, member, company in ctx.session.execute(stmt):
        started = date(position.start_year, position.start_month or 1, 1)
        if started >= date(recent.year, recent.month, 1) and started <= now.date():
            found.append(Moment(member, "new_position", position.title, company, 0, started))
        elif position.start_month == now.month and position.start_year < now.year:
            years = now.year - position.start_year
            found.append(Moment(member, "anniversary", position.title, company, years, started))
    found.sort(key=lambda m: (m.kind != "new_position", -m.started.toordinal(), m.member.id))
    found = found[:limit]
    shared = moment_posts(ctx, owner.id, [(m.member.id, m.since, m.company) for m in found])
    for m in found:
        post = shared.get(m.member.id)
        m.post_id = post.id if post is not None else None
    return found
