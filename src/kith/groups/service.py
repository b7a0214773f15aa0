"""Groups (DESIGN "Messaging, groups, engagement"): every rule, one function per action.

Kinds: *public* (anyone sees its posts and joins), *private* (listed; its posts for its
members; joining needs a manager's approval, with the group's questions answered),
*unlisted* (by invitation only, found by no search). Roles: one owner, managers,
members.

- A request is approved or declined by a manager. A decline is silent: the requester
  keeps reading "requested", exactly as for a request nobody has looked at.
- At most ``KITH_GROUP_REQUEST_QUEUE_MAX`` requests wait in one group
  (``group_requests_full``); ``member_count`` and ``request_count`` are kept in the
  group's row, changed under the group's lock in the same transaction.
- A member invites their own connections, at most ``KITH_GROUP_INVITATIONS_PER_WEEK``
  in a rolling week; an invitation lets its invitee join any kind of group at once.
- Managers remove and ban members (the owner also managers); a banned member cannot
  rejoin, and reads a private group's posts and members no more.
- The owner transfers ownership, names managers, archives the group. An owner who
  deletes their account hands each group to its longest-serving manager, else its
  longest-serving member, else the group is archived (:func:`forget_member`).

Every manager action goes into the group's audit log (:func:`audit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, delete, func, select, update

from kith.clock import day_text
from kith.connections.queries import blocked_between, connection_between
from kith.errors import Conflict, Forbidden, Invalid, LimitReached, NotFound
from kith.groups.access import (
    MANAGERS,
    group_not_found,
    is_member,
    managed_group,
    manager_ids,
    member_row,
    membership,
    not_archived,
    owned_group,
    visible_group,
)
from kith.models import GROUP_KINDS, Group, GroupAudit, GroupInvitation, GroupMember, Member
from kith.notifications.service import notify
from kith.uow import Ctx

NAME_MAX = 100
TEXT_MAX = 3000
TOPICS_MAX = 10
TOPIC_MAX = 50
QUESTION_MAX = 300
ANSWER_MAX = 1000


@dataclass(frozen=True)
class GroupDraft:
    """What the owner writes about a group."""

    name: str
    description: str = ""
    rules: str = ""
    kind: str = "public"
    industry: str = ""
    topics: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    post_approval: bool = False


# -- checks ----------------------------------------------------------------------------


def _text(value: str, limit: int, what: str, *, required: bool = False) -> str:
    if "\x00" in value:
        raise Invalid("Text may not contain a NUL character (\\u0000).", code="invalid_text")
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        raise Invalid(f"Give the group a {what}.", code="group_name_required")
    if len(value) > limit:
        raise Invalid(
            f"A group's {what} can be at most {limit:,} characters (this one has {len(value):,}).",
            code="group_text_too_long",
        )
    return value


def _list(values: list[str], most: int, each: int, what: str) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        value = _text(value, each, what)
        if value and value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > most:
        raise Invalid(f"A group can have at most {most} {what}s.", code="group_text_too_long")
    return cleaned


def check_draft(ctx: Ctx, draft: GroupDraft) -> GroupDraft:
    if draft.kind not in GROUP_KINDS:
        raise Invalid("A group is public, private or unlisted.", code="invalid_group_kind")
    questions = _list(draft.questions, ctx.settings.group_questions_max, QUESTION_MAX, "question")
    return GroupDraft(
        name=_text(draft.name, NAME_MAX, "name", required=True),
        description=_text(draft.description, TEXT_MAX, "description"),
        rules=_text(draft.rules, TEXT_MAX, "rules"),
        kind=draft.kind,
        industry=_text(draft.industry, 100, "industry"),
        topics=_list(draft.topics, TOPICS_MAX, TOPIC_MAX, "topic"),
        questions=questions if draft.kind == "private" else [],
        post_approval=draft.post_approval,
    )


def audit(
    ctx: Ctx,
    group: Group,
    actor: Member | None,
    action: str,
    *,
    subject_id: int | None = None,
    post_id: int | None = None,
    detail: str = "",
) -> GroupAudit:
    row = GroupAudit(
        group_id=group.id,
        actor_id=actor.id if actor else None,
        action=action,
        subject_id=subject_id,
        post_id=post_id,
        detail=detail[:300],
        created_at=ctx.clock.now(),
    )
    ctx.session.add(row)
    return row


def _locked(ctx: Ctx, viewer: Member, group_id: int) -> Group:
    """The group, locked for changes to its members (PostgreSQL; SQLite writes one at a
    time already)."""
    return visible_group(ctx, viewer, group_id, lock=True)


# -- the group itself ------------------------------------------------------------------


def create_group(ctx: Ctx, owner: Member, draft: GroupDraft) -> Group:
    """A new group with ``owner`` as its owner and first member."""
    draft = check_draft(ctx, draft)
    now = ctx.clock.now()
    group = Group(
        name=draft.name,
        description=draft.description,
        rules=draft.rules,
        kind=draft.kind,
        industry=draft.industry,
        topics=draft.topics,
        questions=draft.questions,
        post_approval=draft.post_approval,
        member_count=1,
        request_count=0,
        created_by_id=owner.id,
        created_at=now,
    )
    ctx.session.add(group)
    ctx.session.flush()
    ctx.session.add(
        GroupMember(
            group_id=group.id,
            member_id=owner.id,
            status="member",
            role="owner",
            joined_at=now,
            managing_since=now,
            seen_at=now,
            approved_posts=0,
        )
    )
    ctx.session.flush()
    return group


def edit_group(ctx: Ctx, manager: Member, group_id: int, draft: GroupDraft) -> Group:
    """Change what the group says about itself (owner and managers). Only the owner may
    change its kind."""
    group, row = managed_group(ctx, manager, group_id)
    not_archived(group)
    draft = check_draft(ctx, draft)
    if draft.kind != group.kind and row.role != "owner":
        raise Forbidden("Only the group's owner can change its kind.", code="not_the_owner")
    group.name = draft.name
    group.description = draft.description
    group.rules = draft.rules
    group.kind = draft.kind
    group.industry = draft.industry
    group.topics = draft.topics
    group.questions = draft.questions
    group.post_approval = draft.post_approval
    audit(ctx, group, manager, "edit")
    ctx.session.flush()
    return group


def set_logo(ctx: Ctx, manager: Member, group_id: int, key: str | None) -> str | None:
    """Make ``key`` (stored by the photo pipeline) the group's logo; the old key."""
    group, _row = managed_group(ctx, manager, group_id)
    old = group.logo_key
    group.logo_key = key
    audit(ctx, group, manager, "edit", detail="logo")
    ctx.session.flush()
    return old


