"""Community access and administration

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 09:17:20.975117

``join_invitations`` (links and codes to join), ``join_requests`` (sign-ups waiting
for approval), ``audit_entries`` (every administrator action); members gain
``suspended_at`` and ``invite_restriction_lifted_at``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


MEMBER_COLUMNS = ("suspended_at", "invite_restriction_lifted_at")


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=True),
        sa.Column("admin_label", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_label", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["admin_id"],
            ["members.id"],
            name=op.f("fk_audit_entries_admin_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entries_created", ["created_at"], unique=False)

    op.create_table(
        "join_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["members.id"],
            name=op.f("fk_join_invitations_created_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_invitations")),
        sa.UniqueConstraint("digest", name=op.f("uq_join_invitations_digest")),
    )
    with op.batch_alter_table("join_invitations", schema=None) as batch_op:
        batch_op.create_index("ix_join_invitations_created", ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_join_invitations_created_by_id"), ["created_by_id"], unique=False
        )

    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=201), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["members.id"],
            name=op.f("fk_join_requests_decided_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_join_requests_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
    )
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_requests_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "ix_join_requests_status_created", ["status", "created_at"], unique=False
        )

    # Column by column, without copying the table (the search index holds it on SQLite).
    for column in MEMBER_COLUMNS:
        op.add_column("members", sa.Column(column, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for column in reversed(MEMBER_COLUMNS):
        op.drop_column("members", column)

    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_join_requests_status_created")
        batch_op.drop_index(batch_op.f("ix_join_requests_member_id"))

    op.drop_table("join_requests")
    with op.batch_alter_table("join_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_invitations_created_by_id"))
        batch_op.drop_index("ix_join_invitations_created")

    op.drop_table("join_invitations")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_created")

    op.drop_table("audit_entries")
