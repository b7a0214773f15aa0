"""Written recommendations in the demo community, following its relationships: among
connections who work or worked at the same company, the more senior recommends the
other ("managed them directly"), else colleagues recommend each other ("worked on the
same team"). The demo member has some in every state, written through the real
services so that their inbox and notifications are as a member's would be."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import aliased

from kith.models import Company, Connection, Member, Position, Recommendation
from kith.recommendations import service
from kith.uow import Ctx

__all__ = ["seed_recommendations"]

SENIOR = ("head", "director", "manager", "lead", "chief", "vp", "principal", "partner")

OPENINGS = (
    "I had the pleasure of working with {first} at {company}.",
    "{first} and I worked side by side at {company} for several years.",
    "I managed {first} at {company}, and it was one of the easiest jobs I have had.",
    "Few people I have worked with at {company} were as dependable as {first}.",
)
MIDDLES = (
    "{first} takes a vague problem, asks the right questions and ships something people "
    "actually use.",
    "{first} is calm under pressure and generous with their time: juniors sought {first} out.",
    "When our biggest project slipped, {first} rebuilt the plan and brought it in on time.",
    "{first} writes clearly, listens well and makes every meeting shorter.",
)
CLOSINGS = (
    "I would hire {first} again without hesitation.",
    "Any team would be lucky to have {first}.",
    "I recommend {first} warmly.",
    "I look forward to working with {first} again.",
)


def _text(rng: np.random.Generator, first: str, company: str) -> str:
    parts = (OPENINGS, MIDDLES, CLOSINGS)
    return " ".join(
        str(p[int(rng.integers(len(p)))]).format(first=first, company=company) for p in parts
    )


def _senior(title: str) -> bool:
    return any(word in title.lower() for word in SENIOR)


def _colleague_pairs(ctx: Ctx, limit: int) -> list[Any]:
    """(lo, hi, lo's title, hi's title, lo's position, hi's position, company) for
    connections who worked at the same company, at most ``limit``."""
    p1, p2 = aliased(Position), aliased(Position)
    stmt = (
        select(
            Connection.member_lo_id,
            Connection.member_hi_id,
            p1.title,
            p2.title,
            p1.id,
            p2.id,
            p1.company_id,
        )
        .join(p1, p1.member_id == Connection.member_lo_id)
        .join(p2, and_(p2.member_id == Connection.member_hi_id, p2.company_id == p1.company_id))
        .order_by(Connection.id)
        .limit(limit)
    )
    return list(ctx.session.execute(stmt).all())


def seed_recommendations(
    ctx: Ctx, demo_id: int, rng: np.random.Generator, now: datetime, *, most: int
) -> int:
    """Accepted recommendations along up to ``most`` colleague connections, and the
    demo member's own in each state. How many were written."""
    names = dict(ctx.session.execute(select(Member.id, Member.first_name)).all())
    company = dict(ctx.session.execute(select(Company.id, Company.name)).all())
    seen: set[tuple[int, int]] = set()
    rows: list[dict[str, Any]] = []
    for lo, hi, lo_title, hi_title, lo_pos, hi_pos, company_id in _colleague_pairs(ctx, most * 3):
        if demo_id in (lo, hi) or (lo, hi) in seen or len(rows) >= most:
            continue
        seen.add((lo, hi))
        # The senior recommends the other; between peers, either way.
        if _senior(hi_title) and not _senior(lo_title):
            author, recipient, pos, relation = hi, lo, lo_pos, "managed_directly"
        elif _senior(lo_title) and not _senior(hi_title):
            author, recipient, pos, relation = lo, hi, hi_pos, "managed_directly"
        else:
            flip = bool(rng.integers(2))
            author, recipient = (lo, hi) if flip else (hi, lo)
            pos, relation = (hi_pos if flip else lo_pos), "same_team"
        when = now - timedelta(days=int(rng.integers(5, 900)))
        rows.append(
            {
                "author_id": author,
                "recipient_id": recipient,
                "asked": bool(rng.integers(2)),
                "relation": relation,
                "position_id": pos,
                "education_id": None,
                "message": "",
                "body": _text(rng, names[recipient], company[company_id]),
                "revision_note": "",
                "status": "accepted",
                "hidden": False,
                "source": "",
                "source_date": None,
                "created_at": when,
                "written_at": when,
                "accepted_at": when + timedelta(days=1),
            }
        )
    if rows:
        ctx.session.execute(insert(Recommendation), rows)
    return len(rows) + _demo_member(ctx, demo_id, rng, company)


def _demo_member(ctx: Ctx, demo_id: int, rng: np.random.Generator, company: dict[int, str]) -> int:
    """The demo member's: two accepted on their profile, one waiting for approval, one
    request to write, a draft, a request they sent and one they gave."""
    demo = ctx.session.get_one(Member, demo_id)
    mine = {p.company_id: p for p in demo.positions}
    other = func.coalesce(func.nullif(Connection.member_lo_id, demo_id), Connection.member_hi_id)
    near = list(
        ctx.session.execute(
            select(other, Position.company_id)
            .join(Position, Position.member_id == other)
            .where(
                (Connection.member_lo_id == demo_id) | (Connection.member_hi_id == demo_id),
                Position.company_id.in_(list(mine) or [0]),
            )
            .order_by(other)
        ).all()
    )
    colleagues, companies = [], {}
    for member_id, company_id in near:
        if member_id not in companies:
            colleagues.append(int(member_id))
            companies[int(member_id)] = int(company_id)
    if len(colleagues) < 7:
        fill = ctx.session.scalars(
            select(other)
            .where((Connection.member_lo_id == demo_id) | (Connection.member_hi_id == demo_id))
            .order_by(other)
            .limit(20)
        )
        colleagues += [int(x) for x in fill if int(x) not in companies][: 7 - len(colleagues)]
    people = [ctx.session.get_one(Member, i) for i in colleagues[:7]]
    if len(people) < 7:
        return 0

    def about(member_id: int) -> service.About:
        pos = mine.get(companies.get(member_id, 0))
        return service.About(position_id=pos.id if pos else None)

    def text_for(first: str, member_id: int) -> str:
        return _text(rng, first, company.get(companies.get(member_id, 0), "our last company"))

    a, b, c, d, e, f, g = people
    for writer in (a, b):  # accepted, on the profile
        rec = service.request(ctx, demo, writer.handle, "managed_directly", about(writer.id))
        service.edit(ctx, writer, rec.id, body=text_for(demo.first_name, writer.id))
        service.accept(ctx, demo, rec.id)
    waiting = service.request(
        ctx, demo, c.handle, "same_team", about(c.id), "Would you write a few lines?"
    )
    service.edit(ctx, c, waiting.id, body=text_for(demo.first_name, c.id))
    service.request(
        ctx, d, demo.handle, "reported_to", message="Could you write about our time together?"
    )
    service.write(ctx, demo, e.handle, "same_team", text_for(e.first_name, e.id), send=False)
    service.request(ctx, demo, f.handle, "same_team", about(f.id), "It would mean a lot.")
    given = service.write(ctx, demo, g.handle, "mentored", text_for(g.first_name, g.id))
    service.accept(ctx, g, given.id)
    return 7
