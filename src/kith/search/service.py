"""People search: full text on the database's own engine, filters, the network from
the engine, and one ranking that blends both (see docs/search.md).

The database answers "who matches the words and filters" (SQLite FTS5 or a
PostgreSQL tsvector with a GIN index, plus plain filters); the network engine
answers "how far is each match from me" in vectorized calls. Ranking and paging
happen on the match set, so a page never needs one query per member.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    any_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)

from kith.connections.queries import block_exists
from kith.connections.service import can_see_connections
from kith.db import planned_for_values
from kith.errors import Forbidden, Invalid, NotFound
from kith.graph import service as graph
from kith.idlists import id_array, id_in, is_postgres
from kith.members.service import entity_key, view_member
from kith.models import (
    Company,
    Education,
    Group,
    GroupMember,
    Member,
    Position,
    School,
    SearchDocument,
)
from kith.pagination import Page, PageRequest
from kith.posts.audience import group_readable
from kith.search import skills
from kith.search_index import tokens
from kith.uow import Ctx

NETWORK_LABELS = {"1": "1st", "2": "2nd", "3": "3rd+"}
LIST_FILTERS = (
    "company",
    "past_company",
    "school",
    "location",
    "industry",
    "skill",
    "network",
    "group",
)
MAX_FILTER_VALUES = 10
MAX_FILTER_LENGTH = 100
ENTITY_MATCHES = 50  # companies or schools one filter value may stand for
FACET_SIZE = 10
BITMAP_FROM = 2_000  # allowed ids from which PostgreSQL intersects bitmaps
OWNER_CHOICES = 8  # members offered when a name for "connections of" fits several
BASE_CONDITIONS = 3  # active, not the viewer, not blocked (_filters)
TYPEAHEAD_POOL = 300  # name matches of everyone the engine orders by degree
# bm25 weights of the FTS5 columns: name, headline, work, study, skills, about, place.
# PostgreSQL groups the same columns into weights A (name), B (headline, work),
# C (study, skills) and D (about, place).
BM25 = "bm25(search_fts, 10.0, 5.0, 4.0, 2.0, 3.0, 1.0, 1.0)"
# Network proximity points (docs/search.md): 1st, 2nd (+ up to SECOND_MUTUAL_BONUS
# growing with shared connections), 3rd, out of network.
PROXIMITY = {1: 3.0, 2: 2.0, 3: 1.0, 0: 0.0}
SECOND_MUTUAL_BONUS = 0.5
SECOND_MUTUAL_FULL = 20
# PostgreSQL's tsvector of each document, weights A-D (migration 0007; not a model).
SEARCH_VECTORS = table("search_vectors", column("member_id", Integer), column("document"))


@dataclass(frozen=True)
class SearchQuery:
    """What a member searches for. Lists are ORed within a filter, filters ANDed."""

    keywords: str = ""
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    company: tuple[str, ...] = ()  # current company
    past_company: tuple[str, ...] = ()
    school: tuple[str, ...] = ()
    location: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    skill: tuple[str, ...] = ()  # a skill on the profile
    network: tuple[str, ...] = ()  # "1", "2", "3" (3rd degree and beyond)
    group: tuple[str, ...] = ()  # group ids: members of one of them
    connections_of: str = ""  # a member's handle, or a name (connections_owner)

    @classmethod
    def of(
        cls,
        *,
        keywords: str = "",
        first_name: str = "",
        last_name: str = "",
        title: str = "",
        connections_of: str = "",
        **lists: Sequence[str] | None,
    ) -> SearchQuery:
        """From request or command-line values, where an absent list filter is ``None``."""
        unknown = set(lists) - set(LIST_FILTERS)
        if unknown:
            raise TypeError(f"unknown search filters: {', '.join(sorted(unknown))}")
        return cls(
            keywords=keywords,
            first_name=first_name,
            last_name=last_name,
            title=title,
            connections_of=connections_of,
            **{name: tuple(lists.get(name) or ()) for name in LIST_FILTERS},
        )

    def cleaned(self) -> SearchQuery:
        """Trimmed and checked; raises ``invalid_search`` / ``invalid_network``."""
        changes: dict[str, Any] = {}
        for name in ("keywords", "first_name", "last_name", "title", "connections_of"):
            value = " ".join(str(getattr(self, name)).split())
            if len(value) > MAX_FILTER_LENGTH:
                raise Invalid(
                    f"A search term can be at most {MAX_FILTER_LENGTH} characters.",
                    code="invalid_search",
                )
            # Text with no word to search for (only punctuation) asks for nothing.
            changes[name] = value if name == "connections_of" or tokens(value) else ""
        for name in LIST_FILTERS:
            values: list[str] = []
            for raw in getattr(self, name):
                value = " ".join(str(raw).split())
                if not value or value in values:
                    continue
                if len(value) > MAX_FILTER_LENGTH:
                    raise Invalid(
                        f"A search term can be at most {MAX_FILTER_LENGTH} characters.",
                        code="invalid_search",
                    )
                if name != "network" and not tokens(value):
                    continue
                values.append(value)
            if len(values) > MAX_FILTER_VALUES:
                raise Invalid(
                    f"Choose at most {MAX_FILTER_VALUES} values for one filter.",
                    code="invalid_search",
                )
            changes[name] = tuple(values)
        bad = [n for n in changes["network"] if n not in NETWORK_LABELS]
        if bad:
            raise Invalid(
                "The network filter takes 1 (1st), 2 (2nd) and 3 (3rd and beyond).",
                code="invalid_network",
            )
        changes["network"] = tuple(sorted(changes["network"]))
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)


class AmbiguousMember(Invalid):
    """A name for "connections of" that fits several members: ``choices``, nearest first."""

    code = "ambiguous_member"

    def __init__(self, typed: str, choices: list[tuple[Member, graph.Badge]]) -> None:
        handles = ", ".join(m.handle for m, _b in choices)
        super().__init__(f"Several members are called '{typed}'. Choose one by handle: {handles}.")
        self.typed = typed
        self.choices = choices


@dataclass(frozen=True)
class SearchHit:
    member: Member
    badge: graph.Badge
    shared: list[Member]  # up to three shared connections, by name
    exact_name: bool
    score: float
    endorsed: str = ""  # "Python — endorsed by 3 of your connections"


@dataclass(frozen=True)
class Facet:
    value: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    query: SearchQuery
    page: Page[SearchHit]
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    truncated: bool = False  # more text matches than search_max_matches
    owner: Member | None = None  # whose connections ("connections of"), once found


@dataclass
class _Matches:
    ids: np.ndarray[Any, np.dtype[np.int64]]
    relevance: np.ndarray[Any, np.dtype[np.float64]]
    exact: np.ndarray[Any, np.dtype[np.bool_]]
    names: list[str]
    locations: list[str]
    industries: list[str]
    truncated: bool


def _run(ctx: Ctx, stmt: Select[*tuple[Any, ...]]) -> list[Any]:
    """Rows of a core statement (no ORM row processing)."""
    return list(ctx.session.connection().execute(stmt).all())


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _entity_ids(ctx: Ctx, model: type[Company] | type[School], values: Sequence[str]) -> list[int]:
    """The companies (or schools) a filter names: the exact entity, else those whose
    name starts with the words given."""
    keys = [k for k in (entity_key(v) for v in values) if k]
    if not keys:
        return []
    conditions = [model.key == k for k in keys] + [
        model.key.like(_like(k) + "%", escape="\\") for k in keys
    ]
    stmt = select(model.id).where(or_(*conditions)).order_by(model.id).limit(ENTITY_MATCHES)
    return list(ctx.session.scalars(stmt))


def _fts_query(words: list[str], *, column: str | None = None) -> str:
    terms = " ".join(f'"{w}"*' for w in words)
    return f"{column} : ({terms})" if column else terms


def _ts_query(words: list[str]) -> str:
    return " & ".join(f"{w}:*" for w in words)


def _text_match(
    ctx: Ctx,
    stmt: Select[*tuple[Any, ...]],
    words: list[str],
    *,
    name_only: bool = False,
    within: Sequence[int] | None = None,
    without: Sequence[int] = (),
    best: int | None = None,
) -> tuple[Select[*tuple[Any, ...]], Any]:
    """Restrict ``stmt`` (over members joined to search_documents) to the words;
    returns it with a relevance column (higher is better).

    ``within`` / ``without`` restrict the members considered before anything is
    ranked, so the database ranks only the matches a filter keeps: on SQLite the
    test runs on each FTS5 match before ``bm25`` (``+rowid`` keeps it from being
    handed to FTS5 as one lookup per id); on PostgreSQL the id array (one hashed
    ``= ANY``) is tested on each GIN match before ``ts_rank``, or ANDed in as a primary
    key bitmap where the planner finds that cheaper.
    ``best``: keep only that many best-ranked matches before joining the member rows
    (for a caller whose other conditions drop next to nobody).
    """
    if is_postgres(ctx):
        # The document's tsvector lives in its own narrow table (migration 0007), so
        # ranking many matches reads ~0.8 KB per match instead of the whole profile
        # row. The name alone has its own tsvector and GIN index in search_documents
        # (migration 0006): the same lexemes as weight A, answered from its index.
        query = func.to_tsquery("simple", _ts_query(words))
        source: Any = SearchDocument.__table__ if name_only else SEARCH_VECTORS
        document: Any = (
            literal_column("search_documents.name_words") if name_only else source.c.document
        )
        member_id: Any = source.c.member_id
        rank = func.ts_rank(document, query).cast(Float)
        where: list[ColumnElement[bool]] = [document.op("@@")(query)]
        if within is not None:
            where.append(member_id == any_(id_array(ctx, within)))
        if without:  # NOT IN a subquery is hashed; <> ALL (array) compares one by one
            unnested = select(func.unnest(id_array(ctx, without))).scalar_subquery()
            where.append(member_id.not_in(unnested))
        if best is None:
            if not name_only:
                stmt = stmt.join(source, member_id == Member.id)
            return stmt.where(*where), rank
        # The best matches by text alone, from the tsvectors alone: the sort carries
        # (id, rank), and no member row is read before the cut.
        top: Any = (
            select(member_id.label("id"), rank.label("rank"))
            .select_from(source)
            .where(*where)
            .order_by(literal_column("rank").desc(), member_id)
            .limit(best)
            .subquery("top")
        )
        return stmt.join(top, top.c.id == Member.id), top.c.rank
    rowid = literal_column("+rowid", Integer)
    conds: list[ColumnElement[bool]] = [
        literal_column("search_fts").op("MATCH")(
            _fts_query(words, column="name" if name_only else None)
        )
    ]
    if within is not None:
        conds.append(rowid.in_(id_array(ctx, within)))
    if without:
        conds.append(rowid.not_in(id_array(ctx, without)))
    fts: Any = (
        select(
            literal_column("rowid", Integer).label("id"),
            literal_column(BM25, Float).label("rank"),
        )
        .select_from(table("search_fts"))
        .where(*conds)
    )
    if best is not None:
        fts = fts.order_by(literal_column("rank"), literal_column("rowid")).limit(best)
    fts = fts.subquery("fts")
    return stmt.join(fts, fts.c.id == Member.id), -fts.c.rank


IdArray = np.ndarray[Any, np.dtype[np.int64]]


def _member_ids(ctx: Ctx, stmt: Select[int]) -> IdArray:
    ids = np.sort(np.fromiter(ctx.session.connection().scalars(stmt), dtype=np.int64))
    return ids[np.concatenate(([True], ids[1:] != ids[:-1]))] if ids.size else ids


def _filters(
    ctx: Ctx, viewer: Member, q: SearchQuery, scope: IdArray | None
) -> tuple[list[ColumnElement[bool]], IdArray | None] | None:
    """SQL conditions for the profile filters, and the ids the network, company and
    school filters allow (None: no limit from them); None when a filter can match
    nobody. A company or school stands for a few thousand members at most, fetched
    by index and intersected here, so the main query starts from a short id list."""
    conds: list[ColumnElement[bool]] = [
        Member.is_active.is_(True),
        Member.id != viewer.id,
        ~block_exists(viewer.id, Member.id),
    ]
    if q.first_name:
        conds.append(Member.first_name.ilike(_like(q.first_name) + "%", escape="\\"))
    if q.last_name:
        conds.append(Member.last_name.ilike(_like(q.last_name) + "%", escape="\\"))
    if q.title:
        conds.append(
            exists().where(
                Position.member_id == Member.id,
                Position.end_year.is_(None),
                Position.title.ilike("%" + _like(q.title) + "%", escape="\\"),
            )
        )
    held: list[IdArray] = []
    for values, current in ((q.company, True), (q.past_company, False)):
        if not values:
            continue
        companies = _entity_ids(ctx, Company, values)
        if not companies:
            return None
        held.append(
            _member_ids(
                ctx,
                select(Position.member_id).where(
                    Position.company_id.in_(companies),
                    Position.end_year.is_(None) if current else Position.end_year.is_not(None),
                ),
            )
        )
    if q.skill:
        wanted = skills.skill_ids(ctx, q.skill)
        if not wanted:
            return None
        held.append(skills.members_with(ctx, list(wanted)))
    if q.group:
        fellows = _group_members(ctx, viewer, q.group)
        if fellows is None:
            return None
        held.append(fellows)
    if q.school:
        schools = _entity_ids(ctx, School, q.school)
        if not schools:
            return None
        held.append(
            _member_ids(ctx, select(Education.member_id).where(Education.school_id.in_(schools)))
        )
    for ids in held:
        scope = ids if scope is None else np.intersect1d(scope, ids, assume_unique=True)
    if q.location:
        conds.append(
            or_(*(Member.location.ilike("%" + _like(v) + "%", escape="\\") for v in q.location))
        )
    if q.industry:
        # The members of those industries by index (their spellings first), so the text
        # is matched and ranked among them only: an ILIKE on every member row cost as
        # much as the search.
        spellings = _industry_spellings(ctx, q.industry)
        if not spellings:
            return None
        industry = _member_ids(ctx, select(Member.id).where(Member.industry.in_(spellings)))
        scope = industry if scope is None else np.intersect1d(scope, industry, assume_unique=True)
    return conds, scope


def _group_members(ctx: Ctx, viewer: Member, values: Sequence[str]) -> IdArray | None:
    """The members of the groups ``values`` names (by id) whose members the viewer may
    read (:func:`kith.posts.audience.group_readable`); None when there is none: a group
    the viewer may not read inside matches no one, as one that does not exist."""
    wanted = [int(v) for v in values if v.isdigit() and len(v) <= 10 and int(v) < 2**31]
    readable = list(
        ctx.session.scalars(
            select(Group.id).where(Group.id.in_(wanted), group_readable(viewer.id, Group.id))
        )
    )
    if not readable:
        return None
    return _member_ids(
        ctx,
        select(GroupMember.member_id).where(
            GroupMember.group_id.in_(readable), GroupMember.status == "member"
        ),
    )


def _industry_spellings(ctx: Ctx, values: Sequence[str]) -> list[str]:
    """The industries stored that equal one of ``values`` ignoring case: the distinct
    industries walked one index probe each (a handful), then the same ILIKE test."""
    first: Any = select(Member.industry.label("v")).order_by(Member.industry).limit(1).subquery()
    walk: Any = select(first.c.v).cte("spellings", recursive=True)
    prev = walk.alias("prev")
    following = (
        select(Member.industry)
        .where(Member.industry > prev.c.v)
        .order_by(Member.industry)
        .limit(1)
        .scalar_subquery()
    )
    walk = walk.union_all(select(following).where(prev.c.v.is_not(None)))
    stmt = select(walk.c.v).where(
        walk.c.v.is_not(None), or_(*(walk.c.v.ilike(_like(v), escape="\\") for v in values))
    )
    return [str(v) for v in ctx.session.connection().scalars(stmt)]


def connections_owner(ctx: Ctx, viewer: Member, typed: str) -> Member:
    """The member a "connections of" filter names: a handle, else a name among the
    members ``viewer`` can find. A name that fits one member (exactly, or as the
    beginning of one name) is theirs; one that fits several raises
    :class:`AmbiguousMember` with the choices; one that fits nobody, ``member_not_found``.
    """
    try:
        return view_member(ctx, viewer, typed)
    except NotFound:
        pass
    wanted = tokens(typed, limit=8)
    found = typeahead(ctx, viewer, typed, limit=50) if wanted else []
    exact = [(m, b) for m, b in found if tokens(m.name, limit=50) == wanted]
    fits = exact or found
    if len(fits) == 1:
        return fits[0][0]
    if fits:
        raise AmbiguousMember(typed, fits[:OWNER_CHOICES])
    raise NotFound(f"No member you can find is called '{typed}'.", code="member_not_found")


def _network_scope(
    ctx: Ctx, viewer: Member, q: SearchQuery, owner: Member | None
) -> tuple[np.ndarray[Any, np.dtype[np.int64]] | None, np.ndarray[Any, np.dtype[np.int64]]]:
    """The ids the network filter and "connections of" allow (None: no limit from
    them), and the ids a filter with "3rd+" leaves out (1st or 2nd degree not asked
    for). The degrees of the matches are checked again once known."""
    scope: np.ndarray[Any, np.dtype[np.int64]] | None = None
    empty = np.zeros(0, np.int64)
    if owner is not None:
        if not can_see_connections(ctx, viewer, owner):
            raise Forbidden(
                f"{owner.name} keeps their connections private.", code="connections_private"
            )
        scope = graph.neighbors(ctx, owner.id).astype(np.int64)
    wanted = set(q.network)
    if not wanted or wanted == set(NETWORK_LABELS):
        return scope, empty
    # Both sorted, without repeats, and apart (the 2nd degree is "exactly 2"): their
    # union is a sort, not a hashing np.unique (16 ms at 60,000 ids).
    first = graph.neighbors(ctx, viewer.id).astype(np.int64)
    second = graph.second_degree(ctx, viewer.id).astype(np.int64)
    second = second[~np.isin(second, first, assume_unique=True)]
    if "3" in wanted:
        parts = ([] if "1" in wanted else [first]) + ([] if "2" in wanted else [second])
        return scope, np.sort(np.concatenate(parts)) if parts else empty
    near = np.sort(
        np.concatenate(([first] if "1" in wanted else []) + ([second] if "2" in wanted else []))
    )
    return (near if scope is None else np.intersect1d(scope, near, assume_unique=True)), empty


def _matches(
    ctx: Ctx,
    viewer: Member,
    q: SearchQuery,
    scope: np.ndarray[Any, np.dtype[np.int64]] | None,
    exclude: np.ndarray[Any, np.dtype[np.int64]],
) -> _Matches:
    none = _Matches(
        np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.bool_), [], [], [], truncated=False
    )
    filtered = _filters(ctx, viewer, q, scope)
    if filtered is None:
        return none
    conds, scope = filtered
    if scope is not None and scope.size == 0:
        return none
    words = tokens(q.keywords)
    stmt = select(Member.id, SearchDocument.name, Member.location, Member.industry).join(
        SearchDocument, SearchDocument.member_id == Member.id
    )
    limit = ctx.settings.search_max_matches
    if words:
        # Only the active / not blocked / not the viewer conditions: they drop next
        # to nobody, so the best matches can be chosen before reading member rows.
        plain = len(conds) == BASE_CONDITIONS
        stmt, rank = _text_match(
            ctx,
            stmt,
            words,
            within=None if scope is None else scope.tolist(),
            without=exclude.tolist(),
            best=limit + 1 if plain else None,
        )
        if not plain and is_postgres(ctx):
            # All the conditions, then the cut, over (id, rank) only: the sort does not
            # carry the documents the rank was computed from.
            cut: Any = (
                stmt.with_only_columns(Member.id.label("id"), rank.label("rank"))
                .where(*conds)
                .order_by(literal_column("rank").desc(), Member.id)
                .limit(limit + 1)
                .subquery("cut")
            )
            stmt = select(
                Member.id, SearchDocument.name, Member.location, Member.industry, cut.c.rank
            ).select_from(cut)
            stmt = stmt.join(Member, Member.id == cut.c.id).join(
                SearchDocument, SearchDocument.member_id == cut.c.id
            )
            rank, conds = cut.c.rank, []
        stmt = stmt.add_columns(rank.label("rel")) if plain or not is_postgres(ctx) else stmt
        stmt = stmt.order_by(rank.desc(), Member.id)
    else:
        if scope is not None:
            conds.append(id_in(ctx, Member.id, scope.tolist()))
        stmt = stmt.order_by(Member.id)
    statement = stmt.where(*conds).limit(limit + 1)
    if words and is_postgres(ctx):
        # Each search is planned for its own words and ids (``planned_for_values``): a
        # generic plan no longer folds to_tsquery into a constant and parses it again
        # for every row ranked (65 -> 135-160 ms for 40,000 matches).
        bitmaps = scope is not None and scope.size > BITMAP_FROM
        with planned_for_values(ctx.session):
            if bitmaps:
                # Many allowed ids: PostgreSQL would read each of them through the
                # primary key and test the words row by row; ANDing the primary key and
                # GIN bitmaps reads only the rows in both (about 4x less work at 15,000).
                ctx.session.execute(text("SET LOCAL enable_indexscan = off"))
            rows = _run(ctx, statement)
            if bitmaps:
                ctx.session.execute(text("SET LOCAL enable_indexscan TO DEFAULT"))
    else:
        rows = _run(ctx, statement)
    truncated = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return none
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    if words:
        rel = np.fromiter((float(r[4] or 0.0) for r in rows), dtype=np.float64, count=len(rows))
        top = float(rel.max())
        rel = rel / top if top > 0 else np.zeros_like(rel)
    else:
        rel = np.zeros(len(rows))
    wanted = " ".join(words)
    first = words[0] if words else ""
    exact = np.fromiter(
        (
            bool(wanted)
            and r[1][: len(first)].lower() == first  # cheap test before tokenizing
            and " ".join(tokens(r[1], limit=50)) == wanted
            for r in rows
        ),
        dtype=np.bool_,
        count=len(rows),
    )
    return _Matches(
        ids,
        rel,
        exact,
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        truncated,
    )


def proximity(degrees: np.ndarray[Any, Any], mutual: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Network proximity points: 1st 3, 2nd 2 to 2.5 with shared connections, 3rd 1,
    out of network 0."""
    points = np.zeros(degrees.size)
    for degree, value in PROXIMITY.items():
        points[degrees == degree] = value
    second = degrees == 2
    points[second] += (
        SECOND_MUTUAL_BONUS * np.minimum(mutual[second], SECOND_MUTUAL_FULL) / (SECOND_MUTUAL_FULL)
    )
    return points