def archive_group(ctx: Ctx, owner: Member, group_id: int) -> Group:
    """Archive the group: it keeps its posts for its members and takes nothing new."""
    group, _row = owned_group(ctx, owner, group_id)
    if group.archived_at is None:
        group.archived_at = ctx.clock.now()
        audit(ctx, group, owner, "archive")
    ctx.session.flush()
    return group


# -- joining ---------------------------------------------------------------------------


def _answers(group: Group, answers: list[str]) -> list[str]:
    cleaned = [_text(a, ANSWER_MAX, "answer") for a in answers]
    if len(cleaned) != len(group.questions) or any(not a for a in cleaned):
        raise Invalid(
            "Answer each of the group's questions to ask to join.", code="answers_required"
        )
    return cleaned


def _open_invitation(ctx: Ctx, group_id: int, member_id: int) -> GroupInvitation | None:
    return ctx.session.scalar(
        select(GroupInvitation).where(
            GroupInvitation.group_id == group_id,
            GroupInvitation.invitee_id == member_id,
            GroupInvitation.status == "pending",
        )
    )


def _admit(ctx: Ctx, group: Group, member: Member, row: GroupMember | None) -> GroupMember:
    now = ctx.clock.now()
    if row is None:
        row = GroupMember(group_id=group.id, member_id=member.id, answers=[], approved_posts=0)
        ctx.session.add(row)
    elif row.status == "requested" and row.declined_at is None:
        group.request_count -= 1
    row.status = "member"
    row.role = "member"
    row.joined_at = now
    row.seen_at = now
    row.declined_at = None
    group.member_count += 1
    invitation = _open_invitation(ctx, group.id, member.id)
    if invitation is not None:
        invitation.status = "accepted"
        invitation.answered_at = now
    ctx.session.flush()
    return row


