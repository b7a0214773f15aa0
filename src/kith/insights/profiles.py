"""Members' attributes in bulk, as arrays: what the insights group connections by.

Loading a profile object per member is fine for one page and far too slow for a
member's 400 connections on every request or for a million members in the
community job. :func:`load` reads the few columns the insights need with plain
column queries (no ORM objects) and derives each member's career stage with the
same rule as :func:`kith.members.service.derived_career_stage`, vectorized.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import BigInteger, any_, bindparam, case, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import ColumnElement

from kith.members.service import CAREER_STAGES, EXECUTIVE_TITLE
from kith.models import Company, Education, Member, Position
from kith.uow import Ctx

__all__ = ["STAGE_KEYS", "Profiles", "load"]

STAGE_KEYS = tuple(CAREER_STAGES)
STAGE_INDEX = {key: i for i, key in enumerate(STAGE_KEYS)}
(_STUDENT, _RECENT, _EARLY, _MID, _EXEC) = (STAGE_INDEX[k] for k in STAGE_KEYS)
ID_CHUNK = 5_000  # ids per IN (...) list

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Profiles:
    """Attributes of some members, all arrays aligned with ``ids`` (ascending).

    ``stage`` indexes :data:`STAGE_KEYS` (-1: not known); ``company`` is the id of
    the company of the member's current position (the most recently started one;
    -1: none) and ``company_name`` its name when asked for; ``school`` the school
    of their latest education (-1: none).
    """

    ids: I64
    active: NDArray[np.bool_]
    industry: list[str]
    location: list[str]
    stage: I32
    company: I64
    company_name: list[str]
    school: I64

    def stage_key(self, i: int) -> str | None:
        code = int(self.stage[i])
        return STAGE_KEYS[code] if code >= 0 else None


def parts(ids: Sequence[int]) -> Iterable[list[int]]:
    """``ids`` in pieces small enough for one IN (...) list on every database."""
    for i in range(0, len(ids), ID_CHUNK):
        yield list(ids[i : i + ID_CHUNK])


def _parts(ids: Sequence[int] | None) -> Iterable[list[int] | None]:
    if ids is None:
        yield None
    else:
        yield from parts(ids)


def _where(column: Any, part: list[int] | None, dialect: str) -> ColumnElement[bool]:
    """``column`` among ``part`` as one bound parameter (an array on PostgreSQL, a
    JSON list on SQLite): the statement compiles once, whatever the number of ids."""
    found: ColumnElement[bool]
    if part is None:
        found = column.is_not(None)
    elif dialect == "postgresql":
        found = column == any_(bindparam("ids", part, type_=postgresql.ARRAY(BigInteger)))
    elif dialect == "sqlite":
        ids = func.json_each(bindparam("ids", json.dumps(part))).table_valued("value")
        found = column.in_(select(ids.c.value))
    else:
        found = column.in_(part)
    return found


def _rows(ctx: Ctx, stmt: Any, *, bulk: bool) -> list[Any]:
    """The rows of ``stmt``; in bulk straight from the driver's cursor (for a million
    rows, wrapping each in a result row costs more than the query)."""
    conn = ctx.session.connection()
    if not bulk:
        return list(conn.execute(stmt).all())
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.cursor()  # the driver's connection, in this transaction
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _per_member(ids: I64, member: I64) -> I64:
    """Index of each row's member in ``ids``."""
    return np.searchsorted(ids, member)


