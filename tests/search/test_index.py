"""The search documents follow every way profile data is written."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.clock import FrozenClock
from kith.config import Settings
from kith.db import Database
from kith.demo.service import build_demo
from kith.models import Company, Member, Position, SearchDocument
from kith.pagination import PageRequest
from kith.runtime import Kith
from kith.search.service import SearchQuery, search_people
from kith.search_index import install
from kith.uow import Ctx
from tests.fixtures.factories import make_member
from tests.fixtures.search import profile, synced


def found(kith: Kith, viewer: Member, **query: object) -> list[str]:
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get(Member, viewer.id)
        assert me is not None
        result = search_people(c, me, SearchQuery(**query), PageRequest(1, 50))  # type: ignore[arg-type]
        return [h.member.handle for h in result.page.items]


def document(ctx: Ctx, member: Member) -> SearchDocument:
    ctx.session.expire_all()
    doc = ctx.session.get(SearchDocument, member.id)
    assert doc is not None
    return doc


def test_any_orm_write_refreshes_the_document(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    viewer = make_member(ctx, "Vera")
    zoe = make_member(ctx, "Zoé", "Ngata", headline="Welder")  # set directly on the row
    assert document(ctx, zoe).name == "Zoe Ngata"  # accents folded
    assert found(kith, viewer, keywords="welder") == [zoe.handle]
    profile(ctx, zoe, positions=[("Initech", "Welder", 2020, 1)])
    assert found(kith, viewer, keywords="initech") == [zoe.handle]
    # renaming a company rewrites the documents of the members who worked there
    company = ctx.session.scalar(select(Company).where(Company.key == "initech"))
    assert company is not None
    company.name = "Initrode"
    ctx.session.flush()
    assert "Initrode" in document(ctx, zoe).work
    assert found(kith, viewer, keywords="initrode") == [zoe.handle]
    assert found(kith, viewer, keywords="initech") == []
    # a position edited in place
    position = ctx.session.scalar(select(Position).where(Position.member_id == zoe.id))
    assert position is not None
    position.title = "Blacksmith"
    ctx.session.flush()
    assert found(kith, viewer, keywords="blacksmith") == [zoe.handle]
    assert found(kith, viewer, keywords="welder") == [zoe.handle]  # still her headline


def test_the_demo_community_is_searchable(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    result = build_demo(ctx, members=40, seed=2)
    count = ctx.session.scalar(select(func.count()).select_from(SearchDocument))
    assert count == result.members
    member = ctx.session.scalar(select(Member).where(Member.headline.like("% at %")))
    assert member is not None
    company = member.headline.split(" at ", 1)[1]
    viewer = ctx.session.scalar(select(Member).where(Member.id != member.id))
    assert viewer is not None
    assert member.handle in found(kith, viewer, company=(company,))
    assert member.handle in found(kith, viewer, keywords=f"{member.first_name} {member.last_name}")


def test_the_name_words_follow_the_name_on_postgresql(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    """Typeahead's name-only tsvector (migration 0006) holds the name's words, the
    document's weight-A lexemes, and follows a rename; SQLite uses FTS5's name column."""
    from sqlalchemy import text

    from kith.search.service import typeahead

    viewer = make_member(ctx, "Vera")
    ana = make_member(ctx, "Ana", "Lindqvist", headline="Analyst at Andes")

    def names(prefix: str) -> list[int]:
        synced(kith)
        with kith.uow(write=False) as c:
            me = c.session.get(Member, viewer.id)
            assert me is not None
            return [m.id for m, _ in typeahead(c, me, prefix)]

    assert names("an") == [ana.id]  # by the name, not by the headline
    if ctx.session.get_bind().dialect.name == "postgresql":
        same = text(
            "SELECT name_words = to_tsvector('simple', name), strip(name_words) :: text, "
            "(name_words @@ to_tsquery('simple', 'li:*')) "
            "= (document @@ to_tsquery('simple', 'li:*A')) "
            "FROM search_documents JOIN search_vectors USING (member_id) WHERE member_id = :id"
        )
        row = ctx.session.execute(same, {"id": ana.id}).one()
        assert tuple(row) == (True, "'ana' 'lindqvist'", True)
    profile(ctx, ana, last_name="Berg")
    assert names("li") == []
    assert names("an be") == [ana.id]


# The tsvector PostgreSQL ranks from, computed from a document row as migration 0007's
# triggers do.
EXPECTED_VECTOR = (
    "setweight(to_tsvector('simple', d.name), 'A') || "
    "setweight(to_tsvector('simple', d.headline || ' ' || d.work), 'B') || "
    "setweight(to_tsvector('simple', d.study || ' ' || d.skills), 'C') || "
    "setweight(to_tsvector('simple', d.about || ' ' || d.place), 'D')"
)


@pytest.mark.postgres_only
def test_the_vectors_follow_every_write_on_postgresql(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    """search_vectors (migration 0007) holds exactly one current tsvector per document:
    after single ORM writes, a bulk rebuild, and a deletion."""
    from sqlalchemy import text

    from kith.search_index import rebuild

    viewer = make_member(ctx, "Vera")
    zoe = make_member(ctx, "Zoé", "Ngata", headline="Welder")

    def stale() -> list[int]:
        ctx.session.flush()
        rows = ctx.session.execute(
            text(
                "SELECT coalesce(d.member_id, v.member_id) FROM search_documents AS d "
                "FULL JOIN search_vectors AS v USING (member_id) "
                f"WHERE v.document IS DISTINCT FROM {EXPECTED_VECTOR}"
            )
        )
        return [int(r[0]) for r in rows]

    assert stale() == []
    profile(ctx, zoe, positions=[("Initech", "Welder", 2020, 1)], about="Forges gates")
    assert stale() == []
    assert found(kith, viewer, keywords="forges initech") == [zoe.handle]
    build_demo(ctx, members=30, seed=3)
    assert stale() == []
    assert rebuild(ctx.session) >= 32
    assert stale() == []
    ctx.session.execute(text("DELETE FROM search_documents WHERE member_id = :id"), {"id": zoe.id})
    assert stale() == []
    gone = text("SELECT count(*) FROM search_vectors WHERE member_id = :id")
    assert ctx.session.execute(gone, {"id": zoe.id}).scalar() == 0


def test_only_a_database_with_the_index_installed_writes_documents(
    database: Database, clock: FrozenClock, settings: Settings
) -> None:
    """The listeners belong to a database's sessions, not to every session in the
    process: a database without them writes no documents, and they survive
    ``bind_to`` (the runtime installs them when it starts)."""
    with database.writer.connect() as connection:
        outer = connection.begin()
        try:
            database.bind_to(connection)
            session = database.session()
            ctx = Ctx(session=session, clock=clock, settings=settings)
            bare = make_member(ctx, "Bare")
            assert session.get(SearchDocument, bare.id) is None
            install(database)
            install(database)  # a second time changes nothing
            database.bind_to(connection)  # a new session factory keeps them
            session = database.session()
            ctx = Ctx(session=session, clock=clock, settings=settings)
            kept = make_member(ctx, "Kept", headline="Cooper")
            doc = session.get(SearchDocument, kept.id)
            assert doc is not None
            assert doc.headline == "Cooper"
            session.close()
        finally:
            outer.rollback()
