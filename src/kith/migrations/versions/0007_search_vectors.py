"""search speed: PostgreSQL ranks from a narrow table of tsvectors

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:50:00.000000

A search ranks every document its words and filters keep (tens of thousands for a
common word within a large 2nd degree), so it reads the ``tsvector`` of each. Those
rows are spread over the whole table, and in ``search_documents`` each ``tsvector``
shared its row with the plain text it was made from: ranking read every page of a
table larger than PostgreSQL's default ``shared_buffers`` (129 MB at 100,000
members), mostly from the operating system's cache.

The ``tsvector`` (weights A-D as in migration 0002) now lives alone in
``search_vectors`` (member id, document: 76 MB at 100,000 members) with its GIN
index. Two statement triggers on ``search_documents`` write it from the rows each
``INSERT`` or ``UPDATE`` wrote (one statement per batch, not one per row); a
deleted document takes its vector with it (foreign key, ``ON DELETE CASCADE``).
Like the structures of 0002 and 0006 it is written by hand and is not part of the
models. The table is rewritten once (``CLUSTER``) to give back the space of the
dropped column. SQLite's FTS5 table is unchanged.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VECTOR = (
    "setweight(to_tsvector('simple', {p}name), 'A') || "
    "setweight(to_tsvector('simple', {p}headline || ' ' || {p}work), 'B') || "
    "setweight(to_tsvector('simple', {p}study || ' ' || {p}skills), 'C') || "
    "setweight(to_tsvector('simple', {p}about || ' ' || {p}place), 'D')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE search_vectors ("
        "member_id INTEGER NOT NULL PRIMARY KEY "
        "REFERENCES search_documents (member_id) ON DELETE CASCADE, "
        "document tsvector NOT NULL)"
    )
    op.execute(
        "INSERT INTO search_vectors (member_id, document) "
        "SELECT member_id, document FROM search_documents"
    )
    op.execute("CREATE INDEX ix_search_vectors_document ON search_vectors USING gin (document)")
    op.execute(
        "CREATE FUNCTION search_vectors_write() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608 - constant SQL
        "BEGIN "
        "INSERT INTO search_vectors (member_id, document) "
        f"SELECT w.member_id, {VECTOR.format(p='w.')} FROM written AS w "
        "ON CONFLICT (member_id) DO UPDATE SET document = excluded.document; "
        "RETURN NULL; "
        "END $$"
    )
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER search_vectors_after_{event.lower()} AFTER {event} "
            "ON search_documents REFERENCING NEW TABLE AS written "
            "FOR EACH STATEMENT EXECUTE FUNCTION search_vectors_write()"
        )
    op.execute("DROP INDEX ix_search_documents_document")
    op.execute("ALTER TABLE search_documents DROP COLUMN document")
    op.execute("CLUSTER search_documents USING pk_search_documents")
    op.execute("ANALYZE search_documents")
    op.execute("ANALYZE search_vectors")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS search_vectors_after_{event} ON search_documents")
    op.execute("DROP FUNCTION IF EXISTS search_vectors_write()")
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN document tsvector GENERATED ALWAYS AS ("
        f"{VECTOR.format(p='')}) STORED"
    )
    op.execute("CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)")
    op.execute("DROP TABLE IF EXISTS search_vectors")
