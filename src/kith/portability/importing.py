"""Bringing one's LinkedIn network in: every person in the export is matched to a
member or kept as a private contact, and every row is accounted for in a report.

For each person (a row of ``Connections.csv``, or the other side of a row of
``Invitations.csv``) the importer looks for a member, surest first:

======================  ==========  ===================================================
how                     sureness    rule
======================  ==========  ===================================================
``url``                 certain     the URL is this community's ``/in/<handle>`` address
``email``               certain     the email address is a member's sign-in address
``name_company``        likely      exactly one member has the same name and works or
                                    worked at the same company
``handle``              likely      the LinkedIn address is ``/in/<handle>`` of a member
                                    with the same name
``name``                possible    exactly one member has the same name
======================  ==========  ===================================================

Members who blocked the importer, or whom the importer blocked, are never matched,
nor are deactivated members. A person already connected on Kith is reported as such
(what Kith's own export adds about them — tags, tier, how we met, notes — goes onto
that connection). Everyone else becomes a *private contact* of the importer
(``Contact`` with ``other_id`` NULL) that the relationship tools work on; a matched
one remembers the member, can be invited from the report, and turns into the
connection's record when the two connect.

Each person has a ``source_key`` (their LinkedIn address, else another URL, else the
email address, else name and company), unique per owner, and is looked for among the
owner's earlier contacts by each of those in turn, so importing the same file again
changes nothing and an older export without URLs finds the same people. Name and
company alone never join two people who have different profile addresses.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Table, case, func, insert, or_, select, update

from kith.connections.queries import (
    invitations_sent_since,
    lock_members,
    reads_pending_to_sender,
)
from kith.connections.service import policy_refusal, send_invitation
from kith.db import Ctx
from kith.errors import Invalid, KithError, LimitReached, NotFound
from kith.idlists import id_in
from kith.members.service import entity_key
from kith.models import (
    OPEN_STATUSES,
    Block,
    Company,
    Connection,
    Contact,
    ContactNote,
    ContactTag,
    ImportRun,
    Invitation,
    Member,
    Position,
)
from kith.pagination import Page, PageRequest, paginate_rows
from kith.portability.linkedin import (
    EducationRow,
    KithColumns,
    LinkedInExport,
    PositionRow,
    ProfileRow,
    Skipped,
    profile_slug,
)
from kith.relationships.linking import link_private_contacts
from kith.relationships.tiers_tags import tag_named, tier_named

__all__ = [
    "CONFIDENCE",
    "forget_member_in_reports",
    "ImportReport",
    "ImportedMatch",
    "InviteOutcome",
    "ReportRow",
    "get_import",
    "import_linkedin",
    "imported_matches",
    "invitations_left",
    "invite_matches",
    "list_imports",
    "report_of",
]

CONFIDENCE = {
    "url": "certain",
    "email": "certain",
    "handle": "likely",
    "name_company": "likely",
    "name": "possible",
}
HOW = {
    "url": "by their profile address here",
    "email": "by email address",
    "name_company": "by name and company",
    "handle": "by their LinkedIn address and name",
    "name": "by name only",
}
CHUNK = 500
INVITE_BATCH_MAX = 500  # people invited from a report at once (pages, API, CLI)
# Rows are written with Core statements: one multi-row INSERT per chunk.
CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
CONTACT_TAGS: Table = ContactTag.__table__  # type: ignore[assignment]
CONTACT_NOTES: Table = ContactNote.__table__  # type: ignore[assignment]
Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- report
@dataclass(slots=True)
class ReportRow:
    """What happened to one row of the export.

    ``status``: ``new`` (a private contact was made), ``updated`` (an earlier import's
    contact was brought up to date), ``unchanged`` (already imported, nothing to do),
    ``connected`` (already a connection on Kith), ``profile`` (a row of the member's
    own profile files) or ``skipped`` (not used; ``detail`` says why).
    """

    file: str
    line: int
    status: str
    detail: str
    name: str = ""
    contact_id: int | None = None
    member_id: int | None = None
    member_name: str = ""
    member_handle: str = ""
    match: str | None = None

    @property
    def confidence(self) -> str:
        return CONFIDENCE.get(self.match or "", "")


@dataclass(slots=True)
class ImportReport:
    id: int
    created_at: datetime
    filename: str
    seconds: float
    files: list[str]
    counts: dict[str, int]
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def matched(self) -> int:
        return sum(1 for r in self.rows if r.member_id is not None and r.status != "connected")


STATUSES = ("new", "updated", "unchanged", "connected", "profile", "skipped")


def report_of(run: ImportRun) -> ImportReport:
    data = json.loads(run.report or "{}")
    return ImportReport(
        id=run.id,
        created_at=run.created_at,
        filename=run.filename,
        seconds=run.seconds,
        files=list(data.get("files", [])),
        counts={k: int(v) for k, v in data.get("counts", {}).items()},
        rows=[ReportRow(**r) for r in data.get("rows", [])],
    )


# --------------------------------------------------------------------------- people
@dataclass(frozen=True, slots=True)
class _Person:
    file: str
    line: int
    first_name: str
    last_name: str
    url: str
    email: str
    company: str
    title: str
    connected_on: date | None
    kith: KithColumns | None = None

    @property
    def name(self) -> str:
        return " ".join(f"{self.first_name} {self.last_name}".split())


def _fold(text: str) -> str:
    """Names compared without case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _split_name(full: str) -> tuple[str, str]:
    parts = full.split()
    if len(parts) < 2:
        return full.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


