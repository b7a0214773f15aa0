"""What an import adds to the owner's own records about people: the columns Kith's
export adds (tags, tier, how we met, notes, last interaction) and the LinkedIn
messages exchanged (one logged interaction per person: how many, and the last one's
date; never a message's text). Nothing is overwritten, nothing added twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert, select, update

from kith.clock import day_text
from kith.errors import KithError
from kith.models import Contact, ContactNote, ContactTag, Interaction, Member
from kith.portability.matching import chunks
from kith.portability.records import KithColumns, MessageTally
from kith.portability.reports import ReportRow
from kith.relationships.tiers_tags import tag_named, tier_named
from kith.uow import Ctx

__all__ = [
    "CONTACTS",
    "LINKEDIN_MESSAGES",
    "Extra",
    "apply_kith_columns",
    "apply_messages",
    "owner_records",
]

# Rows are written with Core statements: one multi-row INSERT per chunk.
CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
CONTACT_TAGS: Table = ContactTag.__table__  # type: ignore[assignment]
CONTACT_NOTES: Table = ContactNote.__table__  # type: ignore[assignment]
INTERACTIONS: Table = Interaction.__table__  # type: ignore[assignment]
LINKEDIN_MESSAGES = "LinkedIn messages"  # the note of the interaction messages.csv gives


@dataclass(slots=True)
class Extra:
    """Kith's own columns for one row: onto ``report.contact_id``, or, for a row that is
    already a connection, onto the owner's record about ``member_id``."""

    report: ReportRow
    columns: KithColumns
    member_id: int | None = None


def owner_records(ctx: Ctx, owner: Member, members: Sequence[int]) -> dict[int, int]:
    """The owner's contact record about each of these members (connections), made
    where missing."""
    record: dict[int, int] = {}
    wanted = sorted(set(members))
    for chunk in chunks(wanted):
        for cid, other in ctx.session.execute(
            select(Contact.id, Contact.other_id).where(
                Contact.owner_id == owner.id, Contact.other_id.in_(chunk)
            )
        ):
            record[int(other or 0)] = int(cid)
    missing = [m for m in wanted if m not in record]
    now = ctx.clock.now()
    for chunk in chunks(missing):
        for cid, other in ctx.session.execute(
            insert(CONTACTS).returning(CONTACTS.c.id, CONTACTS.c.other_id),
            [{"owner_id": owner.id, "other_id": m, "created_at": now} for m in chunk],
        ):
            record[int(other or 0)] = int(cid)
    return record


def apply_messages(
    ctx: Ctx, owner: Member, messages: Sequence[tuple[ReportRow, MessageTally, int | None]]
) -> None:
    """One logged interaction per person the owner exchanged LinkedIn messages with: the
    number of messages and the last one's date; importing again updates it."""
    if not messages:
        return
    record = owner_records(ctx, owner, [m for _, _, m in messages if m is not None])
    by_contact: dict[int, tuple[ReportRow, MessageTally]] = {}
    for report, tally, member_id in messages:
        cid = record[member_id] if member_id is not None else report.contact_id
        if cid is not None:
            by_contact[cid] = (report, tally)
    have: dict[int, Any] = {}
    last: dict[int, datetime | None] = {}
    ids = sorted(by_contact)
    for chunk in chunks(ids):
        for row in ctx.session.execute(
            select(
                Interaction.id, Interaction.contact_id, Interaction.count, Interaction.occurred_at
            ).where(
                Interaction.contact_id.in_(chunk),
                Interaction.automatic.is_(False),
                Interaction.kind == "message",
                Interaction.note.startswith(LINKEDIN_MESSAGES),
            )
        ):
            have[int(row.contact_id)] = row
        for cid, at in ctx.session.execute(
            select(Contact.id, Contact.last_interaction_at).where(Contact.id.in_(chunk))
        ):
            last[int(cid)] = at
    now = ctx.clock.now()
    new, changed, touched = [], [], []
    for cid in ids:
        report, tally = by_contact[cid]
        note = f"{LINKEDIN_MESSAGES}: {tally.count:,}, the last on {day_text(tally.last_at)}"
        values = {
            "note": note,
            "occurred_at": tally.last_at,
            "day": tally.last_at.date(),
            "count": tally.count,
        }
        entry = have.get(cid)
        if entry is None:
            new.append(
                {**values, "contact_id": cid, "kind": "message", "automatic": False}
                | {"created_at": now}
            )
        elif entry.count != tally.count or entry.occurred_at != tally.last_at:
            changed.append({"id": entry.id, **values})
        else:
            continue
        previous = last.get(cid)
        if previous is None or previous < tally.last_at:
            touched.append({"id": cid, "last_interaction_at": tally.last_at})
        report.detail += f"; {note.lower()}"
        if report.status == "unchanged":
            report.status = "updated"
            report.detail = report.detail.replace("already imported; ", "updated: ", 1)
    for chunk in chunks(new):
        ctx.session.execute(insert(INTERACTIONS), list(chunk))
    if changed:
        ctx.session.execute(update(Interaction), changed)
    if touched:
        ctx.session.execute(update(Contact), touched)


