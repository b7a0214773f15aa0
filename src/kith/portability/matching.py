"""Who on Kith the people of an import might be. Matching never removes a row: it
only says which member a row may be, surest first:

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

Names are compared case and accents aside through the members' stored folded key
(:func:`kith.names.name_key`). A name, or a name and company, shared by two people of
the upload matches nobody: it cannot say which of them a member is. Members who
blocked the importer, or whom the importer blocked, are never matched, nor are
deactivated members.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select

from kith.members.service import entity_key
from kith.models import Block, Company, Member, Position
from kith.portability.identity import Person, is_invitation
from kith.uow import Ctx

__all__ = ["CHUNK", "Candidate", "Matcher", "chunks"]

CHUNK = 500


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    handle: str
    name: str
    folded: str


class Matcher:
    """Finds the member behind each person with a handful of batched queries."""

    def __init__(self, ctx: Ctx, owner: Member, people: Sequence[Person]) -> None:
        self.owner = owner
        self.host = urlsplit(ctx.settings.base_url).netloc.lower()
        session = ctx.session
        handles = {h for p in people if p.url_ok and (h := self._kith_handle(p.url))}
        handles |= {p.slug for p in people if p.url_ok and p.slug}
        emails = {p.email for p in people if p.email_ok}
        # A name two people of the upload share matches nobody by name alone; an
        # invitation row with the name of a connection row is not a second person here.
        in_connections = {p.folded for p in people if not is_invitation(p)}
        self.names = Counter(
            p.folded
            for p in people
            if p.folded and not (is_invitation(p) and p.folded in in_connections)
        )
        self.names_at = Counter((p.folded, entity_key(p.company)) for p in people if p.company)
        active = Member.is_active.is_(True)
        cols = (Member.id, Member.handle, Member.first_name, Member.last_name, Member.name_key)
        self.by_handle: dict[str, Candidate] = {}
        for chunk in chunks(sorted(handles)):
            for row in session.execute(select(*cols).where(Member.handle.in_(chunk), active)):
                self.by_handle[row.handle] = self._candidate(row)
        self.by_email: dict[str, Candidate] = {}
        for chunk in chunks(sorted(emails)):
            for erow in session.execute(
                select(*cols, Member.email).where(Member.email.in_(chunk), active)
            ):
                self.by_email[erow.email] = self._candidate(erow)
        self.by_name: dict[str, list[Candidate]] = defaultdict(list)
        for chunk in chunks(sorted(self.names)):
            for row in session.execute(select(*cols).where(Member.name_key.in_(chunk), active)):
                cand = self._candidate(row)
                self.by_name[cand.folded].append(cand)
        ids = sorted({c.id for cands in self.by_name.values() for c in cands})
        self.companies: dict[int, set[str]] = defaultdict(set)
        for chunk in chunks(ids):
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
    def _candidate(row: Any) -> Candidate:
        name = f"{row.first_name} {row.last_name}".strip()
        return Candidate(int(row.id), str(row.handle), name, str(row.name_key))

    def _kith_handle(self, url: str) -> str:
        if not url or (self.host not in url.lower()):
            return ""
        parts = urlsplit(url.strip() if "//" in url else f"//{url.strip()}")
        if parts.netloc.lower() != self.host or not parts.path.startswith("/in/"):
            return ""
        return parts.path[4:].strip("/").split("/")[0].lower()

    def match(self, person: Person) -> tuple[Candidate, str] | None:
        found: tuple[Candidate, str] | None = None
        handle = self._kith_handle(person.url) if person.url_ok else ""
        slug = person.slug if person.url_ok else ""
        folded = person.folded
        if handle and handle in self.by_handle:
            found = self.by_handle[handle], "url"
        elif person.email_ok and person.email in self.by_email:
            found = self.by_email[person.email], "email"
        elif folded:
            same = self.by_name.get(folded, [])
            company = entity_key(person.company) if person.company else ""
            at = [c for c in same if company and company in self.companies.get(c.id, set())]
            if len(at) == 1 and self.names_at[(folded, company)] == 1:
                found = at[0], "name_company"
            elif slug in self.by_handle and self.by_handle[slug].folded == folded:
                found = self.by_handle[slug], "handle"
            elif len(same) == 1 and self.names[folded] <= 1:
                found = same[0], "name"
        if found is None or found[0].id in self.blocked:
            return None
        return found
