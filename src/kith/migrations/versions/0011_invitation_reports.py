""" "I don't know this person" is recorded as a fact of its own

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 18:40:00.000000

``invitations.reported_at`` is set when the recipient answers "I don't know this
person" and kept whatever the status later becomes (a block cancels the invitation
like any other that reads pending to its sender). The rules that read "was reported"
(the sender never reaches that recipient again, the restriction after several
reports in 30 days, suggestions) read this column; the index serves the count of a
sender's recent reports. Invitations already declined as unknown are backfilled
from the moment they were answered.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_invitations_sender_reported", ["sender_id", "reported_at"], unique=False
        )
    invitations = sa.table(
        "invitations",
        sa.column("status", sa.String),
        sa.column("responded_at", sa.DateTime(timezone=True)),
        sa.column("reported_at", sa.DateTime(timezone=True)),
    )
    op.get_bind().execute(
        sa.update(invitations)
        .where(invitations.c.status == "declined_unknown")
        .values(reported_at=invitations.c.responded_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_invitations_sender_reported")
        batch_op.drop_column("reported_at")
