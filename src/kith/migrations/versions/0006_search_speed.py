"""search speed: a name-only full-text index on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 18:40:19.138125

Typeahead matches the typed words against the name alone. On PostgreSQL that was a
weight-``A`` test on the whole-document ``tsvector``: the GIN index cannot tell
weights apart, so every document with any word starting with the letters (``an``
starts "and" in nearly every profile) was read and rechecked. A generated
``tsvector`` of the name alone (``name_words``, the same lexemes the document holds
with weight ``A``) with its own GIN index answers from the index. Like the document
column (migration 0002) it is written by hand and is not part of the models. SQLite's
FTS5 table already answers a column filter from its index: nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN name_words tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED"
    )
    op.execute(
        "CREATE INDEX ix_search_documents_name_words ON search_documents USING gin (name_words)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_search_documents_name_words")
    op.execute("ALTER TABLE search_documents DROP COLUMN IF EXISTS name_words")