def _lookup(
    index: dict[str, dict[str, Any]], keys: Sequence[str], address: str
) -> dict[str, Any] | None:
    """The first entry any of ``keys`` finds. Name and company alone identify someone
    only when one side has no address: two people of the same name at the same company
    with different profile addresses are two people."""
    for k in keys:
        hit = index.get(k)
        if hit is None:
            continue
        if k.startswith("name:") and address:
            theirs = person_keys(str(hit.get("url") or ""), "", "", "")
            if theirs and theirs[0] != address:
                continue
        return hit
    return None


def person_keys(url: str, email: str, name: str, company: str) -> list[str]:
    """Every way this person can be known within the owner's imports, surest first:
    their LinkedIn address, another URL, the email address, name and company. The
    first is their ``source_key``; the others find them again in an export that lacks
    it (an older export without URLs, say)."""
    keys = []
    slug = profile_slug(url)
    if slug:
        keys.append(f"linkedin:{slug}")
    elif url:
        keys.append(f"url:{url.strip().rstrip('/').lower()}")
    if email:
        keys.append(f"email:{email.strip().lower()}")
    folded = _fold(name)
    if folded:
        keys.append(f"name:{folded}|{entity_key(company)}")
    return [k[:400] for k in keys]


def _people(export: LinkedInExport) -> list[_Person]:
    people = [
        _Person(
            "Connections.csv",
            c.line,
            c.first_name,
            c.last_name,
            c.url,
            c.email,
            c.company,
            c.position,
            c.connected_on,
            c.kith,
        )
        for c in export.connections
    ]
    for inv in export.invitations:
        other, url = (
            (inv.recipient, inv.invitee_url)
            if inv.direction == "outgoing"
            else (inv.sender, inv.inviter_url)
        )
        first, last = _split_name(other)
        people.append(_Person("Invitations.csv", inv.line, first, last, url, "", "", "", None))
    return people


# --------------------------------------------------------------------------- matching
@dataclass(frozen=True, slots=True)
class _Candidate:
    id: int
    handle: str
    name: str
    folded: str


