"""Bringing one's LinkedIn network in: every person in the export is matched to a
member or kept as a private contact, and every row is accounted for in a report.

The work is in two steps so that nothing slow happens while the database is locked
for writing: :func:`plan_import` reads and decides (who each row is, from the file's
own evidence, :mod:`kith.portability.identity`; who on Kith they might be,
:mod:`kith.portability.matching`; what the owner's earlier imports already hold) in a
read-only unit of work, and :func:`write_import` only writes what was decided. Should
the owner's contacts, connections or blocks change between the two, the plan is made
again inside the write.

A person already connected on Kith is reported as such (what Kith's own export adds
about them — tags, tier, how we met, notes — goes onto that connection). Everyone else
becomes a *private contact* of the importer (``Contact`` with ``other_id`` NULL) that
the relationship tools work on; a matched one remembers the member, can be invited
from the report, and turns into the connection's record when the two connect. Every
row ends as exactly one of: a match with a connection, a private contact, or a reason
that names the person. Importing the same file again changes nothing.

``messages.csv`` gives each person of the import the owner exchanged messages with one
logged interaction: how many messages, and the last one's date (no text is kept).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, insert, or_, select, update

from kith.models import (
    Block,
    Connection,
    Contact,
    ImportRun,
    Member,
)
from kith.portability.endorsements import import_endorsements
from kith.portability.identity import (
    Person,
    is_invitation,
    people_of,
    person_keys,
    same_invitee,
    whole_row,
)
from kith.portability.linkedin import LinkedInExport, MessageTally, Skipped
from kith.portability.matching import CHUNK, Matcher, chunks
from kith.portability.owner_records import (
    CONTACTS,
    Extra,
    apply_kith_columns,
    apply_messages,
)
from kith.portability.recommendations import import_recommendations
from kith.portability.reports import STATUSES, ReportRow
from kith.portability.shares import import_shares
from kith.relationships.linking import link_private_contacts
from kith.uow import Ctx

__all__ = ["ImportPlan", "Progress", "import_linkedin", "plan_import", "write_import"]

Progress = Callable[[int, int], None]

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
class ImportPlan:
    """What an import will write, decided before the write transaction."""

    export: LinkedInExport
    state: tuple[int, ...]  # the owner's contacts, connections and blocks when planned
    rows: list[ReportRow] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    made: list[tuple[ReportRow, str]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    to_link: list[int] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    messages: list[tuple[ReportRow, MessageTally, int | None]] = field(default_factory=list)
    seconds: float = 0.0


def _state(ctx: Ctx, owner_id: int) -> tuple[int, ...]:
    """A fingerprint of what a plan depends on: the owner's contacts, connections and
    blocks (how many, and the newest)."""
    s = ctx.session
    contacts = s.execute(
        select(func.count(), func.coalesce(func.max(Contact.id), 0)).where(
            Contact.owner_id == owner_id
        )
    ).one()
    connections = s.execute(
        select(func.count(), func.coalesce(func.max(Connection.id), 0)).where(
            or_(Connection.member_lo_id == owner_id, Connection.member_hi_id == owner_id)
        )
    ).one()
    blocks = s.execute(
        select(func.count(), func.coalesce(func.max(Block.id), 0)).where(
            or_(Block.blocker_id == owner_id, Block.blocked_id == owner_id),
            Block.unblocked_at.is_(None),
        )
    ).one()
    return (*map(int, contacts), *map(int, connections), *map(int, blocks))


def _connected_ids(ctx: Ctx, owner_id: int) -> set[int]:
    lo = select(Connection.member_hi_id).where(Connection.member_lo_id == owner_id)
    hi = select(Connection.member_lo_id).where(Connection.member_hi_id == owner_id)
    return {int(x) for x in ctx.session.scalars(lo.union_all(hi))}


def _lookup(
    index: dict[str, dict[str, Any]], keys: Sequence[str], address: str, claimed: set[int]
) -> dict[str, Any] | None:
    """The first earlier contact any of ``keys`` finds that no other row of this import
    took. Name and company alone find someone only when one side has no address."""
    for k in keys:
        hit = index.get(k)
        if hit is None or int(hit["id"]) in claimed:
            continue
        if k.startswith("name:") and address:
            theirs = person_keys(str(hit.get("url") or ""), "", "", "")
            if theirs and theirs[0] != address:
                continue
        return hit
    return None


# --------------------------------------------------------------------------- planning
def plan_import(
    ctx: Ctx, owner: Member, export: LinkedInExport, *, progress: Progress | None = None
) -> ImportPlan:
    """Decide what importing ``export`` for ``owner`` writes; reads only.

    ``progress(done, total)`` is called as rows are processed.
    """
    started = time.perf_counter()
    plan = ImportPlan(export, _state(ctx, owner.id))
    people = people_of(export)
    distinct = _distinct(plan, people, progress, len(people))
    matcher = Matcher(ctx, owner, [p for p, _ in distinct])
    connected = _connected_ids(ctx, owner.id)
    known: dict[str, dict[str, Any]] = {}  # earlier imports' contacts, by every key
    taken: set[str] = set()  # every source_key the owner has
    for row in ctx.session.execute(
        select(Contact.id, Contact.source_key, *(getattr(Contact, f) for f in _CONTACT_FIELDS))
        .where(Contact.owner_id == owner.id, Contact.source_key.is_not(None))
        .where(Contact.other_id.is_(None))
    ):
        kept = dict(row._mapping)
        taken.add(str(row.source_key))
        for k in [str(row.source_key), *person_keys(row.url, row.email, row.name, row.company)]:
            known.setdefault(k, kept)

    # Earlier contacts: by each row's own key and address first, then by name.
    claimed: set[int] = set()
    earlier: dict[int, dict[str, Any]] = {}
    for strong in (True, False):
        for i, (p, _) in enumerate(distinct):
            if i in earlier:
                continue
            keys = [p.source_key, *p.evidence] if strong else p.keys
            hit = _lookup(known, keys, p.address, claimed)
            if hit is not None:
                earlier[i] = hit
                claimed.add(int(hit["id"]))
    tallies = _tallies(export.messages)
    matched_by: dict[int, Person] = {}  # the connection rows that found each member
    for i, (p, report) in enumerate(distinct):
        _decide(plan, owner, p, report, earlier.get(i), matcher, connected, taken, matched_by)
        tally = _tally_for(tallies, p, matcher)
        if tally is not None and report.status != "skipped":
            plan.messages.append(
                (report, tally, report.member_id if report.status == "connected" else None)
            )
    plan.seconds = time.perf_counter() - started
    return plan


def _distinct(
    plan: ImportPlan, people: Sequence[Person], progress: Progress | None, total: int
) -> list[tuple[Person, ReportRow]]:
    """Every person of the upload once: a row whose address or email (or, between two
    files, whole row) is an earlier row's is reported as that row."""
    seen: dict[str, Person] = {}
    rows_seen: dict[str, Person] = {}
    invitees: dict[str, Person] = {}
    out: list[tuple[Person, ReportRow]] = []
    for done, p in enumerate(people, 1):
        report = ReportRow(p.file, p.line, "skipped", "", name=p.name, warning=p.warning)
        plan.rows.append(report)
        if progress is not None and (done % CHUNK == 0 or done == total):
            progress(done, total)
        if not p.keys:
            report.detail = "no name, address or email to know the person by"
            continue
        repeated: Person | None = None
        for k in p.evidence:
            hit = seen.get(k)
            if hit is not None and not (hit.address and p.address and hit.address != p.address):
                repeated = hit
                break
        if repeated is None and not p.evidence:
            hit = rows_seen.get(whole_row(p))
            if hit is not None and hit.file != p.file:
                repeated = hit
            elif same_invitee(p):
                repeated = invitees.get(same_invitee(p))
        if repeated is not None:
            report.detail = (
                f"already in {repeated.file} (line {repeated.line})"
                if repeated.file != p.file
                else f"the same person as line {repeated.line}"
            )
            continue
        for k in p.evidence:
            seen.setdefault(k, p)
        if not p.evidence:
            rows_seen.setdefault(whole_row(p), p)
            if same_invitee(p):
                invitees.setdefault(same_invitee(p), p)
        out.append((p, report))
    return out


