"""Groups

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 09:30:00.000000

``groups``, ``group_members`` (members, requests and bans), ``group_invitations`` and
``group_audit`` (what managers did); posts gain the ``group`` audience
(``audience_group_id``) and ``awaiting_approval`` (a new member's post a manager has
yet to approve); ``notifications.group_id``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_AUDIENCES = "audience IN ('anyone', 'connections', 'tier', 'tag', 'only_me')"
NEW_AUDIENCES = "audience IN ('anyone', 'connections', 'tier', 'tag', 'only_me', 'group')"


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _groups() -> None:
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("industry", sa.String(length=100), nullable=False),
        sa.Column("topics", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("questions", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("logo_key", sa.String(length=64), nullable=True),
        sa.Column("post_approval", sa.Boolean(), nullable=False),
        sa.Column("pinned_post_id", sa.Integer(), nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("request_count", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('public', 'private', 'unlisted')", name=op.f("ck_groups_group_kind")
        ),
        _fk("groups", "created_by_id", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
    )
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.create_index("ix_groups_kind_members", ["kind", "member_count"], unique=False)


def _members() -> None:
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("answers", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("managing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("banned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_posts", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('member', 'requested', 'banned')",
            name=op.f("ck_group_members_group_member_status"),
        ),
        sa.CheckConstraint(
            "role IN ('owner', 'manager', 'member')",
            name=op.f("ck_group_members_group_member_role"),
        ),
        _fk("group_members", "group_id", "groups", "CASCADE"),
        _fk("group_members", "member_id", "members", "CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_group_members")),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_members_group_status",
            ["group_id", "status", "role", "joined_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_group_members_member", ["member_id", "status", "group_id"], unique=False
        )
        batch_op.create_index(
            "ix_group_members_group_joined",
            ["group_id", "status", "joined_at", "member_id"],
            unique=False,
        )


def _invitations_and_audit() -> None:
    op.create_table(
        "group_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        _fk("group_invitations", "group_id", "groups", "CASCADE"),
        _fk("group_invitations", "inviter_id", "members", "CASCADE"),
        _fk("group_invitations", "invitee_id", "members", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_invitations")),
        sa.UniqueConstraint("group_id", "invitee_id", name="uq_group_invitations_invitee"),
    )
    with op.batch_alter_table("group_invitations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_invitations_inviter", ["inviter_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_group_invitations_invitee", ["invitee_id", "status"], unique=False
        )
    op.create_table(
        "group_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("group_audit", "group_id", "groups", "CASCADE"),
        _fk("group_audit", "actor_id", "members", "SET NULL"),
        _fk("group_audit", "subject_id", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_audit")),
    )
    with op.batch_alter_table("group_audit", schema=None) as batch_op:
        batch_op.create_index("ix_group_audit_group", ["group_id", "id"], unique=False)


def upgrade() -> None:
    _groups()
    _members()
    _invitations_and_audit()
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience_group_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("awaiting_approval", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.drop_constraint(op.f("ck_posts_post_audience"), type_="check")
        batch_op.create_check_constraint(op.f("ck_posts_post_audience"), NEW_AUDIENCES)
        batch_op.create_foreign_key(
            op.f("fk_posts_audience_group_id_groups"),
            "groups",
            ["audience_group_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "ix_posts_group_created", ["audience_group_id", "created_at", "id"], unique=False
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_notifications_group_id_groups"),
            "groups",
            ["group_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_notifications_group_id_groups"), type_="foreignkey")
        batch_op.drop_column("group_id")
    op.execute("UPDATE posts SET audience = 'only_me' WHERE audience = 'group'")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_group_created")
        batch_op.drop_constraint(op.f("fk_posts_audience_group_id_groups"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_posts_post_audience"), type_="check")
        batch_op.create_check_constraint(op.f("ck_posts_post_audience"), OLD_AUDIENCES)
        batch_op.drop_column("awaiting_approval")
        batch_op.drop_column("audience_group_id")
    op.drop_table("group_audit")
    op.drop_table("group_invitations")
    op.drop_table("group_members")
    op.drop_table("groups")