class _Matcher:
    """Finds the member behind each person with a handful of batched queries."""

    def __init__(self, ctx: Ctx, owner: Member, people: Sequence[_Person]) -> None:
        self.owner = owner
        base = urlsplit(ctx.settings.base_url)
        self.host = base.netloc.lower()
        session = ctx.session
        handles = {h for p in people if (h := self._kith_handle(p.url))}
        handles |= {s for p in people if (s := profile_slug(p.url))}
        emails = {p.email for p in people if p.email}
        names = {_fold(p.name): p.last_name.lower() for p in people if p.last_name}
        active = Member.is_active.is_(True)
        cols = (Member.id, Member.handle, Member.first_name, Member.last_name)
        self.by_handle: dict[str, _Candidate] = {}
        for chunk in _chunks(sorted(handles)):
            for row in session.execute(select(*cols).where(Member.handle.in_(chunk), active)):
                self.by_handle[row.handle] = self._candidate(row)
        self.by_email: dict[str, _Candidate] = {}
        for chunk in _chunks(sorted(emails)):
            for erow in session.execute(
                select(*cols, Member.email).where(Member.email.in_(chunk), active)
            ):
                self.by_email[erow.email] = self._candidate(erow)
        self.by_name: dict[str, list[_Candidate]] = defaultdict(list)
        # By last name (one indexable IN list), then the whole name compared here.
        for chunk in _chunks(sorted(set(names.values()))):
            last = func.lower(Member.last_name)
            for row in session.execute(select(*cols).where(last.in_(chunk), active)):
                cand = self._candidate(row)
                if cand.folded in names:
                    self.by_name[cand.folded].append(cand)
        ids = sorted({c.id for cands in self.by_name.values() for c in cands})
        self.companies: dict[int, set[str]] = defaultdict(set)
        for chunk in _chunks(ids):
            for member_id, key in session.execute(
                select(Position.member_id, Company.key)
                .join(Company, Company.id == Position.company_id)
                .where(Position.member_id.in_(chunk))
            ):
                self.companies[int(member_id)].add(str(key))
        blocked = session.execute(
            select(Block.blocker_id, Block.blocked_id).where(
                Block.unblocked_at.is_(None),
                or_(Block.blocker_id == owner.id, Block.blocked_id == owner.id),
            )
        )
        self.blocked = {b if a == owner.id else a for a, b in blocked}

    @staticmethod
    def _candidate(row: Any) -> _Candidate:
        name = f"{row.first_name} {row.last_name}".strip()
        return _Candidate(int(row.id), str(row.handle), name, _fold(name))

    def _kith_handle(self, url: str) -> str:
        if not url:
            return ""
        parts = urlsplit(url.strip() if "//" in url else f"//{url.strip()}")
        if parts.netloc.lower() != self.host or not parts.path.startswith("/in/"):
            return ""
        return parts.path[4:].strip("/").split("/")[0].lower()

    def match(self, person: _Person) -> tuple[_Candidate, str] | None:
        folded = _fold(person.name)
        found: tuple[_Candidate, str] | None = None
        handle = self._kith_handle(person.url)
        slug = profile_slug(person.url)
        if handle and handle in self.by_handle:
            found = self.by_handle[handle], "url"
        elif person.email and person.email in self.by_email:
            found = self.by_email[person.email], "email"
        elif folded:
            same = self.by_name.get(folded, [])
            company = entity_key(person.company) if person.company else ""
            at = [c for c in same if company and company in self.companies.get(c.id, set())]
            if len(at) == 1:
                found = at[0], "name_company"
            elif slug in self.by_handle and self.by_handle[slug].folded == folded:
                found = self.by_handle[slug], "handle"
            elif len(same) == 1:
                found = same[0], "name"
        if found is None or found[0].id in self.blocked:
            return None
        return found


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _connected_ids(ctx: Ctx, owner_id: int) -> set[int]:
    lo = select(Connection.member_hi_id).where(Connection.member_lo_id == owner_id)
    hi = select(Connection.member_lo_id).where(Connection.member_hi_id == owner_id)
    return {int(x) for x in ctx.session.scalars(lo.union_all(hi))}