def join(ctx: Ctx, member: Member, group_id: int, answers: list[str] | None = None) -> str:
    """Join a public group (or any group one was invited to), or ask to join a private
    one. Returns ``member`` or ``requested``. A banned member is refused
    (``cannot_join``); a request waiting already stays as it is."""
    group = _locked(ctx, member, group_id)
    not_archived(group)
    row = membership(ctx, group.id, member.id)
    if row is not None and row.status == "member":
        raise Conflict("You are already a member of this group.", code="already_member")
    if row is not None and row.status == "banned":
        raise Forbidden("You can't join this group.", code="cannot_join")
    if group.kind == "public" or _open_invitation(ctx, group.id, member.id) is not None:
        _admit(ctx, group, member, row)
        return "member"
    if group.kind != "private":
        raise group_not_found()
    if row is not None:  # requested, waiting or silently declined: it reads the same
        return "requested"
    if group.request_count >= ctx.settings.group_request_queue_max:
        raise LimitReached(
            "This group has too many requests waiting for its managers; try again later.",
            code="group_requests_full",
        )
    now = ctx.clock.now()
    ctx.session.add(
        GroupMember(
            group_id=group.id,
            member_id=member.id,
            status="requested",
            role="member",
            answers=_answers(group, answers or []),
            requested_at=now,
            approved_posts=0,
        )
    )
    group.request_count += 1
    ctx.session.flush()
    for manager_id in manager_ids(ctx, group.id):
        notify(
            ctx,
            manager_id,
            "group_request",
            actor_id=member.id,
            group_id=group.id,
            detail=group.name,
        )
    return "requested"


def leave(ctx: Ctx, member: Member, group_id: int) -> None:
    """Leave a group, or withdraw one's request. The owner transfers the group first."""
    group = _locked(ctx, member, group_id)
    row = membership(ctx, group.id, member.id)
    if row is None or row.status == "banned":
        raise NotFound("You are not a member of this group.", code="not_a_member")
    if row.status == "member" and row.role == "owner":
        raise Conflict(
            "Hand the group to another member before you leave it.", code="owner_must_transfer"
        )
    if row.status == "member":
        group.member_count -= 1
    elif row.declined_at is None:
        group.request_count -= 1
    ctx.session.delete(row)
    ctx.session.flush()


def my_status(ctx: Ctx, member: Member, group: Group) -> str:
    """How the member stands: owner, manager, member, requested (a silent decline
    reads the same), invited, banned or none."""
    row = membership(ctx, group.id, member.id)
    if row is not None and row.status == "member":
        return row.role
    if row is not None:
        return row.status
    return "invited" if _open_invitation(ctx, group.id, member.id) else "none"


# -- a manager's answers ---------------------------------------------------------------


def _request_row(ctx: Ctx, group: Group, member_id: int) -> GroupMember:
    row = membership(ctx, group.id, member_id)
    if row is None or row.status != "requested":
        raise NotFound("There is no such request.", code="request_not_found")
    return row


def approve(ctx: Ctx, manager: Member, group_id: int, member_id: int) -> GroupMember:
    """Let a member in who asked (a request declined before may still be approved)."""
    group, _row = managed_group(ctx, manager, group_id)
    group = _locked(ctx, manager, group.id)
    not_archived(group)
    row = _request_row(ctx, group, member_id)
    _admit(ctx, group, row.member, row)
    audit(ctx, group, manager, "approve", subject_id=member_id)
    notify(
        ctx, member_id, "group_approved", actor_id=manager.id, group_id=group.id, detail=group.name
    )
    ctx.session.flush()
    return row


