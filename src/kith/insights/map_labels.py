"""What a circle's members share most: a company and years, a school, an industry, a
location, or one of the viewer's own tags.

The attributes of every member on the map are read in four statements (positions,
education, the members' own fields, the viewer's private records); a circle's label is
the attribute the largest share of its members have, a company, school or tag winning
a tie over an industry or a location (they say more).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select

from kith.clock import as_utc
from kith.models import Company, Contact, ContactTag, Education, Member, Position, School, Tag, Tier
from kith.relationships.queries import connected_ids
from kith.uow import Ctx

KINDS = ("tag", "company", "school", "industry", "location")  # tie order: first wins
MIN_SHARE = 0.25  # below this, a circle is "mixed"
SHARED_LISTED = 3


@dataclass(frozen=True)
class Shared:
    """One attribute that ``count`` of a circle's members (``share`` of them) have."""

    kind: str
    value: str
    count: int
    share: float
    years: str = ""

    @property
    def text(self) -> str:
        return f"{self.value} {self.years}".strip()


@dataclass(frozen=True)
class Label:
    text: str
    kind: str
    shared: list[Shared]


@dataclass
class People:
    """The attributes of the members on one viewer's map, by member id."""

    # kind -> member id -> set of values
    values: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    # (company or school) -> member id -> (start, end) years (end None: still there)
    years: dict[tuple[str, str], dict[int, tuple[int | None, int | None]]] = field(
        default_factory=dict
    )
    tier: dict[int, str] = field(default_factory=dict)
    last_interaction: dict[int, datetime] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


class OnTheMap(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def industry(self) -> str: ...

    @property
    def location(self) -> str: ...


def attributes(ctx: Ctx, viewer: Member, members: Sequence[OnTheMap]) -> People:
    """Read what the labels and findings need about the ``members`` of the map."""
    people = People(values={k: defaultdict(set) for k in KINDS})
    wanted = {m.id for m in members}
    if not wanted:
        return people
    mine = connected_ids(viewer.id)
    # Plain rows (Core, not the ORM's row objects): these are the map's largest reads.
    connection = ctx.session.connection()
    for m in members:
        if m.industry:
            people.values["industry"][m.id].add(m.industry)
        if m.location:
            people.values["location"][m.id].add(m.location)
    for mid, name, start, end in connection.execute(
        select(Position.member_id, Company.name, Position.start_year, Position.end_year)
        .join(Company, Company.id == Position.company_id)
        .where(Position.member_id.in_(mine))
    ):
        if mid in wanted:
            people.values["company"][mid].add(name)
            people.years.setdefault(("company", name), {})[mid] = (start, end)
    for mid, name, begun, ended in connection.execute(
        select(Education.member_id, School.name, Education.start_year, Education.end_year)
        .join(School, School.id == Education.school_id)
        .where(Education.member_id.in_(mine))
    ):
        if mid in wanted:
            people.values["school"][mid].add(name)
            people.years.setdefault(("school", name), {})[mid] = (begun, ended)
    for other, tier, last in connection.execute(
        select(Contact.other_id, Tier.name, Contact.last_interaction_at)
        .outerjoin(Tier, Tier.id == Contact.tier_id)
        .where(Contact.owner_id == viewer.id, Contact.other_id.is_not(None))
    ):
        if other is not None and other in wanted:
            if tier:
                people.tier[other] = tier
            if last is not None:
                people.last_interaction[other] = as_utc(last)
    for other, tag in connection.execute(
        select(Contact.other_id, Tag.name)
        .join(ContactTag, ContactTag.contact_id == Contact.id)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Contact.owner_id == viewer.id, Contact.other_id.is_not(None))
    ):
        if other is not None and other in wanted:
            people.values["tag"][other].add(tag)
    return people


def _years(spans: list[tuple[int | None, int | None]], this_year: int) -> str:
    """The years most of them were there: the median start and end ("since" if most
    are still there)."""
    starts = [s for s, _ in spans if s]
    if not starts:
        return ""
    still = sum(1 for _, e in spans if e is None)
    first = int(median(starts))
    if still * 2 >= len(spans):
        return f"since {first}"
    last = int(median([e if e is not None else this_year for _, e in spans]))
    return str(first) if last <= first else f"{first}–{last}"


def shared_by(people: People, members: list[int], this_year: int) -> list[Shared]:
    """The attributes most of ``members`` have, best first (see the module docstring)."""
    size = len(members) or 1
    found: list[tuple[float, int, Shared]] = []
    for rank, kind in enumerate(KINDS):
        counts: Counter[str] = Counter()
        by_member = people.values.get(kind, {})
        for mid in members:
            counts.update(by_member.get(mid, ()))
        for value, count in counts.most_common(SHARED_LISTED):
            years = ""
            spans = people.years.get((kind, value))
            if spans is not None:
                years = _years([spans[m] for m in members if m in spans], this_year)
            found.append((-count / size, rank, Shared(kind, value, count, count / size, years)))
    found.sort(key=lambda t: (t[0], t[1], t[2].value))
    return [s for _, _, s in found[:SHARED_LISTED]]


def label(people: People, members: NDArray[np.int64], index: int, this_year: int) -> Label:
    """Circle ``index``'s label: what its members share most, or "Circle N" (mixed)."""
    shared = shared_by(people, members.tolist(), this_year)
    if shared and shared[0].share >= MIN_SHARE:
        top = shared[0]
        return Label(top.text if top.kind != "tag" else f"Tagged “{top.value}”", top.kind, shared)
    return Label(f"Circle {index + 1} (mixed)", "none", shared)
