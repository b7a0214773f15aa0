"""Warm introductions

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 04:40:00.000000

``introduction_requests``: a member asks a shared connection to introduce them to a
2nd-degree member (or to the next member on the way to a 3rd-degree one);
``introduction_optouts``: members who take no introduction requests;
``notifications.introduction_id``: which request a notification is about.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _member(column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["members.id"],
        name=op.f(f"fk_introduction_requests_{column}_members"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "introduction_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("intermediary_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("final_target_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("forward_note", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("thanked_at", sa.DateTime(timezone=True), nullable=True),
        _member("requester_id", "CASCADE"),
        _member("intermediary_id", "CASCADE"),
        _member("target_id", "CASCADE"),
        _member("final_target_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introduction_requests")),
    )
    with op.batch_alter_table("introduction_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_introduction_requests_requester", ["requester_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_introduction_requests_intermediary",
            ["intermediary_id", "status", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_introduction_requests_target",
            ["target_id", "status", "forwarded_at"],
            unique=False,
        )
    op.create_table(
        "introduction_optouts",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_introduction_optouts_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_introduction_optouts")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("introduction_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_introduction_id_introduction_requests"),
            "introduction_requests",
            ["introduction_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_introduction_id_introduction_requests"),
            type_="foreignkey",
        )
        batch_op.drop_column("introduction_id")
    op.drop_table("introduction_optouts")
    with op.batch_alter_table("introduction_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_introduction_requests_target")
        batch_op.drop_index("ix_introduction_requests_intermediary")
        batch_op.drop_index("ix_introduction_requests_requester")
    op.drop_table("introduction_requests")
