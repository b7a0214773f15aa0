"""Covering indexes for the feed's network candidates

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 05:00:00.000000

*For you* finds the posts a viewer's connections reacted to or commented on lately
by reading, for each connection, their newest reactions and comments. The member's
(or author's) index on ``reactions`` and ``comments`` now carries the post as well,
so that each lookup reads the index alone.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reactions", schema=None) as batch_op:
        batch_op.drop_index("ix_reactions_member_created")
        batch_op.create_index(
            "ix_reactions_member_created", ["member_id", "created_at", "post_id"], unique=False
        )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_author_created")
        batch_op.create_index(
            "ix_comments_author_created", ["author_id", "created_at", "post_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_author_created")
        batch_op.create_index(
            "ix_comments_author_created", ["author_id", "created_at"], unique=False
        )
    with op.batch_alter_table("reactions", schema=None) as batch_op:
        batch_op.drop_index("ix_reactions_member_created")
        batch_op.create_index(
            "ix_reactions_member_created", ["member_id", "created_at"], unique=False
        )