# --------------------------------------------------------------------------- importing
_CONTACT_FIELDS = (
    "name",
    "email",
    "company",
    "title",
    "url",
    "connected_elsewhere_on",
    "matched_member_id",
    "match",
)


def import_linkedin(
    ctx: Ctx,
    owner: Member,
    export: LinkedInExport,
    *,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportRun:
    """Import the people in ``export`` for ``owner`` and record the report.

    Every connection and invitation row ends up in the report, with the rows the
    reader could not use and the member's own profile rows (applied separately, after
    a preview: see :mod:`kith.portability.service`). Runs in the caller's unit of
    work: a failure leaves nothing behind. ``progress(done, total)`` is called as
    rows are processed.
    """
    started = time.perf_counter()
    now = ctx.clock.now()
    people = _people(export)
    total = len(people)
    matcher = _Matcher(ctx, owner, people)
    connected = _connected_ids(ctx, owner.id)
    known: dict[str, dict[str, Any]] = {}  # earlier imports' contacts, by every key
    for row in ctx.session.execute(
        select(Contact.id, Contact.source_key, *(getattr(Contact, f) for f in _CONTACT_FIELDS))
        .where(Contact.owner_id == owner.id, Contact.source_key.is_not(None))
        .where(Contact.other_id.is_(None))
    ):
        kept = dict(row._mapping)
        for k in [str(row.source_key), *person_keys(row.url, row.email, row.name, row.company)]:
            known.setdefault(k, kept)

    rows: list[ReportRow] = []
    seen: dict[str, dict[str, Any]] = {}  # every key of each person in this file
    seen_members: dict[int, dict[str, Any]] = {}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    made: list[tuple[ReportRow, str]] = []
    new_ids: dict[str, int] = {}
    to_link: list[int] = []
    extras: list[_Extra] = []
    for done, person in enumerate(people, 1):
        keys = person_keys(person.url, person.email, person.name, person.company)
        address = keys[0] if keys and not keys[0].startswith(("email:", "name:")) else ""
        earlier = _lookup(known, keys, address)
        key = str(earlier["source_key"]) if earlier else (keys[0] if keys else None)
        report = ReportRow(person.file, person.line, "skipped", "", name=person.name)
        rows.append(report)
        if progress is not None and (done % CHUNK == 0 or done == total):
            progress(done, total)
        if key is None:
            report.detail = "no name, address or email to know the person by"
            continue
        found = matcher.match(person)
        member_id = found[0].id if found else None
        if found is not None:
            cand, how = found
            report.member_id, report.member_name, report.member_handle = (
                cand.id,
                cand.name,
                cand.handle,
            )
            report.match = how
        repeated = _lookup(seen, [key, *keys], address)
        if repeated is None and member_id is not None:
            repeated = seen_members.get(member_id)
        if repeated is not None:
            file, line = repeated["file"], repeated["line"]
            report.detail = (
                f"already in {file} (line {line})"
                if file != person.file
                else f"the same person as line {line}"
            )
            report.member_id, report.member_name, report.member_handle = None, "", ""
            report.match = None
            continue
        here = {"file": person.file, "line": person.line, "url": person.url}
        for k in [key, *keys]:
            seen.setdefault(k, here)
        if member_id is not None:
            seen_members[member_id] = here
        if member_id == owner.id:
            report.detail = "this is you"
            report.member_id, report.member_name, report.member_handle = None, "", ""
            report.match = None
            continue
        if member_id is not None and member_id in connected:
            report.status, report.detail = "connected", "already connected on Kith"
            if earlier is not None:  # kept privately by an earlier import: now one record
                updates.append({"id": earlier["id"], "matched_member_id": member_id})
                to_link.append(member_id)
                report.detail += "; the private contact from an earlier import joins it"
            if person.kith is not None and not person.kith.empty:
                extras.append(_Extra(report, person.kith, member_id=member_id))
            continue
        if person.file == "Invitations.csv" and member_id is None and earlier is None:
            report.detail = (
                "not found on Kith; invitations that were never accepted are not kept as contacts"
            )
            continue
        values: dict[str, Any] = {
            "name": person.name[:200],
            "email": person.email[:320],
            "company": person.company[:200],
            "title": person.title[:200],
            "url": person.url[:500],
            "connected_elsewhere_on": person.connected_on,
            "matched_member_id": member_id,
            "match": found[1] if found else None,
        }
        before = earlier
        if before is None:
            inserts.append(
                {
                    **values,
                    "owner_id": owner.id,
                    "other_id": None,
                    "source": "linkedin",
                    "source_key": key,
                    "created_at": now,
                }
            )
            report.status = "new"
            report.detail = "kept as a private contact"
            made.append((report, key))
        else:
            report.contact_id = int(before["id"])
            # What the file leaves empty (an invitation row has no company) stays as it was.
            changed = {
                f: v
                for f, v in values.items()
                if v not in ("", None) and v != before[f] and f != "match"
            }
            if changed.get("matched_member_id") is not None:
                changed["match"] = values["match"]
            if changed:
                updates.append({"id": before["id"], **changed})
                report.status = "updated"
                report.detail = "updated: " + ", ".join(
                    _FIELD_LABELS[f] for f in changed if f in _FIELD_LABELS
                )
            else:
                report.status, report.detail = "unchanged", "already imported"
            if before["matched_member_id"] is not None and member_id is None:
                mid = int(before["matched_member_id"])
                report.member_id, report.match = mid, before["match"]
        if person.kith is not None and not person.kith.empty:
            extras.append(_Extra(report, person.kith))

    for chunk in _chunks(inserts):
        for contact_id, key in ctx.session.execute(
            insert(CONTACTS).returning(CONTACTS.c.id, CONTACTS.c.source_key), list(chunk)
        ):
            new_ids[str(key)] = int(contact_id)
    for report, key in made:
        report.contact_id = new_ids[key]
    if updates:
        ctx.session.execute(update(Contact), updates)
    for member_id in to_link:
        link_private_contacts(ctx, owner.id, member_id)
    _apply_kith_columns(ctx, owner, extras)

    for skipped in export.skipped:
        rows.append(_skipped_row(skipped))
    rows.extend(_profile_rows(export))
    rows.sort(key=lambda r: (r.file, r.line))
    counts = dict.fromkeys(STATUSES, 0)
    for r in rows:
        counts[r.status] += 1
    counts["matched"] = sum(1 for r in rows if r.member_id is not None and r.status != "connected")
    run = ImportRun(
        owner_id=owner.id,
        created_at=now,
        filename=filename[:300],
        seconds=round(time.perf_counter() - started, 3),
        report=json.dumps(
            {
                "files": [f.replace("\\", "/").rsplit("/", 1)[-1] for f in export.files],
                "counts": counts,
                "rows": [asdict(r) for r in rows],
            },
            separators=(",", ":"),
        ),
        profile=json.dumps(_profile_payload(export), separators=(",", ":"), default=str),
    )
    ctx.session.add(run)
    ctx.session.flush()
    return run


_FIELD_LABELS = {
    "name": "name",
    "email": "email address",
    "company": "company",
    "title": "position",
    "url": "profile address",
    "connected_elsewhere_on": "connected date",
    "matched_member_id": "found on Kith",
}


@dataclass(slots=True)
class _Extra:
    """Kith's own columns for one row: onto ``report.contact_id``, or, for a row that is
    already a connection, onto the owner's record about ``member_id``."""

    report: ReportRow
    columns: KithColumns
    member_id: int | None = None


def _apply_kith_columns(ctx: Ctx, owner: Member, extras: Sequence[_Extra]) -> None:
    """Tier, tags, how we met, notes and last interaction from Kith's own export, added
    to what the owner already keeps (nothing is overwritten, nothing added twice)."""
    if not extras:
        return
    session, now = ctx.session, ctx.clock.now()
    members = sorted({e.member_id for e in extras if e.member_id is not None})
    record: dict[int, int] = {}
    for chunk in _chunks(members):
        for cid, other in session.execute(
            select(Contact.id, Contact.other_id).where(
                Contact.owner_id == owner.id, Contact.other_id.in_(chunk)
            )
        ):
            record[int(other or 0)] = int(cid)
    missing = [m for m in members if m not in record]
    for chunk in _chunks(missing):
        for cid, other in session.execute(
            insert(CONTACTS).returning(CONTACTS.c.id, CONTACTS.c.other_id),
            [{"owner_id": owner.id, "other_id": m, "created_at": now} for m in chunk],
        ):
            record[int(other or 0)] = int(cid)
    for e in extras:
        if e.member_id is not None:
            e.report.contact_id = record[e.member_id]
    ids = sorted({e.report.contact_id for e in extras if e.report.contact_id is not None})
    state: dict[int, Any] = {}
    tags: dict[int, set[int]] = defaultdict(set)
    notes: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(ids):
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
    for chunk in _chunks(new_tags):
        session.execute(insert(CONTACT_TAGS), list(chunk))
    for chunk in _chunks(new_notes):
        session.execute(insert(CONTACT_NOTES), list(chunk))


def _skipped_row(skipped: Skipped) -> ReportRow:
    return ReportRow(skipped.file.rsplit("/", 1)[-1], skipped.line, "skipped", skipped.reason)


def _profile_rows(export: LinkedInExport) -> list[ReportRow]:
    """The member's own profile files, for the report; they are applied after a preview."""
    rows = []
    if export.profile is not None:
        rows.append(ReportRow("Profile.csv", 2, "profile", "your profile: review it below"))
    for p in export.positions:
        rows.append(
            ReportRow("Positions.csv", p.line, "profile", f"position: {p.title} at {p.company}")
        )
    for ed in export.education:
        rows.append(ReportRow("Education.csv", ed.line, "profile", f"education: {ed.school}"))
    for i, skill in enumerate(export.skills):
        rows.append(ReportRow("Skills.csv", i + 2, "profile", f"skill: {skill}"))
    return rows


def _profile_payload(export: LinkedInExport) -> dict[str, Any]:
    """The profile part of the export, kept with the run until the member applies it."""
    return {
        "profile": asdict(export.profile) if export.profile is not None else None,
        "positions": [asdict(p) for p in export.positions],
        "education": [asdict(e) for e in export.education],
        "skills": list(export.skills),
    }


# --------------------------------------------------------------------------- afterwards
def list_imports(ctx: Ctx, owner: Member, req: PageRequest) -> Page[ImportRun]:
    """The owner's imports, newest first."""
    stmt = (
        select(ImportRun)
        .where(ImportRun.owner_id == owner.id)
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def get_import(ctx: Ctx, owner: Member, import_id: int) -> ImportRun:
    run = ctx.session.get(ImportRun, import_id)
    if run is None or run.owner_id != owner.id:
        raise NotFound("There is no such import.", code="import_not_found")
    return run


def stored_export(run: ImportRun) -> LinkedInExport:
    """The profile part of the export an import kept, to preview and apply it later."""
    data = json.loads(run.profile or "{}")

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    profile = data.get("profile")
    return LinkedInExport(
        profile=ProfileRow(**profile) if profile else None,
        positions=[
            PositionRow(
                **{**p, "started_on": day(p["started_on"]), "finished_on": day(p["finished_on"])}
            )
            for p in data.get("positions", [])
        ],
        education=[EducationRow(**e) for e in data.get("education", [])],
        skills=list(data.get("skills", [])),
    )


@dataclass(frozen=True, slots=True)
class ImportedMatch:
    """A private contact recognised as a member, and where the owner stands with them.

    ``state``: ``invite`` (can be invited now), ``pending`` (the owner's invitation is
    waiting), ``invited_you`` (they invited the owner: accept it on their profile) or
    ``refused`` (``detail`` says why an invitation would be refused).
    """

    contact: Contact
    member: Member
    state: str
    detail: str = ""

    @property
    def confidence(self) -> str:
        return CONFIDENCE.get(self.contact.match or "", "")

    @property
    def how(self) -> str:
        return HOW.get(self.contact.match or "", "")

    @property
    def context(self) -> str:
        return invitation_context(self.contact)


def invitation_context(contact: Contact) -> str:
    """The "how do you know each other" an invitation from an import carries."""
    if contact.connected_elsewhere_on is not None:
        return f"Connected on LinkedIn since {contact.connected_elsewhere_on:%d %b %Y}"
    return "From LinkedIn"


def imported_matches(
    ctx: Ctx,
    owner: Member,
    req: PageRequest,
    *,
    import_id: int | None = None,
    report: ImportReport | None = None,
) -> Page[ImportedMatch]:
    """The owner's private contacts that are members (surest first, then by name), each
    with whether an invitation can go to them now. ``import_id`` keeps those of one run
    (``report``, that run's report when the caller has already read it)."""
    blocked = select(Block.blocked_id).where(
        Block.blocker_id == owner.id, Block.unblocked_at.is_(None)
    )
    blocking = select(Block.blocker_id).where(
        Block.blocked_id == owner.id, Block.unblocked_at.is_(None)
    )
    stmt = (
        select(Contact, Member)
        .join(Member, Member.id == Contact.matched_member_id)
        .where(
            Contact.owner_id == owner.id,
            Contact.other_id.is_(None),
            Member.is_active.is_(True),
            Member.id.not_in(blocked),
            Member.id.not_in(blocking),
        )
    )
    if import_id is not None:
        if report is None or report.id != import_id:
            report = report_of(get_import(ctx, owner, import_id))
        ids = [r.contact_id for r in report.rows if r.contact_id is not None]
        stmt = stmt.where(id_in(ctx, Contact.id, ids))  # up to a whole export's rows
    order = case(
        {"url": 0, "email": 0, "handle": 1, "name_company": 1}, value=Contact.match, else_=2
    )
    stmt = stmt.order_by(order, Member.last_name, Member.first_name, Contact.id)
    rows, total = paginate_rows(ctx.session, stmt, req)
    members = [m for _, m in rows]
    open_from_me: set[int] = set()
    open_to_me: set[int] = set()
    if members:
        ids = [m.id for m in members]
        cutoff = ctx.clock.now() - timedelta(days=ctx.settings.invitation_expiry_days)
        for sender, recipient in ctx.session.execute(
            select(Invitation.sender_id, Invitation.recipient_id).where(
                or_(
                    (Invitation.sender_id == owner.id)
                    & Invitation.recipient_id.in_(ids)
                    & reads_pending_to_sender(cutoff),
                    (Invitation.recipient_id == owner.id)
                    & Invitation.sender_id.in_(ids)
                    & Invitation.status.in_(OPEN_STATUSES)
                    & (Invitation.created_at > cutoff),
                ),
            )
        ):
            (open_from_me if sender == owner.id else open_to_me).add(
                int(recipient if sender == owner.id else sender)
            )
    items = []
    for contact, member in rows:
        if member.id in open_from_me:
            items.append(ImportedMatch(contact, member, "pending"))
        elif member.id in open_to_me:
            items.append(ImportedMatch(contact, member, "invited_you"))
        else:
            refusal = policy_refusal(ctx, owner, member, contact.email or None)
            if refusal is None:
                items.append(ImportedMatch(contact, member, "invite"))
            else:
                items.append(ImportedMatch(contact, member, "refused", refusal.message))
    return Page(items, total, req.page, req.per_page)


@dataclass(frozen=True, slots=True)
class InviteOutcome:
    """``status``: ``sent``, ``connected`` (they had invited the owner: now connected)
    or ``refused`` (``detail`` is the reason, as the invitation rules say it)."""

    contact_id: int
    name: str
    handle: str
    status: str
    detail: str = ""


def invite_matches(ctx: Ctx, owner: Member, contact_ids: Sequence[int]) -> list[InviteOutcome]:
    """Invite the members behind these private contacts, in order, each with the
    context "Connected on LinkedIn since …". Every invitation follows the usual rules;
    a refusal is reported and the rest go on, except the weekly limit, which stops the
    remaining ones (reported as not sent, with the date more can be sent)."""
    wanted = list(dict.fromkeys(contact_ids))
    if not wanted:
        return []
    if len(wanted) > INVITE_BATCH_MAX:
        raise Invalid(
            f"Invite at most {INVITE_BATCH_MAX} people at a time "
            f"(you chose {len(wanted):,}); you can send "
            f"{ctx.settings.invitations_per_week} a week.",
            code="too_many_selected",
        )
    found = {
        c.id: (c, m)
        for c, m in ctx.session.execute(
            select(Contact, Member)
            .join(Member, Member.id == Contact.matched_member_id)
            .where(Contact.owner_id == owner.id, Contact.id.in_(wanted))
        )
    }
    # Every row lock up front, in id order (invitation by invitation they would be
    # taken in the order chosen, and could cross another action's locks).
    lock_members(ctx.session, owner.id, *(m.id for _, m in found.values()))
    out: list[InviteOutcome] = []
    stop: LimitReached | None = None
    for cid in wanted:
        if cid not in found:
            raise NotFound("There is no such contact.", code="contact_not_found")
        contact, member = found[cid]
        if stop is not None:
            out.append(InviteOutcome(cid, member.name, member.handle, "refused", stop.message))
            continue
        try:
            with ctx.session.begin_nested():
                result = send_invitation(
                    ctx,
                    owner,
                    member,
                    context=invitation_context(contact),
                    email=contact.email or None,
                )
        except LimitReached as exc:
            stop = exc
            out.append(InviteOutcome(cid, member.name, member.handle, "refused", exc.message))
            continue
        except KithError as exc:
            out.append(InviteOutcome(cid, member.name, member.handle, "refused", exc.message))
            continue
        status = "connected" if result.connection is not None else "sent"
        out.append(InviteOutcome(cid, member.name, member.handle, status))
    return out


def invitations_left(ctx: Ctx, owner: Member) -> int:
    """How many more invitations ``owner`` may send in the current rolling week."""
    s = ctx.settings
    since = ctx.clock.now() - timedelta(days=s.invitation_window_days)
    return max(0, s.invitations_per_week - invitations_sent_since(ctx.session, owner.id, since))


def forget_member_in_reports(ctx: Ctx, member_id: int) -> int:
    """A member deleted their account: other members' import reports no longer say who
    on Kith a row was matched to (the row itself, the owner's own data, stays).
    Returns how many reports were rewritten."""
    needle = f'"member_id":{int(member_id)},'
    changed = 0
    for run in ctx.session.scalars(select(ImportRun).where(ImportRun.report.contains(needle))):
        data = json.loads(run.report)
        for row in data.get("rows", []):
            if row.get("member_id") == member_id:
                row.update(member_id=None, member_name="", member_handle="", match=None)
        data["counts"]["matched"] = sum(
            1 for r in data["rows"] if r.get("member_id") is not None and r["status"] != "connected"
        )
        run.report = json.dumps(data, separators=(",", ":"))
        changed += 1
    ctx.session.flush()
    return changed