def _decide(
    plan: ImportPlan,
    owner: Member,
    p: Person,
    report: ReportRow,
    before: dict[str, Any] | None,
    matcher: Matcher,
    connected: set[int],
    taken: set[str],
    matched_by: dict[int, Person],
) -> None:
    """What becomes of one person: a connection, a private contact, or a reason."""
    found = matcher.match(p)
    member_id = found[0].id if found else None
    if member_id is not None and is_invitation(p) and member_id in matched_by:
        # an invitation row is kept only for the member it finds, whom a row of
        # Connections.csv found already
        row = matched_by[member_id]
        report.detail = f"already in {row.file} (line {row.line}): found on Kith as the same member"
        return
    if member_id is not None and not is_invitation(p):
        matched_by.setdefault(member_id, p)
    if found is not None:
        cand, how = found
        report.member_id, report.member_name, report.member_handle = cand.id, cand.name, cand.handle
        report.match = how
    if member_id == owner.id:
        report.detail = "this is you"
        report.member_id, report.member_name, report.member_handle = None, "", ""
        report.match = None
        return
    if member_id is not None and member_id in connected:
        report.status, report.detail = "connected", "already connected on Kith"
        if before is not None:  # kept privately by an earlier import: now one record
            plan.updates.append({"id": before["id"], "matched_member_id": member_id})
            plan.to_link.append(member_id)
            report.detail += "; the private contact from an earlier import joins it"
        if p.kith is not None and not p.kith.empty:
            plan.extras.append(Extra(report, p.kith, member_id=member_id))
        return
    if is_invitation(p) and member_id is None and before is None:
        report.detail = (
            "not found on Kith; invitations that were never accepted are not kept as contacts"
        )
        return
    values: dict[str, Any] = {
        "name": p.name[:200],
        "email": p.email[:320],
        "company": p.company[:200],
        "title": p.title[:200],
        "url": p.url[:500],
        "connected_elsewhere_on": p.connected_on,
        "matched_member_id": member_id,
        "match": found[1] if found else None,
    }
    if before is None:
        key, n = p.source_key, 2
        while key in taken:  # a key an earlier contact holds that is not this person
            key, n = f"{p.source_key}#{n}"[:400], n + 1
        taken.add(key)
        plan.inserts.append(
            {
                **values,
                "owner_id": owner.id,
                "other_id": None,
                "source": "linkedin",
                "source_key": key,
            }
        )
        report.status, report.detail = "new", "kept as a private contact"
        plan.made.append((report, key))
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
            plan.updates.append({"id": before["id"], **changed})
            report.status = "updated"
            report.detail = "updated: " + ", ".join(
                _FIELD_LABELS[f] for f in changed if f in _FIELD_LABELS
            )
        else:
            report.status, report.detail = "unchanged", "already imported"
        if before["matched_member_id"] is not None and member_id is None:
            report.member_id, report.match = int(before["matched_member_id"]), before["match"]
    if p.kith is not None and not p.kith.empty:
        plan.extras.append(Extra(report, p.kith))
    if p.warning:
        report.detail += f"; {p.warning}"


