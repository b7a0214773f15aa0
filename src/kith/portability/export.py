"""A member's connections, exported: CSV in LinkedIn's columns plus Kith's, and vCard 4.0.

Both formats come from one list of :class:`ExportedConnection` rows, read in a fixed
number of statements whatever the size of the network: the owner's connections by
name, then their private contacts (people brought from elsewhere, not connections on
Kith) by name. Members' email addresses are left out: members never agreed to hand
theirs to their connections' address books. A private contact's email address is the
one the owner's own source gave them, so it is the owner's data and is exported.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, union_all

from kith.models import (
    Company,
    Connection,
    Contact,
    ContactNote,
    ContactTag,
    Member,
    Position,
    Tag,
    Tier,
)
from kith.uow import Ctx

LINKEDIN_COLUMNS = (
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
)
KITH_COLUMNS = ("Tags", "Tier", "How We Met", "Notes", "Last Interaction", "Source")
# Statements :func:`exported_connections` runs, whatever the number of connections.
EXPORT_QUERY_COUNT = 5
CONNECTION = "kith"  # the Source of a connection on Kith; a private contact has its own


@dataclass(frozen=True, slots=True)
class ExportedConnection:
    first_name: str
    last_name: str
    url: str
    company: str
    position: str
    connected_on: date  # a connection's moment, or the day a private contact was connected
    tags: tuple[str, ...]
    tier: str
    how_we_met: str
    notes: tuple[str, ...]  # oldest first
    last_interaction: datetime | None
    email: str = ""  # a private contact's, from the owner's source; never a member's
    source: str = CONNECTION  # "kith" for a connection, else the private contact's source

    @property
    def is_private(self) -> bool:
        """A private contact of the owner's, not a connection on Kith."""
        return self.source != CONNECTION


def _split_name(name: str) -> tuple[str, str]:
    """A private contact's one name as first and last names (at the first space)."""
    parts = name.split(None, 1)
    return (parts[0] if parts else "", parts[1] if len(parts) > 1 else "")


def exported_connections(ctx: Ctx, owner: Member) -> list[ExportedConnection]:
    """``owner``'s active connections with what they privately keep about each, by name,
    followed by their private contacts by name, in :data:`EXPORT_QUERY_COUNT` statements.

    A private contact's Connected On is the day its source gave, or the day it came to
    Kith when the source gave none, so every row has a date a LinkedIn reader accepts.
    """
    lo = select(Connection.member_hi_id.label("other"), Connection.created_at.label("since")).where(
        Connection.member_lo_id == owner.id
    )
    hi = select(Connection.member_lo_id.label("other"), Connection.created_at.label("since")).where(
        Connection.member_hi_id == owner.id
    )
    mine = union_all(lo, hi).subquery("mine")
    rows = ctx.session.execute(
        select(Member, mine.c.since, Contact, Tier.name)
        .join(mine, mine.c.other == Member.id)
        .outerjoin(Contact, (Contact.owner_id == owner.id) & (Contact.other_id == Member.id))
        .outerjoin(Tier, Tier.id == Contact.tier_id)
        .where(Member.is_active.is_(True))
        .order_by(Member.last_name, Member.first_name, Member.id)
    ).all()
    current: dict[int, tuple[str, str]] = {}  # the latest current position
    for member_id, company, title in ctx.session.execute(
        select(Position.member_id, Company.name, Position.title)
        .join(Company, Company.id == Position.company_id)
        .where(Position.member_id.in_(select(mine.c.other)), Position.end_year.is_(None))
        .order_by(Position.member_id, Position.start_year.desc(), Position.id)
    ):
        current.setdefault(int(member_id), (str(company), str(title)))
    tags: dict[int, list[str]] = defaultdict(list)
    for contact_id, name in ctx.session.execute(
        select(ContactTag.contact_id, Tag.name)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Tag.owner_id == owner.id)
        .order_by(Tag.name)
    ):
        tags[int(contact_id)].append(str(name))
    notes: dict[int, list[str]] = defaultdict(list)
    for contact_id, body in ctx.session.execute(
        select(ContactNote.contact_id, ContactNote.body)
        .join(Contact, Contact.id == ContactNote.contact_id)
        .where(Contact.owner_id == owner.id)
        .order_by(ContactNote.created_at, ContactNote.id)
    ):
        notes[int(contact_id)].append(str(body))
    private = ctx.session.execute(
        select(Contact, Tier.name)
        .outerjoin(Tier, Tier.id == Contact.tier_id)
        .where(Contact.owner_id == owner.id, Contact.other_id.is_(None))
        .order_by(Contact.name, Contact.id)
    ).all()
    base = ctx.settings.base_url.rstrip("/")
    out = []
    for member, since, contact, tier in rows:
        company, title = current.get(member.id, ("", ""))
        cid = contact.id if contact is not None else -1
        out.append(
            ExportedConnection(
                first_name=member.first_name,
                last_name=member.last_name,
                url=f"{base}/in/{member.handle}",
                company=company,
                position=title,
                connected_on=since,
                tags=tuple(tags.get(cid, ())),
                tier=tier or "",
                how_we_met=contact.how_we_met if contact is not None else "",
                notes=tuple(notes.get(cid, ())),
                last_interaction=contact.last_interaction_at if contact is not None else None,
            )
        )
    for contact, tier in private:
        first, last = _split_name(contact.name)
        out.append(
            ExportedConnection(
                first_name=first,
                last_name=last,
                url=contact.url,
                company=contact.company,
                position=contact.title,
                connected_on=contact.connected_elsewhere_on or contact.created_at.date(),
                tags=tuple(tags.get(contact.id, ())),
                tier=tier or "",
                how_we_met=contact.how_we_met,
                notes=tuple(notes.get(contact.id, ())),
                last_interaction=contact.last_interaction_at,
                email=contact.email,
                source=contact.source or "contact",
            )
        )
    return out