def search_people(ctx: Ctx, viewer: Member, query: SearchQuery, req: PageRequest) -> SearchResult:
    """Members matching ``query`` as ``viewer`` may find them, best first.

    Score = proximity points + ``search_text_weight`` x text relevance (0..1 within
    this result set); an exact full-name match always comes first. Ties: more
    shared connections, then last name. Blocked (either way) and deactivated
    members never appear.
    """
    q = query.cleaned()
    if q.is_empty:
        raise Invalid("Type a name or keywords, or choose a filter.", code="empty_search")
    owner = connections_owner(ctx, viewer, q.connections_of) if q.connections_of else None
    if owner is not None:
        q = replace(q, connections_of=owner.handle)
    scope, exclude = _network_scope(ctx, viewer, q, owner)
    found = _matches(ctx, viewer, q, scope, exclude)
    ids = found.ids
    eng = graph.engine(ctx)
    degrees = eng.degrees(viewer.id, ids).astype(np.int64) if ids.size else np.zeros(0, np.int64)
    keep = np.ones(ids.size, dtype=np.bool_)
    wanted = set(q.network)
    if wanted and wanted != set(NETWORK_LABELS):
        allowed = [int(n) for n in wanted if n != "3"] + ([3, 0] if "3" in wanted else [])
        keep = np.isin(degrees, allowed)
    sel = np.flatnonzero(keep)
    ids, degrees = ids[sel], degrees[sel]
    rel, exact = found.relevance[sel], found.exact[sel]
    mutual = np.zeros(ids.size, dtype=np.int64)
    near = np.flatnonzero(degrees == 2)
    if near.size:
        mutual[near] = eng.mutual_counts(viewer.id, ids[near])
    endorsed = skills.network_endorsements(ctx, viewer, ids, _searched_skills(ctx, q))
    score = proximity(degrees, mutual) + ctx.settings.search_text_weight * rel + endorsed.points()
    names = [found.names[i] for i in sel.tolist()]
    # lexsort: the last key is the primary one
    name_rank = np.argsort(np.argsort(np.array(names, dtype=object), kind="stable"))
    order = np.lexsort((ids, name_rank, -mutual, -score, ~exact))
    total = int(ids.size)
    page_idx = order[req.offset : req.offset + req.per_page]
    page_ids = [int(i) for i in ids[page_idx]]
    members = {m.id: m for m in ctx.session.scalars(select(Member).where(Member.id.in_(page_ids)))}
    page_members = [members[i] for i in page_ids if i in members]
    found_badges = graph.badges(ctx, viewer, [m.id for m in page_members])
    preview = graph.mutual_preview(ctx, viewer, page_members, per_member=3)
    by_position = {int(ids[i]): i for i in page_idx.tolist()}
    hits = [
        SearchHit(
            member=m,
            badge=found_badges[m.id],
            shared=preview.get(m.id, []),
            exact_name=bool(exact[by_position[m.id]]),
            score=round(float(score[by_position[m.id]]), 4),
            endorsed=endorsed.line(m.id, int(endorsed.counts[by_position[m.id]])),
        )
        for m in page_members
    ]
    facets = _facets(
        ctx,
        q,
        ids,
        [found.locations[i] for i in sel.tolist()],
        [found.industries[i] for i in sel.tolist()],
    )
    return SearchResult(
        query=q,
        page=Page(hits, total, req.page, req.per_page),
        facets=facets,
        truncated=found.truncated,
        owner=owner,
    )