def load(
    ctx: Ctx,
    ids: Sequence[int] | None = None,
    *,
    with_locations: bool = True,
    with_company_names: bool = True,
) -> Profiles:
    """Attributes of the members ``ids`` (every member when ``None``)."""
    year = ctx.clock.now().year
    bulk = ids is None
    dialect = ctx.session.get_bind().dialect.name
    members: list[Any] = []
    positions: list[Any] = []
    schooling: list[Any] = []
    current = Position.end_year.is_(None)
    for part in _parts(ids):
        members.extend(
            _rows(
                ctx,
                select(
                    Member.id,
                    Member.is_active,
                    Member.industry,
                    Member.location if with_locations else Member.industry,
                    Member.career_stage,
                ).where(_where(Member.id, part, dialect)),
                bulk=bulk,
            )
        )
        name: Any = case((current, Company.name), else_=None)
        stmt = select(
            Position.member_id,
            Position.company_id,
            Position.start_year,
            case((current, 1), else_=0),
            case((current, Position.title), else_=None),
            name if with_company_names else case((current, None), else_=None),
        ).where(_where(Position.member_id, part, dialect))
        if with_company_names:
            stmt = stmt.join(Company, Company.id == Position.company_id)
        positions.extend(_rows(ctx, stmt, bulk=bulk))
        schooling.extend(
            _rows(
                ctx,
                select(
                    Education.member_id,
                    Education.school_id,
                    Education.start_year,
                    Education.end_year,
                ).where(_where(Education.member_id, part, dialect)),
                bulk=bulk,
            )
        )
    members.sort(key=lambda row: row[0])
    n = len(members)
    member_ids = np.fromiter((m[0] for m in members), dtype=np.int64, count=n)
    explicit = np.fromiter(
        (STAGE_INDEX.get(m[4] or "", -1) for m in members), dtype=np.int32, count=n
    )

    # Positions: first start, current positions, an executive title now, and the
    # company of the most recently started current position.
    p_member = _per_member(member_ids, np.fromiter((p[0] for p in positions), np.int64))
    p_company = np.fromiter((p[1] for p in positions), np.int64, count=len(positions))
    p_start = np.fromiter((p[2] for p in positions), np.int64, count=len(positions))
    p_current = np.fromiter((p[3] for p in positions), np.bool_, count=len(positions))
    has_positions = np.bincount(p_member, minlength=n) > 0
    first_start = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_start, p_member, p_start)
    current_count = np.bincount(p_member[p_current], minlength=n)
    executive = np.zeros(n, dtype=np.bool_)
    for i, p in enumerate(positions):
        if p[4] is not None and EXECUTIVE_TITLE.search(p[4]):
            executive[p_member[i]] = True
    company = np.full(n, -1, dtype=np.int64)
    company_name = [""] * n
    cur_rows = np.flatnonzero(p_current)
    order = cur_rows[np.lexsort((p_start[cur_rows], p_member[cur_rows]))]
    company[p_member[order]] = p_company[order]  # the latest start wins
    if with_company_names:
        for i in order.tolist():
            company_name[int(p_member[i])] = positions[i][5] or ""

    # Education: studying now, the latest end year, the latest school.
    e_member = _per_member(member_ids, np.fromiter((e[0] for e in schooling), np.int64))
    e_school = np.fromiter((e[1] for e in schooling), np.int64, count=len(schooling))
    e_start = np.fromiter(
        (e[2] if e[2] is not None else 0 for e in schooling), np.int64, count=len(schooling)
    )
    e_end_known = np.fromiter((e[3] is not None for e in schooling), np.bool_, len(schooling))
    e_end = np.fromiter(
        (e[3] if e[3] is not None else 0 for e in schooling), np.int64, count=len(schooling)
    )
    schools = np.bincount(e_member, minlength=n)
    last_end = np.zeros(n, dtype=np.int64)
    np.maximum.at(last_end, e_member, e_end)
    studying_rows = e_end_known & (e_end >= year) & (e_start <= year)
    studying = np.bincount(e_member[studying_rows], minlength=n) > 0
    school = np.full(n, -1, dtype=np.int64)
    rank = np.where(e_end_known, e_end, e_start)
    order = np.lexsort((rank, e_member))
    school[e_member[order]] = e_school[order]

    # The career-stage rule, in the same order as derived_career_stage.
    years = year - first_start
    derived = np.select(
        [
            executive,
            studying & (current_count == 0),
            ~has_positions & (schools > 0) & (last_end >= year - 2),
            ~has_positions,
            years < 2,
            years < 6,
        ],
        [_EXEC, _STUDENT, _RECENT, -1, _RECENT, _EARLY],
        default=_MID,
    ).astype(np.int32)
    stage = np.where(explicit >= 0, explicit, derived).astype(np.int32)
    return Profiles(
        ids=member_ids,
        active=np.fromiter((bool(m[1]) for m in members), np.bool_, count=n),
        industry=[m[2] or "" for m in members],
        location=[(m[3] or "").strip() for m in members] if with_locations else [""] * n,
        stage=stage,
        company=company,
        company_name=company_name,
        school=school,
    )
