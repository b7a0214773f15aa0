"""The groups part of a member's archive: each group they belong to (with their role),
those they own in full (description, rules, questions), requests they made (a silent
decline stays silent: it reads "requested"), and invitations they sent. Their posts in
groups are in ``posts`` (``audience_group``).

Two statements whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kith.models import Group, GroupInvitation, GroupMember, Member
from kith.uow import Ctx

#: The statements :func:`groups_archive` runs.
GROUPS_QUERY_COUNT = 2

Person = Callable[[str | None, str | None, str | None], Any]


def groups_archive(
    ctx: Ctx, me: int, person: Person, when: Callable[[datetime | None], str | None]
) -> dict[str, list[dict[str, Any]]]:
    """``owned``, ``memberships``, ``requests`` and ``invitations_sent``, oldest first."""
    base = ctx.settings.base_url.rstrip("/")
    out: dict[str, list[dict[str, Any]]] = {
        "owned": [],
        "memberships": [],
        "requests": [],
        "invitations_sent": [],
    }
    rows = ctx.session.execute(
        select(GroupMember, Group)
        .join(Group, Group.id == GroupMember.group_id)
        .where(GroupMember.member_id == me, GroupMember.status.in_(("member", "requested")))
        .order_by(GroupMember.joined_at, GroupMember.requested_at, Group.id)
    ).all()
    for row, group in rows:
        named = {"name": group.name, "url": f"{base}/groups/{group.id}", "kind": group.kind}
        if row.status == "requested":
            out["requests"].append(
                {
                    "group": named,
                    "status": "requested",
                    "answers": list(row.answers),
                    "requested_at": when(row.requested_at),
                }
            )
            continue
        out["memberships"].append(
            {"group": named, "role": row.role, "joined_at": when(row.joined_at)}
        )
        if row.role == "owner":
            out["owned"].append(
                {
                    **named,
                    "description": group.description,
                    "rules": group.rules,
                    "industry": group.industry,
                    "topics": list(group.topics),
                    "questions": list(group.questions),
                    "post_approval": group.post_approval,
                    "members": group.member_count,
                    "created_at": when(group.created_at),
                    "archived_at": when(group.archived_at),
                }
            )
    sent = ctx.session.execute(
        select(
            GroupInvitation,
            Group.id,
            Group.name,
            Member.first_name,
            Member.last_name,
            Member.handle,
        )
        .join(Group, Group.id == GroupInvitation.group_id)
        .join(Member, Member.id == GroupInvitation.invitee_id)
        .where(GroupInvitation.inviter_id == me)
        .order_by(GroupInvitation.created_at, GroupInvitation.id)
    ).all()
    for invitation, group_id, name, first, last, handle in sent:
        out["invitations_sent"].append(
            {
                "group": {"name": name, "url": f"{base}/groups/{group_id}"},
                "to": person(first, last, handle),
                "status": invitation.status,
                "created_at": when(invitation.created_at),
            }
        )
    return out
