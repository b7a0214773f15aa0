"""Who may post in a group, and whether the post waits for a manager's approval.

A member (any role) of a group that is not archived may post in it. In a group that
asks for approval (``post_approval``), the first ``KITH_GROUP_APPROVAL_POSTS`` posts
of a plain member wait until a manager approves them; the owner's and managers' never
do. Anyone else reads ``group_not_found``.
"""

from __future__ import annotations

from kith.groups.access import MANAGERS, member_row, not_archived
from kith.models import Group, GroupMember, Member
from kith.uow import Ctx


def posting_in(ctx: Ctx, author: Member, group_id: int) -> tuple[Group, bool]:
    """The group ``author`` may post in, and whether the post waits for approval."""
    group, row = member_row(ctx, author, group_id)
    not_archived(group)
    return group, waits_for_approval(ctx, group, row)


def waits_for_approval(ctx: Ctx, group: Group, row: GroupMember) -> bool:
    return (
        group.post_approval
        and row.role not in MANAGERS
        and row.approved_posts < ctx.settings.group_approval_posts
    )
