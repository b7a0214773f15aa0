"""community insights results

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:57:08.975099
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community_insights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("connections", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_insights")),
    )
    with op.batch_alter_table("community_insights", schema=None) as batch_op:
        batch_op.create_index("ix_community_insights_computed_at", ["computed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("community_insights", schema=None) as batch_op:
        batch_op.drop_index("ix_community_insights_computed_at")
    op.drop_table("community_insights")