def _searched_skills(ctx: Ctx, q: SearchQuery) -> dict[int, str]:
    """The skills a search asks about: its skill filter, else keywords naming a skill."""
    if q.skill:
        return skills.skill_ids(ctx, q.skill)
    return skills.keyword_skills(ctx, q.keywords)


def _facet_list(counts: Counter[str], selected: Sequence[str]) -> list[Facet]:
    chosen = {s.lower() for s in selected}
    out = [Facet(v, n, v.lower() in chosen) for v, n in counts.most_common(FACET_SIZE) if v]
    return out


def _facets(
    ctx: Ctx,
    q: SearchQuery,
    ids: np.ndarray[Any, np.dtype[np.int64]],
    locations: list[str],
    industries: list[str],
) -> dict[str, list[Facet]]:
    """Counts of current company, location, industry and skill over the whole result set."""
    companies: Counter[str] = Counter()
    if ids.size:
        stmt = (
            select(Company.name, func.count(func.distinct(Position.member_id)))
            .join(Company, Company.id == Position.company_id)
            .where(Position.end_year.is_(None), id_in(ctx, Position.member_id, ids.tolist()))
            .group_by(Company.id, Company.name)
            .order_by(func.count(func.distinct(Position.member_id)).desc(), Company.name)
            .limit(FACET_SIZE)
        )
        companies.update({name: int(n) for name, n in ctx.session.execute(stmt)})
    return {
        "company": _facet_list(companies, q.company),
        "location": _facet_list(Counter(locations), q.location),
        "industry": _facet_list(Counter(industries), q.industry),
        "skill": _facet_list(Counter(dict(skills.skill_facet(ctx, ids, FACET_SIZE))), q.skill),
    }


