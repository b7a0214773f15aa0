"""Who may see a group and what is in it: the one place for the group's own rules
(who may read its *posts* is :mod:`kith.posts.audience`, which reads the same rows).

- a public group: anyone sees it, its members and its posts;
- a private group: anyone sees that it exists (its name, description, rules, size);
  only its members see its members and its posts;
- an unlisted group: only its members, and members it invited, know it exists.

A banned member sees a public or private group's card but never its members or
posts, and an unlisted group not at all. Whatever a member may not see reads as if
it did not exist: ``group_not_found``, the same refusal as for a group that does not
exist, never ``forbidden``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, and_, bindparam, exists, or_, select
from sqlalchemy.orm import aliased

from kith.errors import Forbidden, NotFound
from kith.models import Group, GroupInvitation, GroupMember, Member
from kith.posts.audience import group_readable
from kith.uow import Ctx

GROUP_NOT_FOUND = "There is no such group, or it isn't shared with you."
MANAGERS = ("owner", "manager")


def group_not_found() -> NotFound:
    return NotFound(GROUP_NOT_FOUND, code="group_not_found")


def membership(ctx: Ctx, group_id: int, member_id: int) -> GroupMember | None:
    return ctx.session.get(GroupMember, (group_id, member_id))


def is_member(row: GroupMember | None) -> bool:
    return row is not None and row.status == "member"


def is_manager(row: GroupMember | None) -> bool:
    return is_member(row) and row is not None and row.role in MANAGERS


_ROW = aliased(GroupMember, name="listed_group_member")
_INVITATION = aliased(GroupInvitation, name="listed_group_invitation")


def listed_to(viewer_id: int) -> ColumnElement[bool]:
    """SQL: the viewer may know that the group (``Group``) exists."""
    row, invitation = _ROW, _INVITATION
    mine = exists().where(
        row.group_id == Group.id, row.member_id == viewer_id, row.status == "member"
    )
    invited = exists().where(
        invitation.group_id == Group.id,
        invitation.invitee_id == viewer_id,
        invitation.status == "pending",
    )
    banned = exists().where(
        row.group_id == Group.id, row.member_id == viewer_id, row.status == "banned"
    )
    return or_(
        Group.kind.in_(("public", "private")),
        and_(Group.kind == "unlisted", ~banned, or_(mine, invited)),
    )


def found_by_search() -> ColumnElement[bool]:
    """SQL: the group may appear in a search or a suggestion (never an unlisted one)."""
    return and_(Group.kind != "unlisted", Group.archived_at.is_(None))


def visible_group(ctx: Ctx, viewer: Member, group_id: int, *, lock: bool = False) -> Group:
    """The group if ``viewer`` may know it exists; otherwise ``group_not_found``."""
    stmt = select(Group).where(Group.id == group_id, listed_to(viewer.id))
    if lock and ctx.session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    group = ctx.session.scalar(stmt)
    if group is None:
        raise group_not_found()
    return group


#: SQL: may the member ``viewer_id`` read inside the group ``group_id`` (built once).
_READABLE = select(
    group_readable(
        bindparam("viewer_id", type_=GroupMember.member_id.type),
        bindparam("group_id", type_=GroupMember.group_id.type),
    )
)


def can_read_inside(ctx: Ctx, viewer: Member, group: Group) -> bool:
    """Whether ``viewer`` may read the group's members and posts (the rule the posts'
    audience applies, :func:`kith.posts.audience.group_readable`)."""
    params = {"viewer_id": viewer.id, "group_id": group.id}
    return bool(ctx.session.scalar(_READABLE, params))


def readable_group(ctx: Ctx, viewer: Member, group_id: int) -> Group:
    """The group if ``viewer`` may read its members and posts; otherwise
    ``group_not_found``, as for a group that does not exist."""
    group = visible_group(ctx, viewer, group_id)
    if not can_read_inside(ctx, viewer, group):
        raise group_not_found()
    return group


def member_row(ctx: Ctx, viewer: Member, group_id: int) -> tuple[Group, GroupMember]:
    """The group and the viewer's membership: ``group_not_found`` unless they are a
    member."""
    group = visible_group(ctx, viewer, group_id)
    row = membership(ctx, group.id, viewer.id)
    if row is None or not is_member(row):
        raise group_not_found()
    return group, row


def managed_group(ctx: Ctx, viewer: Member, group_id: int) -> tuple[Group, GroupMember]:
    """The group the viewer manages (or owns). A member who does not manage it is told
    so; anyone else reads ``group_not_found``."""
    group, row = member_row(ctx, viewer, group_id)
    if row.role not in MANAGERS:
        raise Forbidden("Only the group's owner and managers can do that.", code="not_a_manager")
    return group, row


def owned_group(ctx: Ctx, viewer: Member, group_id: int) -> tuple[Group, GroupMember]:
    group, row = member_row(ctx, viewer, group_id)
    if row.role != "owner":
        raise Forbidden("Only the group's owner can do that.", code="not_the_owner")
    return group, row


def not_archived(group: Group) -> None:
    if group.archived_at is not None:
        raise Forbidden("This group is archived: it takes nothing new.", code="group_archived")


def manager_ids(ctx: Ctx, group_id: int) -> list[int]:
    return list(
        ctx.session.scalars(
            select(GroupMember.member_id).where(
                GroupMember.group_id == group_id,
                GroupMember.status == "member",
                GroupMember.role.in_(MANAGERS),
            )
        )
    )


_MINE, _THEIRS = (
    aliased(GroupMember, name="fellow_mine"),
    aliased(GroupMember, name="fellow_theirs"),
)
#: Built once: every card with badges asks it (an alias made per call cost more than
#: the query).
_FELLOW_GROUPS = (
    select(_THEIRS.member_id, Group.name, Group.member_count)
    .join(_MINE, _MINE.group_id == _THEIRS.group_id)
    .join(Group, Group.id == _THEIRS.group_id)
    .where(
        _MINE.member_id == bindparam("viewer_id", type_=Integer),
        _MINE.status == "member",
        _THEIRS.status == "member",
        _THEIRS.member_id.in_(bindparam("member_ids", expanding=True)),
    )
    .order_by(Group.member_count.desc(), Group.id.desc())
)


def fellow_groups(ctx: Ctx, viewer_id: int, member_ids: list[int]) -> dict[int, str]:
    """For each of ``member_ids`` who shares a group with the viewer, the name of one
    such group (the smallest: the more telling): "Fellow member of ...". One statement."""
    if not member_ids:
        return {}
    rows = ctx.session.execute(
        _FELLOW_GROUPS, {"viewer_id": viewer_id, "member_ids": list(member_ids)}
    )
    # The smallest group comes last and wins.
    return {member_id: name for member_id, name, _n in rows}