def decline(ctx: Ctx, manager: Member, group_id: int, member_id: int) -> None:
    """Decline silently: the request leaves the managers' list; the requester still
    reads "requested"."""
    group, _row = managed_group(ctx, manager, group_id)
    group = _locked(ctx, manager, group.id)
    row = _request_row(ctx, group, member_id)
    if row.declined_at is None:
        row.declined_at = ctx.clock.now()
        group.request_count -= 1
        audit(ctx, group, manager, "decline", subject_id=member_id)
    ctx.session.flush()


# -- invitations -----------------------------------------------------------------------


def _check_invitation_limit(ctx: Ctx, inviter: Member) -> None:
    now = ctx.clock.now()
    window = timedelta(days=7)
    made, oldest = ctx.session.execute(
        select(func.count(), func.min(GroupInvitation.created_at)).where(
            GroupInvitation.inviter_id == inviter.id, GroupInvitation.created_at > now - window
        )
    ).one()
    limit = ctx.settings.group_invitations_per_week
    if made < limit:
        return
    free_at = (oldest or now) + window
    raise LimitReached(
        f"You have sent {limit} group invitations in the last 7 days, the most allowed. "
        f"You can invite again from {day_text(free_at)}.",
        code="group_invitation_limit",
        headers={"Retry-After": str(max(int((free_at - now).total_seconds()) + 1, 1))},
    )


def invite(ctx: Ctx, inviter: Member, group_id: int, invitee: Member) -> GroupInvitation:
    """Invite one of one's connections. Refusals: ``not_connected`` (only connections),
    ``already_member``, ``already_invited``, ``cannot_invite`` (a member the group
    banned), ``group_invitation_limit``."""
    group, _row = member_row(ctx, inviter, group_id)
    not_archived(group)
    if (
        invitee.id == inviter.id
        or not invitee.is_active
        or blocked_between(ctx.session, inviter.id, invitee.id)
        or connection_between(ctx.session, inviter.id, invitee.id) is None
    ):
        raise Forbidden("You can invite your own connections only.", code="not_connected")
    # Serialize with the invitee's own join and other invitations for them.
    group = _locked(ctx, inviter, group.id)
    row = membership(ctx, group.id, invitee.id)
    if is_member(row):
        raise Conflict(f"{invitee.name} is already a member.", code="already_member")
    if row is not None and row.status == "banned":
        raise Forbidden(f"{invitee.name} can't be invited to this group.", code="cannot_invite")
    existing = ctx.session.scalar(
        select(GroupInvitation).where(
            GroupInvitation.group_id == group.id, GroupInvitation.invitee_id == invitee.id
        )
    )
    if existing is not None and existing.status == "pending":
        raise Conflict(f"{invitee.name} has already been invited.", code="already_invited")
    _check_invitation_limit(ctx, inviter)
    now = ctx.clock.now()
    if existing is None:
        existing = GroupInvitation(group_id=group.id, invitee_id=invitee.id)
        ctx.session.add(existing)
    existing.inviter_id = inviter.id
    existing.status = "pending"
    existing.created_at = now
    existing.answered_at = None
    ctx.session.flush()
    notify(
        ctx,
        invitee.id,
        "group_invitation",
        actor_id=inviter.id,
        group_id=group.id,
        detail=group.name,
    )
    return existing


def decline_invitation(ctx: Ctx, invitee: Member, group_id: int) -> None:
    group = visible_group(ctx, invitee, group_id)
    invitation = _open_invitation(ctx, group.id, invitee.id)
    if invitation is None:
        raise NotFound("There is no such invitation.", code="invitation_not_found")
    invitation.status = "declined"
    invitation.answered_at = ctx.clock.now()
    ctx.session.flush()


# -- members: remove, ban, roles -------------------------------------------------------


def _may_act_on(actor: GroupMember, target: GroupMember | None) -> None:
    """The owner acts on anyone else; a manager on plain members and non-members."""
    if target is not None and target.member_id == actor.member_id:
        raise Invalid("You can't do that to yourself.", code="not_yourself")
    if target is not None and target.status == "member" and target.role in MANAGERS:
        if target.role == "owner" or actor.role != "owner":
            raise Forbidden(
                "Only the owner can remove or ban a manager, and no one the owner.",
                code="not_the_owner",
            )


