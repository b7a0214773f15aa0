"""private contacts, import runs, account deletion

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:02:19.686502
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = (
    ("name", 200),
    ("email", 320),
    ("company", 200),
    ("title", 200),
    ("url", 500),
    ("source", 20),
)


def upgrade() -> None:
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["members.id"],
            name=op.f("fk_import_runs_owner_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_runs_owner_created", ["owner_id", "created_at"], unique=False
        )

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        for name, length in TEXT_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch_op.add_column(sa.Column("source_key", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("connected_elsewhere_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("matched_member_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("match", sa.String(length=20), nullable=True))
        batch_op.alter_column("other_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index("ix_contacts_email", ["email"], unique=False)
        batch_op.create_index("ix_contacts_matched_member", ["matched_member_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_contacts_owner_id_source_key"), ["owner_id", "source_key"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contacts_matched_member_id_members"),
            "members",
            ["matched_member_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            "someone", "other_id IS NOT NULL OR source_key IS NOT NULL"
        )
    # The defaults only filled existing rows; the models give every new row its values.
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        for name, length in TEXT_COLUMNS:
            batch_op.alter_column(name, existing_type=sa.String(length=length), server_default=None)

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")

    op.execute("DELETE FROM contacts WHERE other_id IS NULL")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_constraint("someone", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_contacts_matched_member_id_members"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_contacts_owner_id_source_key"), type_="unique")
        batch_op.drop_index("ix_contacts_matched_member")
        batch_op.drop_index("ix_contacts_email")
        batch_op.alter_column("other_id", existing_type=sa.INTEGER(), nullable=False)
        for name in ("match", "matched_member_id", "connected_elsewhere_on", "source_key"):
            batch_op.drop_column(name)
        for name, _ in reversed(TEXT_COLUMNS):
            batch_op.drop_column(name)

    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_import_runs_owner_created")
    op.drop_table("import_runs")
