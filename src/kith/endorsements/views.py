"""A member's skills as a viewer sees them: each with its count and the proof that
matters to that viewer ("endorsed by Ana, Ben and 4 others you know", "3 colleagues
at Acme", "2 people who are endorsed for this skill themselves"), and who endorsed one
skill, listed by degree.

Who among the endorsers the viewer knows comes from the network engine (the viewer's
sorted neighbour list), never from SQL; the database gives the shown endorsements in
one index-only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import String, cast, func, literal_column, select

from kith.endorsements.prompts import Prompt
from kith.endorsements.service import (
    choices,
    connected_ids,
    endorsed_by,
    pairs,
    profile_skill,
    receiving,
    shown_to,
)
from kith.graph.service import badges, degrees, engine
from kith.idlists import id_in
from kith.models import Company, Endorsement, Member, Position
from kith.pagination import Page, PageRequest
from kith.uow import Ctx

#: How many skills of a profile carry their proof lines (the top ones).
PROOF_SKILLS = 3


@dataclass
class SkillLine:
    skill_id: int
    name: str
    count: int
    top_rank: int | None
    closed: bool
    endorsed: bool  # by the viewer
    known: list[Member] = field(default_factory=list)  # named, up to two
    known_count: int = 0
    colleagues: int = 0
    company: str = ""
    endorsed_themselves: int = 0

    @property
    def known_line(self) -> str:
        return known_line([m.name for m in self.known], self.known_count)

    @property
    def colleagues_line(self) -> str:
        if not self.colleagues:
            return ""
        noun = "colleague" if self.colleagues == 1 else "colleagues"
        return f"{self.colleagues} {noun} at {self.company}"

    @property
    def themselves_line(self) -> str:
        n = self.endorsed_themselves
        if not n:
            return ""
        who = "person who is" if n == 1 else "people who are"
        return f"{n} {who} endorsed for this skill themselves"


def known_line(names: list[str], total: int) -> str:
    """ "endorsed by Ana, Ben and 4 others you know", "endorsed by Ana, who you know"."""
    if not total or not names:
        return ""
    others = total - len(names)
    if others <= 0:
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"endorsed by {listed}, {'who' if total == 1 else 'whom'} you know"
    noun = "other" if others == 1 else "others"
    return f"endorsed by {', '.join(names)} and {others:,} {noun} you know"


@dataclass
class SkillsView:
    member: Member
    skills: list[SkillLine]
    receiving: bool
    can_endorse: bool  # the viewer is a connection and the member receives

    @property
    def top(self) -> list[SkillLine]:
        return self.skills[:PROOF_SKILLS]

    @property
    def rest(self) -> list[SkillLine]:
        return self.skills[PROOF_SKILLS:]


def _shown_rows(ctx: Ctx, member_id: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(skill ids, endorser ids) of the member's shown endorsements.

    The database gives the endorsements the member did not hide in one value (20,000
    rows of two numbers would cost more to hand over than to find): on PostgreSQL the
    pairs as big-endian 32-bit integers in one ``bytea``, on SQLite two comma-joined
    texts read by numpy's parser. The connection rule of
    :func:`kith.endorsements.service.shown_by` (the endorser is a connection now) is
    applied with the network engine's neighbour list, not a join."""
    mine = (Endorsement.recipient_id == member_id) & Endorsement.hidden.is_(False)
    connection = ctx.session.connection()
    if connection.dialect.name == "postgresql":
        pair = func.int4send(Endorsement.skill_id).op("||")(func.int4send(Endorsement.endorser_id))
        packed = connection.execute(
            select(func.string_agg(pair, literal_column("''::bytea"))).where(mine)
        ).scalar()
        both = np.frombuffer(bytes(packed or b""), dtype=">i4").astype(np.int64).reshape(-1, 2)
        skill_of, endorser_of = both[:, 0], both[:, 1]
    else:
        texts = connection.execute(
            select(
                func.aggregate_strings(cast(Endorsement.skill_id, String), ","),
                func.aggregate_strings(cast(Endorsement.endorser_id, String), ","),
            ).where(mine)
        ).one()
        skill_of, endorser_of = (
            np.fromstring(str(text or ""), dtype=np.int64, sep=",") for text in texts
        )
    connected = np.isin(endorser_of, engine(ctx).neighbors(member_id))
    return skill_of[connected], endorser_of[connected]


