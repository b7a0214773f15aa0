"""imports: members found by name case and accents aside; websites, languages and
certifications on the profile

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 17:45:00.000000

``members.name_key`` holds the member's whole name folded in Python (NFKD, combining
marks dropped, casefolded, ß/ø/ł spelled out), indexed, so that an import finds
"Dmitri Müller" for "Dmitri Muller" and "ANAÏS MÜLLER" for "Anaïs Müller" on SQLite
as on PostgreSQL. Existing members are backfilled here; the folding is copied (not
imported) so that this revision means the same thing whatever the code becomes.

``websites``, ``languages`` and ``certifications`` (JSON lists of short strings) take
what a LinkedIn export's Profile.csv (Websites), Languages.csv and Certifications.csv
hold, through the import's profile preview.
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŀ": "l",
    }
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.casefold().translate(_LETTERS).split())


def upgrade() -> None:
    # Plain ADD COLUMN (with constant defaults) on both databases: SQLite then keeps
    # the table instead of copying it, which a live search index would lock.
    op.add_column(
        "members", sa.Column("name_key", sa.String(length=201), server_default="", nullable=False)
    )
    op.create_index("ix_members_name_key", "members", ["name_key"], unique=False)
    for column in ("websites", "languages", "certifications"):
        op.add_column(
            "members", sa.Column(column, sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
    conn = op.get_bind()
    members = sa.table(
        "members",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("name_key", sa.String),
    )
    update = (
        sa.update(members)
        .where(members.c.id == sa.bindparam("member_id"))
        .values(name_key=sa.bindparam("key"))
    )
    last_id = 0
    while True:  # in pages of 5,000 members, by id
        rows = conn.execute(
            sa.select(members.c.id, members.c.first_name, members.c.last_name)
            .where(members.c.id > last_id)
            .order_by(members.c.id)
            .limit(5_000)
        ).all()
        if not rows:
            break
        conn.execute(
            update,
            [
                {"member_id": i, "key": _fold(f"{first or ''} {last or ''}")[:201]}
                for i, first, last in rows
            ],
        )
        last_id = rows[-1][0]


def downgrade() -> None:
    # Column by column, without copying the table (SQLite 3.35 drops a column in place).
    op.drop_index("ix_members_name_key", table_name="members")
    for column in ("certifications", "languages", "websites", "name_key"):
        op.drop_column("members", column)
