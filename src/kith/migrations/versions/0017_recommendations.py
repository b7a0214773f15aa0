"""Written recommendations

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 04:40:00.000000

``recommendations`` (requested, written, answered; what a profile shows is computed
from the current connections), ``imported_recommendations`` (a member's private
archive of those brought from LinkedIn), and notifications gain the recommendation
they are about.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Boolean(), nullable=False),
        sa.Column("relation", sa.String(length=30), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=True),
        sa.Column("education_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision_note", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('requested', 'draft', 'pending', 'revision', 'accepted', "
            "'declined', 'withdrawn', 'dismissed')",
            name=op.f("ck_recommendations_recommendation_status"),
        ),
        sa.CheckConstraint(
            "relation IN ('managed_directly', 'same_team', 'reported_to', 'client', "
            "'studied_together', 'mentored')",
            name=op.f("ck_recommendations_recommendation_relationship"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["members.id"],
            name=op.f("fk_recommendations_author_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["members.id"],
            name=op.f("fk_recommendations_recipient_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["positions.id"],
            name=op.f("fk_recommendations_position_id_positions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["education_id"],
            ["education.id"],
            name=op.f("fk_recommendations_education_id_education"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
    )
    op.create_index(
        "ix_recommendations_recipient",
        "recommendations",
        ["recipient_id", "status", "accepted_at"],
        unique=False,
    )
    op.create_index(
        "ix_recommendations_author",
        "recommendations",
        ["author_id", "status", "accepted_at"],
        unique=False,
    )
    op.create_table(
        "imported_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=True),
        sa.Column("linkedin_status", sa.String(length=40), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "direction IN ('received', 'given')",
            name=op.f("ck_imported_recommendations_imported_direction"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["members.id"],
            name=op.f("fk_imported_recommendations_owner_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_imported_recommendations_recommendation_id_recommendations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_recommendations")),
        sa.UniqueConstraint("owner_id", "source_key", name="uq_imported_recommendations_key"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recommendation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_recommendation_id_recommendations"),
            "recommendations",
            ["recommendation_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_recommendation_id_recommendations"), type_="foreignkey"
        )
        batch_op.drop_column("recommendation_id")
    op.drop_table("imported_recommendations")
    op.drop_index("ix_recommendations_author", table_name="recommendations")
    op.drop_index("ix_recommendations_recipient", table_name="recommendations")
    op.drop_table("recommendations")
