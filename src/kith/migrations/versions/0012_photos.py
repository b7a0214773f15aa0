"""Profile photos and cover images

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:00:00.000000

``members.photo_key`` and ``members.cover_key`` name a member's profile photo and
cover image: the content hash of the resized files kept under the data directory
(``<data_dir>/media/<key[:2]>/<key>/``). Null when the member has none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


COLUMNS = ("photo_key", "cover_key")


def upgrade() -> None:
    # Column by column, without copying the table (the search index holds it on SQLite).
    for column in COLUMNS:
        op.add_column("members", sa.Column(column, sa.String(length=64), nullable=True))


def downgrade() -> None:
    for column in reversed(COLUMNS):
        op.drop_column("members", column)