def typeahead(
    ctx: Ctx, viewer: Member, prefix: str, *, limit: int | None = None
) -> list[tuple[Member, graph.Badge]]:
    """Members whose names start with the words typed, nearest first: 1st-degree, then
    2nd by shared connections, then 3rd, then everyone else; then by name."""
    limit = ctx.settings.search_typeahead_limit if limit is None else limit
    if not 1 <= limit <= 50:
        raise Invalid("Ask for between 1 and 50 suggestions.", code="invalid_search")
    if len(prefix) > MAX_FILTER_LENGTH:
        raise Invalid(
            f"A search term can be at most {MAX_FILTER_LENGTH} characters.",
            code="invalid_search",
        )
    words = tokens(prefix, limit=4)
    if not words:
        return []
    base: Select[*tuple[Any, ...]] = (
        select(Member.id, SearchDocument.name)
        .join(SearchDocument, SearchDocument.member_id == Member.id)
        .where(
            Member.is_active.is_(True),
            Member.id != viewer.id,
            ~block_exists(viewer.id, Member.id),
        )
    )
    # Connections first (a short list), then the first name matches of everyone:
    # one bounded query each, ordered by the engine afterwards.
    first = graph.neighbors(ctx, viewer.id)
    rows: dict[int, str] = {}
    if first.size:
        near, _rank = _text_match(ctx, base, words, name_only=True, within=first.tolist())
        rows.update({int(r[0]): str(r[1]) for r in _run(ctx, near.limit(limit * 4))})
    anyone, _rank = _text_match(ctx, base, words, name_only=True)
    rows.update({int(r[0]): str(r[1]) for r in _run(ctx, anyone.limit(TYPEAHEAD_POOL))})
    if not rows:
        return []
    ids = list(rows)
    found = graph.badges(ctx, viewer, ids)
    wanted = " ".join(words)
    order = {1: 0, 2: 1, 3: 2, 0: 3}

    def key(i: int) -> tuple[int, int, int, int, str, int]:
        b = found[i]
        name = " ".join(tokens(rows[i], limit=50))
        return (order.get(b.degree or 0, 3), -b.mutual, name != wanted, len(name), name, i)

    best = sorted(ids, key=key)[:limit]
    members = {m.id: m for m in ctx.session.scalars(select(Member).where(Member.id.in_(best)))}
    return [(members[i], found[i]) for i in best if i in members]


__all__ = [
    "AmbiguousMember",
    "Facet",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "connections_owner",
    "proximity",
    "search_people",
    "typeahead",
]
