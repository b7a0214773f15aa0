"""current positions by member: the search facets from the index alone

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:40:00.000000

The company facet of a search counts the current companies of up to 1,000 matches.
Read through ``ix_positions_member_id`` that visited every position of those
members (about three per member) to keep the current ones; a partial index of the
current positions (``end_year IS NULL``) by member, holding the company, answers
it from the index alone (7 -> 2 ms on PostgreSQL for 1,000 members).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_positions_current_member",
            ["member_id", "company_id"],
            unique=False,
            sqlite_where=sa.text("end_year IS NULL"),
            postgresql_where=sa.text("end_year IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_current_member")