def remove_member(ctx: Ctx, manager: Member, group_id: int, member_id: int) -> None:
    group, actor = managed_group(ctx, manager, group_id)
    group = _locked(ctx, manager, group.id)
    row = membership(ctx, group.id, member_id)
    if not is_member(row) or row is None:
        raise NotFound("That member is not in this group.", code="not_a_member")
    _may_act_on(actor, row)
    ctx.session.delete(row)
    group.member_count -= 1
    audit(ctx, group, manager, "remove", subject_id=member_id)
    ctx.session.flush()


def ban(ctx: Ctx, manager: Member, group_id: int, member: Member) -> None:
    """Ban a member (or anyone, before they join): they leave the group, their request
    and any invitation go, and they cannot join again."""
    group, actor = managed_group(ctx, manager, group_id)
    group = _locked(ctx, manager, group.id)
    row = membership(ctx, group.id, member.id)
    _may_act_on(actor, row)
    if row is not None and row.status == "banned":
        return
    if row is None:
        row = GroupMember(group_id=group.id, member_id=member.id, answers=[], approved_posts=0)
        ctx.session.add(row)
    elif row.status == "member":
        group.member_count -= 1
    elif row.declined_at is None:
        group.request_count -= 1
    row.status = "banned"
    row.role = "member"
    row.banned_at = ctx.clock.now()
    row.managing_since = None
    ctx.session.execute(
        delete(GroupInvitation).where(
            GroupInvitation.group_id == group.id, GroupInvitation.invitee_id == member.id
        )
    )
    audit(ctx, group, manager, "ban", subject_id=member.id)
    ctx.session.flush()


def unban(ctx: Ctx, manager: Member, group_id: int, member_id: int) -> None:
    group, _actor = managed_group(ctx, manager, group_id)
    row = membership(ctx, group.id, member_id)
    if row is None or row.status != "banned":
        raise NotFound("That member is not banned.", code="not_banned")
    ctx.session.delete(row)
    audit(ctx, group, manager, "unban", subject_id=member_id)
    ctx.session.flush()


def set_role(ctx: Ctx, owner: Member, group_id: int, member_id: int, role: str) -> GroupMember:
    """The owner makes a member a manager (``manager``) or a manager a member again."""
    if role not in ("manager", "member"):
        raise Invalid("A member's role is manager or member.", code="invalid_role")
    group, _row = owned_group(ctx, owner, group_id)
    row = membership(ctx, group.id, member_id)
    if not is_member(row) or row is None:
        raise NotFound("That member is not in this group.", code="not_a_member")
    if row.role == "owner":
        raise Invalid("You can't do that to yourself.", code="not_yourself")
    if row.role != role:
        row.role = role
        row.managing_since = ctx.clock.now() if role == "manager" else None
        audit(ctx, group, owner, "promote" if role == "manager" else "demote", subject_id=member_id)
    ctx.session.flush()
    return row


def transfer(ctx: Ctx, owner: Member, group_id: int, member_id: int) -> GroupMember:
    """Hand the group to another member; the former owner stays on as a manager."""
    group, mine = owned_group(ctx, owner, group_id)
    row = membership(ctx, group.id, member_id)
    if not is_member(row) or row is None or row.member_id == owner.id:
        raise NotFound("That member is not in this group.", code="not_a_member")
    now = ctx.clock.now()
    mine.role = "manager"
    mine.managing_since = now
    row.role = "owner"
    row.managing_since = row.managing_since or now
    audit(ctx, group, owner, "transfer", subject_id=member_id)
    ctx.session.flush()
    return row


# -- an account deleted ----------------------------------------------------------------


def _successor(ctx: Ctx, group_id: int, leaving: int) -> GroupMember | None:
    base = select(GroupMember).where(
        GroupMember.group_id == group_id,
        GroupMember.status == "member",
        GroupMember.member_id != leaving,
    )
    manager = ctx.session.scalar(
        base.where(GroupMember.role == "manager")
        .order_by(GroupMember.managing_since, GroupMember.joined_at, GroupMember.member_id)
        .limit(1)
    )
    if manager is not None:
        return manager
    return ctx.session.scalar(base.order_by(GroupMember.joined_at, GroupMember.member_id).limit(1))