def skills_view(
    ctx: Ctx, viewer: Member, member: Member, *, proofs: int | None = PROOF_SKILLS
) -> SkillsView:
    """The member's skills for ``viewer``: pinned top skills first (in their order),
    then by count; the first ``proofs`` (all for None) with their proof lines."""
    if not member.skills:
        return SkillsView(member, [], receiving(ctx, member.id), False)
    skill_of, endorser_of = _shown_rows(ctx, member.id)
    picked = choices(ctx, member.id)
    mine = endorsed_by(ctx, viewer.id, member.id) if viewer.id != member.id else {}
    connected = viewer.id != member.id and engine(ctx).is_connected(viewer.id, member.id)
    lines = []
    for skill in member.skills:
        choice = picked.get(skill.id)
        lines.append(
            SkillLine(
                skill_id=skill.id,
                name=skill.name,
                # Hiding is silent: the endorser still counts their own.
                count=int(np.count_nonzero(skill_of == skill.id))
                + int(connected and mine.get(skill.id, False)),
                top_rank=choice.top_rank if choice else None,
                closed=bool(choice and choice.closed),
                endorsed=skill.id in mine,
            )
        )
    lines.sort(key=lambda s: (s.top_rank or 99, -s.count, s.name.lower()))
    chosen = lines if proofs is None else lines[:proofs]
    _prove(ctx, viewer, member, [s for s in chosen if s.count], skill_of, endorser_of)
    on = receiving(ctx, member.id)
    return SkillsView(member, lines, on, on and connected)


def _prove(
    ctx: Ctx,
    viewer: Member,
    member: Member,
    lines: list[SkillLine],
    skill_of: NDArray[np.int64],
    endorser_of: NDArray[np.int64],
) -> None:
    """Fill the proof lines of ``lines`` (skills with endorsements)."""
    if not lines:
        return
    wanted = np.asarray([s.skill_id for s in lines], dtype=np.int64)
    keep = np.isin(skill_of, wanted)
    skill_of, endorser_of = skill_of[keep], endorser_of[keep]
    if viewer.id != member.id:
        known = np.isin(endorser_of, engine(ctx).neighbors(viewer.id))
    else:
        known = np.zeros(endorser_of.shape, dtype=bool)
    colleagues, company = _colleagues(ctx, member, endorser_of)
    themselves = _endorsed_themselves(ctx, skill_of, endorser_of)
    named: dict[int, list[int]] = {}
    for line in lines:
        here = skill_of == line.skill_id
        ids = endorser_of[here & known]
        line.known_count = int(ids.size)
        named[line.skill_id] = [int(i) for i in np.sort(ids)[:2]]
        if colleagues.size:
            line.colleagues = int(np.count_nonzero(np.isin(endorser_of[here], colleagues)))
            line.company = company
        line.endorsed_themselves = themselves.get(line.skill_id, 0)
    people = {m.id: m for m in _members(ctx, {i for ids in named.values() for i in ids})}
    for line in lines:
        line.known = [people[i] for i in named[line.skill_id] if i in people]


def _members(ctx: Ctx, ids: set[int]) -> list[Member]:
    if not ids:
        return []
    return list(ctx.session.scalars(select(Member).where(Member.id.in_(ids))))


def _colleagues(
    ctx: Ctx, member: Member, endorsers: NDArray[np.int64]
) -> tuple[NDArray[np.int64], str]:
    """The endorsers who work where the member works now (at the current company most
    of them share), and that company's name."""
    companies = [p.company_id for p in member.positions if p.is_current]
    if not companies or not endorsers.size:
        return np.empty(0, dtype=np.int64), ""
    rows = ctx.session.execute(
        select(Position.company_id, Position.member_id).where(
            Position.company_id.in_(companies),
            Position.end_year.is_(None),
            Position.member_id != member.id,
        )
    ).all()
    if not rows:
        return np.empty(0, dtype=np.int64), ""
    both = pairs(rows)
    best, best_n = 0, -1
    for company_id in companies:
        at = both[both[:, 0] == company_id, 1]
        n = int(np.count_nonzero(np.isin(endorsers, at)))
        if n > best_n:
            best, best_n = company_id, n
    name = ctx.session.scalar(select(Company.name).where(Company.id == best)) or ""
    return np.unique(both[both[:, 0] == best, 1]), name


