"""The search index: one plain-text document per member, kept equal to the profile.

Part of the data layer, as a trigger would be: it imports models only, and the
search domain (``kith.search``) reads what it keeps.

Why here and not in database triggers: a member's document spans six tables
(members, positions, companies, education, schools, skills) and must read the same
on SQLite and PostgreSQL. Built in Python, it is one function for both databases,
folded the same way (accents removed) on both, and written once per flush however
many rows an edit touched. Nothing can forget it: a session listener refreshes the
document of every member whose profile rows the ORM flushes, in the same
transaction; :func:`install` puts it on a database's sessions when the runtime
starts (:class:`kith.runtime.Kith`). Writers that bypass the ORM (the demo's bulk inserts, a core
``DELETE`` of skills) call :func:`refresh` or :func:`rebuild` themselves.

From ``search_documents`` on, each database keeps its own full-text structure
(SQLite FTS5 through triggers, migration 0002; PostgreSQL a table of tsvectors
written by statement triggers, migration 0007).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kith.db import Database
from kith.models import (
    Company,
    Education,
    Member,
    MemberSkill,
    Position,
    School,
    SearchDocument,
    Skill,
)

CHUNK = 5_000
TOKEN = re.compile(r"\w+", re.UNICODE)
DOCUMENT_COLUMNS = ("name", "headline", "work", "study", "skills", "about", "place")


def fold(text: str) -> str:
    """Accents removed, case kept: what both full-text engines index and are asked."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str, *, limit: int = 12) -> list[str]:
    """The words of a query, folded and lower-cased (at most ``limit``)."""
    return TOKEN.findall(fold(text).lower())[:limit]


def _join(parts: Iterable[str | None]) -> str:
    return fold(" ".join(p for p in parts if p))


def _documents(conn: Connection, ids: Sequence[int] | None) -> list[dict[str, Any]]:
    m, p, c, e, s = (
        Member.__table__,
        Position.__table__,
        Company.__table__,
        Education.__table__,
        School.__table__,
    )
    ms, sk = MemberSkill.__table__, Skill.__table__

    def only(stmt: Any, column: Any) -> Any:
        return stmt if ids is None else stmt.where(column.in_(ids))

    work: dict[int, list[str]] = defaultdict(list)
    for member_id, title, company in conn.execute(
        only(
            select(p.c.member_id, p.c.title, c.c.name).join(c, c.c.id == p.c.company_id),
            p.c.member_id,
        )
    ):
        work[member_id] += [title, company]
    study: dict[int, list[str]] = defaultdict(list)
    for member_id, school, degree, field in conn.execute(
        only(
            select(e.c.member_id, s.c.name, e.c.degree, e.c.field_of_study).join(
                s, s.c.id == e.c.school_id
            ),
            e.c.member_id,
        )
    ):
        study[member_id] += [school, degree, field]
    skills: dict[int, list[str]] = defaultdict(list)
    for member_id, skill in conn.execute(
        only(select(ms.c.member_id, sk.c.name).join(sk, sk.c.id == ms.c.skill_id), ms.c.member_id)
    ):
        skills[member_id].append(skill)
    docs = []
    for row in conn.execute(
        only(
            select(
                m.c.id,
                m.c.first_name,
                m.c.last_name,
                m.c.headline,
                m.c.about,
                m.c.location,
                m.c.industry,
            ),
            m.c.id,
        )
    ):
        docs.append(
            {
                "member_id": row.id,
                "name": _join([row.first_name, row.last_name]),
                "headline": _join([row.headline]),
                "work": _join(work.get(row.id, [])),
                "study": _join(study.get(row.id, [])),
                "skills": _join(skills.get(row.id, [])),
                "about": _join([row.about]),
                "place": _join([row.location, row.industry]),
            }
        )
    return docs


def _upsert(conn: Connection, docs: list[dict[str, Any]]) -> None:
    if not docs:
        return
    table = SearchDocument.__table__
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.member_id],
        set_={col: stmt.excluded[col] for col in DOCUMENT_COLUMNS},
    )
    for start in range(0, len(docs), CHUNK):
        conn.execute(stmt, docs[start : start + CHUNK])


def refresh(target: Session | Connection, member_ids: Iterable[int]) -> None:
    """Rewrite these members' documents from their profiles (in the caller's transaction)."""
    ids = sorted({int(i) for i in member_ids})
    if not ids:
        return
    conn = target.connection() if isinstance(target, Session) else target
    for start in range(0, len(ids), CHUNK):
        _upsert(conn, _documents(conn, ids[start : start + CHUNK]))


def rebuild(target: Session | Connection) -> int:
    """Rebuild every document (after bulk loads, or ``kith db reindex``)."""
    conn = target.connection() if isinstance(target, Session) else target
    documents = SearchDocument.__table__
    assert isinstance(documents, Table)
    conn.execute(delete(documents))
    docs = _documents(conn, None)
    for start in range(0, len(docs), CHUNK):
        conn.execute(insert(documents), docs[start : start + CHUNK])
    return len(docs)


def forget(target: Session | Connection, member_id: int) -> None:
    """Remove a deleted account's document, and every word of it from the full-text
    index. PostgreSQL's tsvector goes with the row (``ON DELETE CASCADE``); SQLite's FTS5 only
    marks a deleted document as deleted and keeps its words (and those of its earlier
    versions) inside the index's segments until they are merged, so the index is
    merged into one segment here (FTS5 ``optimize``: time in proportion to the index,
    about a second per 30,000 members)."""
    conn = target.connection() if isinstance(target, Session) else target
    conn.execute(delete(SearchDocument).where(SearchDocument.member_id == member_id))
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


# ----------------------------------------------------------------------- listener
_PROFILE_FIELDS = ("first_name", "last_name", "headline", "about", "location", "industry")
_PENDING = "kith_search_pending"


def _changed(obj: Any, fields: Sequence[str]) -> bool:
    from sqlalchemy import inspect

    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def collect(session: Session) -> None:
    """After a flush: note whose documents the flushed rows change."""
    pending: set[int] = session.info.setdefault(_PENDING, set())
    entity_ids: dict[Any, set[int]] = defaultdict(set)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Member):
            if obj in session.deleted:
                continue
            if obj in session.new or _changed(obj, _PROFILE_FIELDS):
                pending.add(obj.id)
        elif isinstance(obj, (Position, Education, MemberSkill)):
            if obj.member_id is not None:
                pending.add(obj.member_id)
        elif isinstance(obj, (Company, School, Skill)) and obj not in session.new:
            if _changed(obj, ("name",)):
                entity_ids[type(obj)].add(obj.id)
    for model, ids in entity_ids.items():
        conn = session.connection()
        link: Any = {Company: Position, School: Education, Skill: MemberSkill}[model]
        column: str = {Company: "company_id", School: "school_id", Skill: "skill_id"}[model]
        pending.update(
            conn.scalars(select(link.member_id).where(getattr(link, column).in_(ids))).all()
        )


def apply(session: Session) -> None:
    """After the flush has run: rewrite the noted documents."""
    pending: set[int] | None = session.info.pop(_PENDING, None)
    if pending:
        refresh(session, pending)


def _after_flush(session: Session, _context: object) -> None:
    collect(session)


def _after_flush_postexec(session: Session, _context: object) -> None:
    apply(session)


def install(db: Database) -> None:
    """Keep every member's document equal to their profile in each session of ``db``
    (once per database; installing again changes nothing)."""
    db.listen("after_flush", _after_flush)
    db.listen("after_flush_postexec", _after_flush_postexec)
