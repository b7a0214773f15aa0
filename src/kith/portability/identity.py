"""Who is who within one upload, from the file's own evidence.

A person (a row of ``Connections.csv``, or the other side of a row of
``Invitations.csv``) is known by their profile address when it is a real, distinct
one (a LinkedIn ``/in/`` address of at least three characters, not shared in its file
by rows of different names), else by their email address (when distinct in the same
way), else by the row itself. Two rows are never taken for one person on their name,
or name and company, alone: a single ``Connections.csv`` never lists one connection
twice. Between two files of one upload, rows without an address are the same person
only when the whole row is the same (name, company, position and date), as in two
downloads of one export.

Each person has a ``source_key``, unique per owner, that finds them again in a later
import of the same file; an address-less row's key is its name and company, numbered
from the second row of that name and company in its file.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from kith.members.service import entity_key
from kith.names import fold_name
from kith.portability.linkedin import KithColumns, LinkedInExport, profile_slug

__all__ = [
    "Person",
    "address_key",
    "is_invitation",
    "people_of",
    "person_keys",
    "same_invitee",
    "whole_row",
]

MIN_SLUG = 3  # LinkedIn's public profile addresses have 3 to 100 characters


@dataclass(slots=True)
class Person:
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
    warning: str = ""
    folded: str = ""
    url_ok: bool = True  # the address is evidence of who this is
    email_ok: bool = True
    occurrence: int = 1  # among address-less rows of this name and company in the file
    keys: list[str] = field(default_factory=list)
    slug: str = ""  # the LinkedIn /in/ part of the URL, lower-cased
    url_key: str = ""  # address_key(url), whether or not it is evidence
    evidence: list[str] = field(default_factory=list)  # keys other than name and company

    @property
    def name(self) -> str:
        return " ".join(f"{self.first_name} {self.last_name}".split())

    @property
    def source_key(self) -> str:
        return self.keys[0] if self.keys else ""

    @property
    def address(self) -> str:
        """The key of their profile address, when it is evidence, else ``""``."""
        return self.url_key[:400] if self.url_ok else ""


def address_key(url: str) -> str:
    """The key of a profile address: ``linkedin:<slug>`` or ``url:<address>``."""
    slug = profile_slug(url)
    if slug:
        return f"linkedin:{slug}"
    return f"url:{url.strip().rstrip('/').lower()}" if url.strip() else ""


def person_keys(url: str, email: str, name: str, company: str) -> list[str]:
    """Every way a person can be known within the owner's imports, surest first:
    their profile address, the email address, name and company."""
    keys = []
    if address := address_key(url):
        keys.append(address)
    if email:
        keys.append(f"email:{email.strip().lower()}")
    folded = fold_name(name)
    if folded:
        keys.append(f"name:{folded}|{entity_key(company)}")
    return [k[:400] for k in keys]


def _split_name(full: str) -> tuple[str, str]:
    parts = full.split()
    if len(parts) < 2:
        return full.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


def people_of(export: LinkedInExport) -> list[Person]:
    """The people of the export's connection and invitation rows, in file order, each
    with the keys the evidence of its file allows (see the module's rules)."""
    people = [
        Person(
            c.file,
            c.line,
            c.first_name,
            c.last_name,
            c.url,
            c.email,
            c.company,
            c.position,
            c.connected_on,
            c.kith,
            c.warning,
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
        people.append(
            Person(inv.file, inv.line, first, last, url, "", "", "", None, warning=inv.warning)
        )
    for p in people:
        p.folded = fold_name(p.name)
        p.slug = profile_slug(p.url)
        p.url_key = (
            f"linkedin:{p.slug}"
            if p.slug
            else (f"url:{p.url.strip().rstrip('/').lower()}" if p.url.strip() else "")
        )
    _weigh_evidence(people)
    return people


def _weigh_evidence(people: Sequence[Person]) -> None:
    by_file: dict[str, list[Person]] = defaultdict(list)
    for p in people:
        by_file[p.file].append(p)
    for rows in by_file.values():
        names_at: dict[str, set[str]] = defaultdict(set)
        emails_at: dict[str, set[str]] = defaultdict(set)
        for p in rows:
            if p.url_key:
                names_at[p.url_key].add(p.folded)
            if p.email:
                emails_at[p.email.lower()].add(p.folded)
        occurrences: Counter[str] = Counter()
        for p in rows:
            a, slug = p.url_key, p.slug
            p.url_ok = bool(a) and len(names_at[a]) == 1 and (not slug or len(slug) >= MIN_SLUG)
            p.email_ok = bool(p.email) and len(emails_at[p.email.lower()]) == 1
            evidence = [a[:400]] if p.url_ok else []
            if p.email_ok:
                evidence.append(f"email:{p.email.strip().lower()}"[:400])
            keys = list(evidence)
            if p.folded:
                name = f"name:{p.folded}|{entity_key(p.company)}"[:400]
                if not evidence:
                    occurrences[name] += 1
                    p.occurrence = occurrences[name]
                    if p.occurrence > 1:
                        name = f"{name}#{p.occurrence}"[:400]
                keys.append(name)
            p.keys, p.evidence = keys, evidence


def is_invitation(p: Person) -> bool:
    return p.file.lower().startswith("invitations")


def same_invitee(p: Person) -> str:
    """Invitations.csv lists one invitation a row, and an invitation sent again repeats
    the person: two of its rows with the same name behind the same address (a
    placeholder that is no evidence, such as ``/in/x``) are one person."""
    return f"{p.file}|{p.folded}|{p.url.strip().lower()}" if is_invitation(p) else ""


def whole_row(p: Person) -> str:
    """Two address-less rows in two files are one person only when all of this agrees."""
    return "|".join(
        (p.folded, entity_key(p.company), p.title.casefold(), str(p.connected_on or ""))
    )