_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def guard(value: str) -> str:
    """A cell a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return) with ``'`` before it, as OWASP advises; a cell
    that is such a cell already guarded gets one more, so that Kith's importer, which
    takes one off (:func:`kith.portability.linkedin.unguard`), reads back exactly what
    was written.

    >>> guard("=SUM(A1:A9)"), guard("-5"), guard("'=1"), guard("Ana")
    ("'=SUM(A1:A9)", "'-5", "''=1", 'Ana')
    """
    return f"'{value}" if _FORMULA.match(value) else value


def connections_csv(rows: Iterable[ExportedConnection]) -> str:
    """LinkedIn's Connections.csv columns (dates as ``08 Feb 2026``) followed by Kith's;
    the last, ``Source``, is ``kith`` for a connection and the private contact's source
    (``linkedin``) otherwise. Only a private contact has an Email Address. Every cell is
    guarded against spreadsheet formulas (:func:`guard`).

    Examples
    --------
    >>> row = ExportedConnection("Ana", "Ruiz", "https://k.example/in/ana", "Acme, Inc.",
    ...     "CTO", datetime(2026, 2, 8), ("mentor",), "Inner circle", "", (), None)
    >>> print(connections_csv([row]).splitlines()[1])
    Ana,Ruiz,https://k.example/in/ana,,"Acme, Inc.",CTO,08 Feb 2026,mentor,Inner circle,,,,kith
    >>> elsewhere = ExportedConnection("Ben", "Okafor", "https://lnkd.example/in/ben",
    ...     "Globex", "Analyst", date(2024, 5, 1), (), "", "", (), None,
    ...     email="ben@example.com", source="linkedin")
    >>> print(connections_csv([elsewhere]).splitlines()[1])
    Ben,Okafor,https://lnkd.example/in/ben,ben@example.com,Globex,Analyst,01 May 2024,,,,,,linkedin
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(LINKEDIN_COLUMNS + KITH_COLUMNS)
    for r in rows:
        writer.writerow(
            guard(cell)
            for cell in (
                r.first_name,
                r.last_name,
                r.url,
                r.email if r.is_private else "",
                r.company,
                r.position,
                r.connected_on.strftime("%d %b %Y"),
                "; ".join(r.tags),
                r.tier,
                r.how_we_met,
                "\n\n".join(r.notes),
                r.last_interaction.strftime("%d %b %Y") if r.last_interaction else "",
                r.source,
            )
        )
    return buf.getvalue()


def _escape(value: str) -> str:
    """RFC 6350 text value escaping."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 6350 3.2)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    chunk = b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(chunk) + len(b) > (75 if not parts else 74):
            parts.append(chunk.decode("utf-8"))
            chunk = b""
        chunk += b
    parts.append(chunk.decode("utf-8"))
    return "\r\n ".join(parts)


def connections_vcard(rows: Iterable[ExportedConnection]) -> str:
    """One vCard 4.0 per connection or private contact; tags become CATEGORIES, tier and
    notes the NOTE. A private contact's card carries its EMAIL when its source gave one,
    and a URL only when it has one.

    Examples
    --------
    >>> row = ExportedConnection("Ana", "Ruiz", "https://k.example/in/ana", "Acme, Inc.",
    ...     "CTO", datetime(2026, 2, 8), ("mentor",), "", "", (), None)
    >>> print(connections_vcard([row]).replace("\\r\\n", "|"))
    BEGIN:VCARD|VERSION:4.0|FN:Ana Ruiz|N:Ruiz;Ana;;;|ORG:Acme\\, Inc.|TITLE:CTO|URL:https://k.example/in/ana|CATEGORIES:mentor|END:VCARD|
    """
    lines: list[str] = []
    for r in rows:
        card = [
            "BEGIN:VCARD",
            "VERSION:4.0",
            f"FN:{_escape(f'{r.first_name} {r.last_name}'.strip())}",
            f"N:{_escape(r.last_name)};{_escape(r.first_name)};;;",
        ]
        if r.company:
            card.append(f"ORG:{_escape(r.company)}")
        if r.position:
            card.append(f"TITLE:{_escape(r.position)}")
        if r.is_private and r.email:
            card.append(f"EMAIL:{_escape(r.email)}")
        if r.url:
            card.append(f"URL:{r.url}")
        if r.tags:
            card.append("CATEGORIES:" + ",".join(_escape(t) for t in r.tags))
        note = [f"Tier: {r.tier}"] if r.tier else []
        if r.how_we_met:
            note.append(f"How we met: {r.how_we_met}")
        note.extend(r.notes)
        if note:
            card.append(f"NOTE:{_escape(chr(10).join(note))}")
        card.append("END:VCARD")
        lines.extend(_fold(x) for x in card)
    return "".join(f"{x}\r\n" for x in lines)
