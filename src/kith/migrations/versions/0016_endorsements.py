"""Skill endorsements

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 04:40:00.000000

``endorsements`` (who endorsed whom for which skill, and whether the recipient hid
it), ``skill_choices`` (top skills, skills closed to endorsements),
``endorsement_settings`` (receiving or not; the day's prompts), ``endorsement_prompts``
(answered or dismissed), ``imported_endorsements`` (a LinkedIn export's, private), and
``notifications.skill_id`` (endorsement notifications grouped per skill).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "recipient_id <> endorser_id", name=op.f("ck_endorsements_endorsement_not_self")
        ),
        _fk("endorsements", "recipient_id", "members"),
        _fk("endorsements", "skill_id", "skills"),
        _fk("endorsements", "endorser_id", "members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
        sa.UniqueConstraint("recipient_id", "skill_id", "endorser_id", name="uq_endorsements"),
    )
    op.create_index(
        "ix_endorsements_endorser", "endorsements", ["endorser_id", "recipient_id"], unique=False
    )
    op.create_index(
        "ix_endorsements_shown",
        "endorsements",
        ["recipient_id", "hidden", "skill_id", "endorser_id"],
        unique=False,
    )
    op.create_index(
        "ix_endorsements_skill_recipient",
        "endorsements",
        ["skill_id", "recipient_id"],
        unique=False,
    )
    op.create_table(
        "skill_choices",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("top_rank", sa.SmallInteger(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        _fk("skill_choices", "member_id", "members"),
        _fk("skill_choices", "skill_id", "skills"),
        sa.PrimaryKeyConstraint("member_id", "skill_id", name=op.f("pk_skill_choices")),
    )
    op.create_table(
        "endorsement_settings",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("receiving", sa.Boolean(), nullable=False),
        sa.Column("prompts_day", sa.Date(), nullable=True),
        sa.Column("prompts_shown", sa.SmallInteger(), nullable=False),
        _fk("endorsement_settings", "member_id", "members"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_endorsement_settings")),
    )
    op.create_table(
        "endorsement_prompts",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        _fk("endorsement_prompts", "member_id", "members"),
        _fk("endorsement_prompts", "other_id", "members"),
        _fk("endorsement_prompts", "skill_id", "skills"),
        sa.PrimaryKeyConstraint(
            "member_id", "other_id", "skill_id", name=op.f("pk_endorsement_prompts")
        ),
    )
    op.create_table(
        "imported_endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("skill_name", sa.String(length=100), nullable=False),
        sa.Column("other_name", sa.String(length=200), nullable=False),
        sa.Column("other_url", sa.String(length=400), nullable=False),
        sa.Column("endorsed_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("source_key", sa.String(length=400), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "direction IN ('received', 'given')",
            name=op.f("ck_imported_endorsements_imported_direction"),
        ),
        _fk("imported_endorsements", "member_id", "members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_endorsements")),
        sa.UniqueConstraint("member_id", "source_key", name="uq_imported_endorsements"),
    )
    op.create_index(
        op.f("ix_imported_endorsements_member_id"),
        "imported_endorsements",
        ["member_id"],
        unique=False,
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skill_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_skill_id_skills"),
            "skills",
            ["skill_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notifications_skill_id_skills"), type_="foreignkey")
        batch_op.drop_column("skill_id")
    op.drop_index(op.f("ix_imported_endorsements_member_id"), table_name="imported_endorsements")
    op.drop_table("imported_endorsements")
    op.drop_table("endorsement_prompts")
    op.drop_table("endorsement_settings")
    op.drop_table("skill_choices")
    op.drop_index("ix_endorsements_skill_recipient", table_name="endorsements")
    op.drop_index("ix_endorsements_shown", table_name="endorsements")
    op.drop_index("ix_endorsements_endorser", table_name="endorsements")
    op.drop_table("endorsements")
