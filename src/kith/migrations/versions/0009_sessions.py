"""sessions: the device and last use of every session and API token

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 17:45:00.000000

Settings lists one's sessions and API tokens (device, created, last seen) so that
each can be revoked; a password change ends all but the current one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("user_agent", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    # The default only filled existing rows; the model gives every new row its value.
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "user_agent", existing_type=sa.String(length=300), server_default=None
        )


def downgrade() -> None:
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")
        batch_op.drop_column("user_agent")