def _tallies(messages: Sequence[MessageTally]) -> dict[str, MessageTally]:
    out: dict[str, MessageTally] = {}
    for t in messages:
        key = person_keys(t.url, "", t.name, "")
        if key:
            out.setdefault(key[0].split("|")[0], t)
    return out


def _tally_for(
    tallies: dict[str, MessageTally], p: Person, matcher: Matcher
) -> MessageTally | None:
    """The messages exchanged with ``p``: by their profile address, else by a name that
    only they have in the upload."""
    if not tallies:
        return None
    if p.address and p.address in tallies:
        return tallies.pop(p.address)
    if p.folded and matcher.names[p.folded] == 1:
        return tallies.pop(f"name:{p.folded}", None)
    return None


# --------------------------------------------------------------------------- writing
def write_import(ctx: Ctx, owner: Member, plan: ImportPlan, *, filename: str = "") -> ImportRun:
    """Write what ``plan`` decided and record the report (in the caller's unit of work:
    a failure leaves nothing behind). Made again first if the owner's contacts,
    connections or blocks changed since it was planned."""
    if _state(ctx, owner.id) != plan.state:
        plan = plan_import(ctx, owner, plan.export)
    started = time.perf_counter()
    now = ctx.clock.now()
    new_ids: dict[str, int] = {}
    for chunk in chunks(plan.inserts):
        for contact_id, key in ctx.session.execute(
            insert(CONTACTS).returning(CONTACTS.c.id, CONTACTS.c.source_key),
            [{**row, "created_at": now} for row in chunk],
        ):
            new_ids[str(key)] = int(contact_id)
    for report, key in plan.made:
        report.contact_id = new_ids[key]
    if plan.updates:
        ctx.session.execute(update(Contact), plan.updates)
    for member_id in plan.to_link:
        link_private_contacts(ctx, owner.id, member_id)
    apply_kith_columns(ctx, owner, plan.extras)
    apply_messages(ctx, owner, plan.messages)

    export = plan.export
    rows = list(plan.rows)
    rows.extend(import_shares(ctx, owner, export.shares))
    rows.extend(import_endorsements(ctx, owner, export.endorsements))
    rows.extend(import_recommendations(ctx, owner, export.recommendations))
    rows.extend(_skipped_row(s) for s in export.skipped)
    rows.extend(_profile_rows(export))
    rows.sort(key=lambda r: (r.file, r.line))
    counts = dict.fromkeys(STATUSES, 0)
    for r in rows:
        counts[r.status] += 1
    counts["matched"] = sum(1 for r in rows if r.member_id is not None and r.status != "connected")
    counts["warnings"] = sum(1 for r in rows if r.warning)
    run = ImportRun(
        owner_id=owner.id,
        created_at=now,
        filename=filename[:300],
        seconds=round(plan.seconds + time.perf_counter() - started, 3),
        report=json.dumps(
            {
                "files": list(export.files),
                "sources": [asdict(s) for s in export.sources],
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


def import_linkedin(
    ctx: Ctx,
    owner: Member,
    export: LinkedInExport,
    *,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportRun:
    """Plan and write in one unit of work (see :func:`plan_import`, :func:`write_import`)."""
    plan = plan_import(ctx, owner, export, progress=progress)
    return write_import(ctx, owner, plan, filename=filename)


def _skipped_row(skipped: Skipped) -> ReportRow:
    return ReportRow(skipped.file, skipped.line, "skipped", skipped.reason, name=skipped.name)


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
    for i, language in enumerate(export.languages):
        rows.append(ReportRow("Languages.csv", i + 2, "profile", f"language: {language.name}"))
    for i, c in enumerate(export.certifications):
        rows.append(ReportRow("Certifications.csv", i + 2, "profile", f"certification: {c.name}"))
    return rows


def _profile_payload(export: LinkedInExport) -> dict[str, Any]:
    """The profile part of the export, kept with the run until the member applies it."""
    return {
        "profile": asdict(export.profile) if export.profile is not None else None,
        "positions": [asdict(p) for p in export.positions],
        "education": [asdict(e) for e in export.education],
        "skills": list(export.skills),
        "languages": [asdict(x) for x in export.languages],
        "certifications": [asdict(x) for x in export.certifications],
    }