def _endorsed_themselves(
    ctx: Ctx, skill_of: NDArray[np.int64], endorser_of: NDArray[np.int64]
) -> dict[int, int]:
    """For each skill of ``skill_of``: how many of its endorsers (aligned in
    ``endorser_of``) hold endorsements of the same skill themselves that they did not
    hide."""
    if not endorser_of.size:
        return {}
    wanted = [int(s) for s in np.unique(skill_of)]
    rows = ctx.session.execute(
        select(Endorsement.skill_id, Endorsement.recipient_id)
        .where(
            Endorsement.skill_id.in_(wanted),
            id_in(ctx, Endorsement.recipient_id, np.unique(endorser_of).tolist()),
            Endorsement.hidden.is_(False),
        )
        .distinct()
    ).all()
    if not rows:
        return {}
    held = pairs(rows)
    out: dict[int, int] = {}
    for skill_id in wanted:
        theirs = held[held[:, 0] == skill_id, 1]
        if theirs.size:
            mine = endorser_of[skill_of == skill_id]
            out[skill_id] = int(np.count_nonzero(np.isin(mine, theirs)))
    return out


# -- as the pages show them ----------------------------------------------------------


def skill_context(line: SkillLine) -> dict[str, Any]:
    """One skill as the templates show it."""
    return {
        "id": line.skill_id,
        "name": line.name,
        "count": line.count,
        "top_rank": line.top_rank,
        "closed": line.closed,
        "endorsed": line.endorsed,
        "proof": [p for p in (line.known_line, line.colleagues_line, line.themselves_line) if p],
    }


def skills_context(
    ctx: Ctx, viewer: Member, member: Member, *, proofs: int | None
) -> dict[str, Any]:
    """The skills of ``member`` for ``viewer`` (the profile's section, the skills page)."""
    view = skills_view(ctx, viewer, member, proofs=proofs)
    return {
        "handle": member.handle,
        "first_name": member.first_name,
        "own": viewer.id == member.id,
        "receiving": view.receiving,
        "can_endorse": view.can_endorse,
        "skills": [skill_context(s) for s in view.skills],
        "top_ids": [s.skill_id for s in view.skills if s.top_rank],
        "proofs": PROOF_SKILLS if proofs is not None else len(view.skills),
    }


def profile_skills(ctx: Ctx, viewer: Member, member: Member) -> dict[str, Any]:
    """The profile's skills section: every skill with its count, the top ones proven."""
    return skills_context(ctx, viewer, member, proofs=PROOF_SKILLS)


def prompts_context(found: list[Prompt]) -> list[dict[str, Any]]:
    """Endorsement prompts as the pages show them."""
    return [
        {
            "handle": p.member.handle,
            "first_name": p.member.first_name,
            "skill_id": p.skill_id,
            "skill": p.skill,
            "question": p.question,
        }
        for p in found
    ]


# -- who endorsed one skill -----------------------------------------------------------


@dataclass(frozen=True)
class Endorser:
    member: Member
    degree: int | None  # None for the viewer themself; 0 out of network
    endorsement_id: int
    hidden: bool


def _rank(degree: int | None) -> int:
    return {None: 0, 1: 1, 2: 2, 3: 3}.get(degree, 4)


def endorsers(
    ctx: Ctx, viewer: Member, member: Member, skill_id: int, req: PageRequest
) -> tuple[str, Page[Endorser]]:
    """Who endorsed one of the member's skills, as the viewer may see them: the viewer
    first, then 1st, 2nd, 3rd degree and out of network, newest first within each. The
    member sees their hidden endorsements too (marked)."""
    skill = profile_skill(ctx, member.id, skill_id)
    stmt = select(Endorsement.endorser_id, Endorsement.id, Endorsement.hidden).where(
        Endorsement.skill_id == skill_id
    )
    if viewer.id == member.id:
        stmt = stmt.where(
            Endorsement.recipient_id == member.id,
            Endorsement.endorser_id.in_(connected_ids(member.id)),
        )
    else:
        stmt = stmt.where(shown_to(viewer.id, member.id))
    rows = ctx.session.execute(stmt.order_by(Endorsement.created_at.desc(), Endorsement.id.desc()))
    own = viewer.id == member.id
    # Whether one is hidden is the recipient's to know alone (hiding is silent).
    found = [(int(e), int(i), own and bool(h)) for e, i, h in rows]
    ids = np.asarray([e for e, _, _ in found], dtype=np.int64)
    found_degrees = degrees(ctx, viewer, ids) if ids.size else np.empty(0, dtype=np.int8)
    ranked = sorted(
        range(len(found)),
        key=lambda i: _rank(None if found[i][0] == viewer.id else int(found_degrees[i])),
    )
    window = ranked[req.offset : req.offset + req.per_page]
    people = {m.id: m for m in _members(ctx, {found[i][0] for i in window})}
    marks = badges(ctx, viewer, list(people))
    items = [
        Endorser(people[found[i][0]], marks[found[i][0]].degree, found[i][1], found[i][2])
        for i in window
        if found[i][0] in people
    ]
    return skill.name, Page(items, len(found), req.page, req.per_page)