def forget_member(ctx: Ctx, member_id: int) -> None:
    """A deleted account: each group it owned goes to its longest-serving manager, else
    its longest-serving member, else it is archived; its memberships, requests, bans
    and invitations go, every group's counts corrected."""
    now = ctx.clock.now()
    owned = ctx.session.scalars(
        select(GroupMember.group_id).where(
            GroupMember.member_id == member_id,
            GroupMember.status == "member",
            GroupMember.role == "owner",
        )
    ).all()
    for group_id in owned:
        group = ctx.session.get_one(Group, group_id)
        heir = _successor(ctx, group_id, member_id)
        if heir is None:
            group.archived_at = group.archived_at or now
            audit(ctx, group, None, "archive", detail="The owner's account was deleted.")
        else:
            heir.role = "owner"
            heir.managing_since = heir.managing_since or now
            audit(
                ctx,
                group,
                None,
                "transfer",
                subject_id=heir.member_id,
                detail="The owner's account was deleted.",
            )
    mine = select(GroupMember.group_id).where(GroupMember.member_id == member_id)
    ctx.session.execute(
        update(Group)
        .where(Group.id.in_(mine.where(GroupMember.status == "member")))
        .values(member_count=Group.member_count - 1)
    )
    ctx.session.execute(
        update(Group)
        .where(
            Group.id.in_(
                mine.where(GroupMember.status == "requested", GroupMember.declined_at.is_(None))
            )
        )
        .values(request_count=Group.request_count - 1)
    )
    ctx.session.execute(delete(GroupMember).where(GroupMember.member_id == member_id))
    ctx.session.execute(
        delete(GroupInvitation).where(
            and_(
                GroupInvitation.status == "pending",
                (GroupInvitation.invitee_id == member_id)
                | (GroupInvitation.inviter_id == member_id),
            )
        )
    )
    ctx.session.flush()


def statuses(ctx: Ctx, member: Member, group_ids: list[int]) -> dict[int, str]:
    """:func:`my_status` for a page of groups, in two statements."""
    out = dict.fromkeys(group_ids, "none")
    if not group_ids:
        return out
    for row in ctx.session.scalars(
        select(GroupMember).where(
            GroupMember.member_id == member.id, GroupMember.group_id.in_(group_ids)
        )
    ):
        out[row.group_id] = row.role if row.status == "member" else row.status
    for group_id in ctx.session.scalars(
        select(GroupInvitation.group_id).where(
            GroupInvitation.invitee_id == member.id,
            GroupInvitation.status == "pending",
            GroupInvitation.group_id.in_(group_ids),
        )
    ):
        if out[group_id] == "none":
            out[group_id] = "invited"
    return out


# -- an operator's hand (``kith group``) -----------------------------------------------


def any_group(ctx: Ctx, group_id: int) -> Group:
    group = ctx.session.get(Group, group_id)
    if group is None:
        raise group_not_found()
    return group


def operator_transfer(ctx: Ctx, group_id: int, member: Member) -> Group:
    """An operator makes a member of the group its owner (the owner, if any, stays on
    as a manager); the log says an operator did it."""
    group = any_group(ctx, group_id)
    row = membership(ctx, group.id, member.id)
    if not is_member(row) or row is None:
        raise NotFound(f"{member.name} is not a member of this group.", code="not_a_member")
    now = ctx.clock.now()
    for old in ctx.session.scalars(
        select(GroupMember).where(
            GroupMember.group_id == group.id,
            GroupMember.role == "owner",
            GroupMember.status == "member",
        )
    ):
        old.role = "manager"
        old.managing_since = now
    row.role = "owner"
    row.managing_since = row.managing_since or now
    group.archived_at = None
    audit(ctx, group, None, "transfer", subject_id=member.id, detail="By an operator.")
    ctx.session.flush()
    return group


def operator_archive(ctx: Ctx, group_id: int) -> Group:
    group = any_group(ctx, group_id)
    if group.archived_at is None:
        group.archived_at = ctx.clock.now()
        audit(ctx, group, None, "archive", detail="By an operator.")
    ctx.session.flush()
    return group
