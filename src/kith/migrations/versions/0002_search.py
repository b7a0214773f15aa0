"""people search and people you may know

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 06:41:38.477845

Besides the tables, each database gets its own full-text structure over
``search_documents`` (neither is part of the models):

* SQLite: an FTS5 table ``search_fts`` with ``search_documents`` as its external
  content, kept equal to it by three triggers;
* PostgreSQL: a generated ``tsvector`` column ``document`` (weights A-D) with a
  GIN index.

Existing members' documents are built at the end (``kith db reindex`` rebuilds
them at any time), by a copy of the search index's builder as it stood at this
revision: a migration imports nothing of the application, whose code moves on.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("name", "headline", "work", "study", "skills", "about", "place")


def _sqlite_fts() -> None:
    cols = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE search_fts USING fts5({cols}, content='search_documents', "
        "content_rowid='member_id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
    )
    op.execute(
        "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "  # noqa: S608 - constant column names
        f"INSERT INTO search_fts(rowid, {cols}) VALUES (new.member_id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "  # noqa: S608 - constant column names
        f"INSERT INTO search_fts(search_fts, rowid, {cols}) "
        f"VALUES ('delete', old.member_id, {old}); END"
    )
    op.execute(
        "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "  # noqa: S608 - constant column names
        f"INSERT INTO search_fts(search_fts, rowid, {cols}) "
        f"VALUES ('delete', old.member_id, {old}); "
        f"INSERT INTO search_fts(rowid, {cols}) VALUES (new.member_id, {new}); END"
    )


def _postgres_tsvector() -> None:
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN document tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple', name), 'A') || "
        "setweight(to_tsvector('simple', headline || ' ' || work), 'B') || "
        "setweight(to_tsvector('simple', study || ' ' || skills), 'C') || "
        "setweight(to_tsvector('simple', about || ' ' || place), 'D')) STORED"
    )
    op.execute("CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _join(parts: Sequence[str | None]) -> str:
    return _fold(" ".join(p for p in parts if p))


def _build_documents(conn: sa.Connection) -> None:
    """Every existing member's document, from the profile tables at this revision."""
    m = sa.table(
        "members",
        *(
            sa.column(c)
            for c in ("id", "first_name", "last_name", "headline", "about", "location", "industry")
        ),
    )
    p = sa.table("positions", sa.column("member_id"), sa.column("company_id"), sa.column("title"))
    c = sa.table("companies", sa.column("id"), sa.column("name"))
    e = sa.table(
        "education",
        sa.column("member_id"),
        sa.column("school_id"),
        sa.column("degree"),
        sa.column("field_of_study"),
    )
    s = sa.table("schools", sa.column("id"), sa.column("name"))
    ms = sa.table("member_skills", sa.column("member_id"), sa.column("skill_id"))
    sk = sa.table("skills", sa.column("id"), sa.column("name"))
    documents = sa.table("search_documents", *(sa.column(col) for col in ("member_id", *COLUMNS)))

    work: dict[int, list[str]] = defaultdict(list)
    for member_id, title, company in conn.execute(
        sa.select(p.c.member_id, p.c.title, c.c.name).join(c, c.c.id == p.c.company_id)
    ):
        work[member_id] += [title, company]
    study: dict[int, list[str]] = defaultdict(list)
    for member_id, school, degree, field in conn.execute(
        sa.select(e.c.member_id, s.c.name, e.c.degree, e.c.field_of_study).join(
            s, s.c.id == e.c.school_id
        )
    ):
        study[member_id] += [school, degree, field]
    skills: dict[int, list[str]] = defaultdict(list)
    for member_id, skill in conn.execute(
        sa.select(ms.c.member_id, sk.c.name).join(sk, sk.c.id == ms.c.skill_id)
    ):
        skills[member_id].append(skill)
    docs = [
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
        for row in conn.execute(sa.select(m))
    ]
    for start in range(0, len(docs), 5_000):
        conn.execute(sa.insert(documents), docs[start : start + 5_000])


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("work", sa.Text(), nullable=False),
        sa.Column("study", sa.Text(), nullable=False),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_search_documents_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_search_documents")),
    )
    op.create_table(
        "suggestions_seen",
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("first_shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_suggestions_seen_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["viewer_id"],
            ["members.id"],
            name=op.f("fk_suggestions_seen_viewer_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("viewer_id", "member_id", name=op.f("pk_suggestions_seen")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_members_industry_location", ["industry", "location"], unique=False
        )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_positions_company_end",
            ["company_id", "end_year", "start_year", "member_id"],
            unique=False,
        )

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_fts()
    else:
        _postgres_tsvector()

    _build_documents(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_company_end")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_industry_location")
    op.drop_table("suggestions_seen")
    op.drop_table("search_documents")