def apply_kith_columns(ctx: Ctx, owner: Member, extras: Sequence[Extra]) -> None:
    """Tier, tags, how we met, notes and last interaction from Kith's own export, added
    to what the owner already keeps (nothing is overwritten, nothing added twice)."""
    if not extras:
        return
    session, now = ctx.session, ctx.clock.now()
    record = owner_records(ctx, owner, [e.member_id for e in extras if e.member_id is not None])
    for e in extras:
        if e.member_id is not None:
            e.report.contact_id = record[e.member_id]
    ids = sorted({e.report.contact_id for e in extras if e.report.contact_id is not None})
    state: dict[int, Any] = {}
    tags: dict[int, set[int]] = defaultdict(set)
    notes: dict[int, set[str]] = defaultdict(set)
    for chunk in chunks(ids):
        for row in session.execute(
            select(
                Contact.id, Contact.tier_id, Contact.how_we_met, Contact.last_interaction_at
            ).where(Contact.id.in_(chunk))
        ):
            state[int(row.id)] = row
        for cid, tid in session.execute(
            select(ContactTag.contact_id, ContactTag.tag_id).where(ContactTag.contact_id.in_(chunk))
        ):
            tags[int(cid)].add(int(tid))
        for cid, body in session.execute(
            select(ContactNote.contact_id, ContactNote.body).where(
                ContactNote.contact_id.in_(chunk)
            )
        ):
            notes[int(cid)].add(str(body).strip())
    tiers: dict[str, int | KithError] = {}
    tag_ids: dict[str, int | KithError] = {}

    def named(
        cache: dict[str, int | KithError], make: Callable[[Ctx, Member, str], Any], name: str
    ) -> int | KithError:
        if name not in cache:
            try:
                with session.begin_nested():
                    cache[name] = int(make(ctx, owner, name).id)
            except KithError as exc:
                cache[name] = exc
        return cache[name]

    updates: list[dict[str, Any]] = []
    new_tags: list[dict[str, int]] = []
    new_notes: list[dict[str, Any]] = []
    note_max = ctx.settings.note_max
    for e in extras:
        if e.report.contact_id is None:
            continue
        cid = e.report.contact_id
        cols, have, changed, problems = e.columns, state[cid], [], []
        change: dict[str, Any] = {}
        if cols.tier and have.tier_id is None:
            tier = named(tiers, tier_named, cols.tier)
            if isinstance(tier, KithError):
                problems.append(f"tier “{cols.tier}” not set: {tier.message}")
            else:
                change["tier_id"] = tier
                changed.append("tier")
        if cols.how_we_met and not have.how_we_met:
            change["how_we_met"] = cols.how_we_met[:500]
            changed.append("how we met")
        if cols.last_interaction is not None:
            when = datetime(
                cols.last_interaction.year,
                cols.last_interaction.month,
                cols.last_interaction.day,
                tzinfo=UTC,
            )
            if have.last_interaction_at is None or have.last_interaction_at < when:
                change["last_interaction_at"] = when
                changed.append("last interaction")
        if change:
            updates.append({"id": cid, **change})
        added_tags = 0
        for name in cols.tags:
            tag = named(tag_ids, tag_named, name)
            if isinstance(tag, KithError):
                problems.append(f"tag “{name}” not added: {tag.message}")
            elif tag not in tags[cid]:
                tags[cid].add(tag)
                new_tags.append({"contact_id": cid, "tag_id": tag})
                added_tags += 1
        if added_tags:
            changed.append("tags")
        added_notes = 0
        for body in cols.notes:
            body = body[:note_max].strip()
            if body and body not in notes[cid]:
                notes[cid].add(body)
                new_notes.append(
                    {"contact_id": cid, "body": body, "created_at": now, "updated_at": now}
                )
                added_notes += 1
        if added_notes:
            changed.append("notes")
        r = e.report
        if changed:
            if r.status == "unchanged":
                r.status, r.detail = "updated", "updated: " + ", ".join(changed)
            elif r.status == "updated":
                r.detail += ", " + ", ".join(changed)
            elif r.status == "connected":
                r.detail += "; added " + ", ".join(changed)
        if problems:
            r.detail += "; " + "; ".join(problems)
    if updates:
        session.execute(update(Contact), updates)
    for chunk in chunks(new_tags):
        session.execute(insert(CONTACT_TAGS), list(chunk))
    for chunk in chunks(new_notes):
        session.execute(insert(CONTACT_NOTES), list(chunk))
