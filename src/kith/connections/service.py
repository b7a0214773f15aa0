"""Invitation and connection actions: every rule of DESIGN "Connections and invitations".

Concurrency: every action that can create a connection or an invitation first
locks both members (in id order); the database also keeps at most one open
invitation per unordered pair and one connection per pair, so a race can never
produce two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from sqlalchemy import Integer, Select, and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from kith.clock import day_text
from kith.connections.queries import (
    active_block,
    block_exists,
    blocked_between,
    closed_by_block_of,
    connection_between,
    expiry_cutoff,
    follows_between,
    invitations_sent_since,
    lock_members,
    never_delivered,
    open_invitation,
    pair,
    pending_from,
    reads_pending_to_sender,
    said_unknown,
    share_a_connection,
    stored_connection_count,
)
from kith.errors import Conflict, Forbidden, Invalid, LimitReached, NotFound
from kith.models import (
    OPEN_STATUSES,
    SILENT_STATUSES,
    Connection,
    Follow,
    Invitation,
    Member,
    NetworkOutbox,
)
from kith.notifications.service import notify
from kith.pagination import Page, PageRequest, paginate_rows
from kith.relationships.followups import open_follow_ups
from kith.relationships.linking import link_private_contacts
from kith.uow import Ctx

ConnectionSort = Literal["recent", "name"]


def _fmt_day(when: datetime) -> str:
    return day_text(when)


def is_expired(ctx: Ctx, invitation: Invitation) -> bool:
    return invitation.created_at <= expiry_cutoff(
        ctx.clock.now(), ctx.settings.invitation_expiry_days
    )


def status_for(ctx: Ctx, invitation: Invitation, viewer_id: int) -> str:
    """The status as ``viewer_id`` may see it: ignoring, "I don't know this person"
    and an undelivered invitation are silent, so the sender sees pending until the
    invitation expires, whichever it was."""
    status = invitation.status
    if status in OPEN_STATUSES and is_expired(ctx, invitation):
        return "expired"
    if viewer_id == invitation.sender_id:
        if invitation.withdrawn_at is not None:
            return "withdrawn"
        if status in SILENT_STATUSES:
            return "expired" if is_expired(ctx, invitation) else "pending"
    return status


def _cutoff(ctx: Ctx) -> datetime:
    return expiry_cutoff(ctx.clock.now(), ctx.settings.invitation_expiry_days)


def _pending_from(ctx: Ctx, sender: Member, recipient: Member) -> Invitation | None:
    """``sender``'s invitation to ``recipient`` that reads pending to ``sender``, after
    closing a stored-open one whose expiry date has passed."""
    _expire_if_due(ctx, open_invitation(ctx.session, sender.id, recipient.id))
    return pending_from(ctx.session, sender.id, recipient.id, _cutoff(ctx))


def _expire_if_due(ctx: Ctx, invitation: Invitation | None) -> Invitation | None:
    """Close a stored-open invitation whose expiry date has passed; return it if still open."""
    if invitation is None:
        return None
    if is_expired(ctx, invitation):
        invitation.status = "expired"
        invitation.responded_at = invitation.created_at + timedelta(
            days=ctx.settings.invitation_expiry_days
        )
        ctx.session.flush()
        return None
    return invitation


def record_outbox(ctx: Ctx, kind: str, a: int, b: int) -> None:
    """Write a connection change to the outbox, in this transaction; after the commit
    this process's engine picks it up at once (others within their poll interval)."""
    ctx.session.add(NetworkOutbox(kind=kind, a=a, b=b, created_at=ctx.clock.now()))
    if ctx.network_changed is not None:
        ctx.on_commit(ctx.network_changed)


def _check_capacity(ctx: Ctx, actor: Member, other: Member) -> None:
    """Refuse a new connection between ``actor`` and ``other`` when either has reached
    the cap; the sentence is phrased for the actor."""
    cap = ctx.settings.max_connections
    for member in (actor, other):
        if stored_connection_count(ctx.session, member.id) >= cap:
            if member is actor:
                raise LimitReached(
                    f"You have reached the limit of {cap:,} connections. "
                    "Remove a connection first; others can still follow you.",
                    code="connection_limit",
                )
            raise LimitReached(
                f"{member.name} has reached the limit of {cap:,} connections; "
                "you can follow them instead.",
                code="recipient_connection_limit",
            )


def _connect(
    ctx: Ctx, inviter: Member, invitee: Member, invitation: Invitation | None, context: str
) -> Connection:
    lo, hi = pair(inviter.id, invitee.id)
    now = ctx.clock.now()
    connection = Connection(
        member_lo_id=lo,
        member_hi_id=hi,
        inviter_id=inviter.id,
        invitation_id=invitation.id if invitation else None,
        context=context,
        created_at=now,
    )
    ctx.session.add(connection)
    for follower, followee in ((inviter.id, invitee.id), (invitee.id, inviter.id)):
        if ctx.session.get(Follow, {"follower_id": follower, "followee_id": followee}) is None:
            ctx.session.add(Follow(follower_id=follower, followee_id=followee, created_at=now))
    record_outbox(ctx, "connect", lo, hi)
    ctx.session.flush()
    open_follow_ups(ctx, connection, invitation)
    ctx.session.flush()
    link_private_contacts(ctx, inviter.id, invitee.id)
    return connection


@dataclass
class InvitationResult:
    invitation: Invitation
    connection: Connection | None  # set when the invitation crossed one and connected


def send_invitation(
    ctx: Ctx,
    sender: Member,
    recipient: Member,
    *,
    note: str = "",
    context: str = "",
    email: str | None = None,
) -> InvitationResult:
    """Invite ``recipient`` to connect.

    Inviting someone who already invited you accepts their invitation instead.
    Every refusal names its reason (see docs/api.md for the codes).
    """
    settings = ctx.settings
    now = ctx.clock.now()
    note = (note or "").strip()
    context = " ".join((context or "").split())
    if sender.id == recipient.id:
        raise Invalid("You can't invite yourself.", code="self_invitation")
    if len(note) > settings.invitation_note_max:
        raise Invalid(
            f"A note can be at most {settings.invitation_note_max} characters "
            f"(yours has {len(note)}).",
            code="note_too_long",
        )
    if len(context) > settings.invitation_context_max:
        raise Invalid(
            f"Say how you know each other in at most {settings.invitation_context_max} characters.",
            code="context_too_long",
        )
    if not recipient.is_active:
        raise NotFound("There is no such member.", code="member_not_found")

    lock_members(ctx.session, sender.id, recipient.id)
    if blocked_between(ctx.session, sender.id, recipient.id):
        if _blocks(ctx, sender.id, recipient.id):
            raise Conflict(
                f"You have blocked {recipient.name}. Unblock them first.", code="member_blocked"
            )
        raise NotFound("There is no such member.", code="member_not_found")
    if connection_between(ctx.session, sender.id, recipient.id) is not None:
        raise Conflict(f"You are already connected to {recipient.name}.", code="already_connected")

    theirs = _pending_from(ctx, recipient, sender)
    if theirs is not None:
        # Crossing invitations: accept theirs (also one the sender ignored or declined
        # as unknown: to its sender it still reads pending, as an ignored one does).
        _check_capacity(ctx, sender, recipient)
        theirs.status = "accepted"
        theirs.responded_at = now
        theirs.reported_at = None  # inviting back takes back "I don't know this person"
        connection = _connect(ctx, recipient, sender, theirs, theirs.context or context)
        notify(
            ctx, recipient.id, "invitation_accepted", actor_id=sender.id, invitation_id=theirs.id
        )
        return InvitationResult(theirs, connection)

    mine = _pending_from(ctx, sender, recipient)
    if mine is not None:  # pending, ignored or declined: the sender can't tell which
        raise Conflict(
            f"You invited {recipient.name} on {_fmt_day(mine.created_at)}; "
            "that invitation is still pending.",
            code="invitation_pending",
        )
    silenced = _check_history(ctx, sender, recipient, now)
    _check_recipient_policy(ctx, sender, recipient, email)
    _check_restriction(ctx, sender, recipient, email, now)
    window = timedelta(days=settings.invitation_window_days)
    sent = invitations_sent_since(ctx.session, sender.id, now - window)
    if sent >= settings.invitations_per_week:
        oldest = ctx.session.scalar(
            select(func.min(Invitation.created_at)).where(
                Invitation.sender_id == sender.id, Invitation.created_at > now - window
            )
        )
        retry = int(((oldest or now) + window - now).total_seconds()) + 1
        raise LimitReached(
            f"You have sent {settings.invitations_per_week} invitations in the last "
            f"{settings.invitation_window_days} days, the most allowed. "
            f"You can send more from {_fmt_day((oldest or now) + window)}.",
            code="invitation_limit",
            headers={"Retry-After": str(max(retry, 1))},
        )
    _check_capacity(ctx, sender, recipient)

    lo, hi = pair(sender.id, recipient.id)
    invitation = Invitation(
        sender_id=sender.id,
        recipient_id=recipient.id,
        pair_lo=lo,
        pair_hi=hi,
        note=note,
        context=context,
        # After "I don't know this person" a new invitation is made and answered like
        # any other, but never reaches the recipient.
        status="undelivered" if silenced else "pending",
        created_at=now,
    )
    ctx.session.add(invitation)
    ctx.session.flush()
    if not silenced:
        notify(
            ctx,
            recipient.id,
            "invitation_received",
            actor_id=sender.id,
            invitation_id=invitation.id,
        )
    return InvitationResult(invitation, None)


def _blocks(ctx: Ctx, blocker: int, blocked: int) -> bool:
    return active_block(ctx.session, blocker, blocked) is not None


def _check_history(ctx: Ctx, sender: Member, recipient: Member, now: datetime) -> bool:
    """Refuse within the cooldown after a withdrawal; return whether ``recipient`` ever
    said they don't know ``sender``, on an invitation or an introduction (their next
    invitations are then never delivered, silently: nothing in the answer differs)."""
    previous = ctx.session.scalars(
        select(Invitation).where(
            Invitation.sender_id == sender.id,
            Invitation.recipient_id == recipient.id,
            Invitation.withdrawn_at.is_not(None),
        )
    ).all()
    cooldown = timedelta(days=ctx.settings.withdraw_cooldown_days)
    recent = [
        inv.withdrawn_at
        for inv in previous
        if inv.withdrawn_at is not None and inv.withdrawn_at > now - cooldown
    ]
    if recent:
        until = max(recent) + cooldown
        raise Conflict(
            f"You withdrew an invitation to {recipient.name} on {_fmt_day(max(recent))}; "
            f"you can invite them again from {_fmt_day(until)}.",
            code="withdraw_cooldown",
        )
    return said_unknown(ctx.session, recipient.id, sender.id)


def _check_recipient_policy(ctx: Ctx, sender: Member, recipient: Member, email: str | None) -> None:
    refusal = policy_refusal(ctx, sender, recipient, email)
    if refusal is not None:
        raise refusal


def policy_refusal(
    ctx: Ctx,
    sender: Member,
    recipient: Member,
    email: str | None,
    *,
    mutual: int | None = None,
) -> Forbidden | None:
    """Why ``recipient``'s "who can invite me" setting refuses ``sender`` (None if it
    lets them invite). ``mutual``, when the caller already knows the number of shared
    connections, saves the database question."""
    policy = recipient.invite_policy
    if policy == "email":
        if not email:
            return Forbidden(
                f"{recipient.name} accepts invitations only from people who know their email "
                "address. Enter it to send the invitation.",
                code="email_required",
            )
        if email.strip().lower() != recipient.email:
            return Forbidden(
                f"That is not {recipient.name}'s email address.", code="email_mismatch"
            )
    elif policy == "shared_connection":
        shared = (
            mutual > 0
            if mutual is not None
            else share_a_connection(ctx.session, sender.id, recipient.id)
        )
        if not shared:
            return Forbidden(
                f"{recipient.name} accepts invitations only from members with whom they share "
                "a connection.",
                code="recipient_policy",
            )
    return None


def needs_email(ctx: Ctx, sender: Member, recipient: Member) -> bool:
    """Whether an invitation from ``sender`` to ``recipient`` must carry the recipient's
    email address: their setting asks for it, or the sender is restricted."""
    until = sender.invite_restricted_until
    return recipient.invite_policy == "email" or (until is not None and until > ctx.clock.now())


def _check_restriction(
    ctx: Ctx, sender: Member, recipient: Member, email: str | None, now: datetime
) -> None:
    until = sender.invite_restricted_until
    if until is None or until <= now:
        return
    if not email:
        raise Forbidden(
            "Several members recently said they don't know you. Until "
            f"{_fmt_day(until)} you need to enter the email address of the member you invite.",
            code="email_required",
        )
    if email.strip().lower() != recipient.email:
        raise Forbidden(f"That is not {recipient.name}'s email address.", code="email_mismatch")


def _invitation_for(ctx: Ctx, member: Member, invitation_id: int, role: str) -> Invitation:
    invitation = ctx.session.get(Invitation, invitation_id)
    owner = None if invitation is None else getattr(invitation, f"{role}_id")
    if invitation is None or owner != member.id or _hidden_from(ctx, invitation, member):
        raise NotFound("There is no such invitation.", code="invitation_not_found")
    return invitation


def _hidden_from(ctx: Ctx, invitation: Invitation, member: Member) -> bool:
    """Whether ``invitation`` does not exist for ``member``: one never delivered does
    not for its recipient, and one that the other member's block closed does not for
    the member they blocked (a block removes the invitations between the two, and to
    the blocked member the blocker does not exist)."""
    if invitation.status not in ("undelivered", "cancelled"):
        return False
    if invitation.recipient_id == member.id and never_delivered(ctx.session, invitation):
        return True
    closer = closed_by_block_of(ctx.session, invitation)
    return closer is not None and closer != member.id


def _closed(ctx: Ctx, invitation: Invitation, viewer: Member) -> Conflict:
    status = status_for(ctx, invitation, viewer.id)
    words = {
        "accepted": "was already accepted",
        "withdrawn": "was withdrawn",
        "expired": "has expired",
        "ignored": "was ignored",
        "declined_unknown": "was declined",
        "cancelled": "is no longer open",
    }
    return Conflict(
        f"This invitation {words.get(status, 'is no longer open')}.", code="invitation_closed"
    )


def accept_invitation(ctx: Ctx, member: Member, invitation_id: int) -> Connection:
    """Accept an invitation addressed to ``member``. Accepting twice is harmless."""
    invitation = _invitation_for(ctx, member, invitation_id, "recipient")
    lock_members(ctx.session, invitation.sender_id, invitation.recipient_id)
    ctx.session.refresh(invitation)
    if invitation.status == "accepted":
        existing = connection_between(ctx.session, invitation.sender_id, member.id)
        if existing is not None:
            return existing
    if invitation.status not in OPEN_STATUSES or _expire_if_due(ctx, invitation) is None:
        raise _closed(ctx, invitation, member)
    sender = invitation.sender
    if not sender.is_active or blocked_between(ctx.session, sender.id, member.id):
        raise _closed(ctx, invitation, member)
    _check_capacity(ctx, member, sender)
    invitation.status = "accepted"
    invitation.responded_at = ctx.clock.now()
    connection = _connect(ctx, sender, member, invitation, invitation.context)
    notify(ctx, sender.id, "invitation_accepted", actor_id=member.id, invitation_id=invitation.id)
    return connection


def ignore_invitation(ctx: Ctx, member: Member, invitation_id: int) -> Invitation:
    """Ignore silently: the sender still sees the invitation as pending until it expires."""
    invitation = _invitation_for(ctx, member, invitation_id, "recipient")
    if invitation.status == "ignored":
        return invitation
    if invitation.status != "pending" or _expire_if_due(ctx, invitation) is None:
        raise _closed(ctx, invitation, member)
    invitation.status = "ignored"
    invitation.responded_at = ctx.clock.now()
    ctx.session.flush()
    return invitation


def report_unknown(ctx: Ctx, member: Member, invitation_id: int) -> Invitation:
    """ "I don't know this person": a decline that stops the sender inviting again, and
    restricts a sender reported too often."""
    settings = ctx.settings
    invitation = _invitation_for(ctx, member, invitation_id, "recipient")
    if invitation.reported_at is not None:
        return invitation
    if invitation.status not in OPEN_STATUSES or _expire_if_due(ctx, invitation) is None:
        raise _closed(ctx, invitation, member)
    now = ctx.clock.now()
    lock_members(ctx.session, invitation.sender_id)
    invitation.status = "declined_unknown"
    invitation.responded_at = now
    invitation.reported_at = now
    ctx.session.flush()
    since = now - timedelta(days=settings.unknown_reports_window_days)
    lifted = invitation.sender.invite_restriction_lifted_at
    if lifted is not None and lifted > since:  # an administrator lifted a restriction
        since = lifted
    reports = ctx.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.sender_id == invitation.sender_id,
            Invitation.reported_at > since,
        )
    )
    if (reports or 0) >= settings.unknown_reports_threshold:
        sender = invitation.sender
        sender.invite_restricted_until = now + timedelta(days=settings.restriction_days)
        ctx.session.flush()
    return invitation


def withdraw_invitation(ctx: Ctx, member: Member, invitation_id: int) -> Invitation:
    """Withdraw one's own invitation; the same person can be invited again after the cooldown."""
    invitation = _invitation_for(ctx, member, invitation_id, "sender")
    if invitation.withdrawn_at is not None:
        return invitation
    if status_for(ctx, invitation, member.id) != "pending":
        raise _closed(ctx, invitation, member)
    now = ctx.clock.now()
    if invitation.status in OPEN_STATUSES:
        invitation.status = "withdrawn"
        invitation.responded_at = now
    invitation.withdrawn_at = now
    ctx.session.flush()
    return invitation


def get_invitation(ctx: Ctx, member: Member, invitation_id: int) -> Invitation:
    invitation = ctx.session.get(Invitation, invitation_id)
    if (
        invitation is None
        or member.id not in (invitation.sender_id, invitation.recipient_id)
        or _hidden_from(ctx, invitation, member)
    ):
        raise NotFound("There is no such invitation.", code="invitation_not_found")
    return invitation


def received_invitations(ctx: Ctx, member: Member, req: PageRequest) -> Page[Invitation]:
    cutoff = expiry_cutoff(ctx.clock.now(), ctx.settings.invitation_expiry_days)
    stmt = (
        select(Invitation)
        .where(
            Invitation.recipient_id == member.id,
            Invitation.status == "pending",
            Invitation.created_at > cutoff,
        )
        .options(selectinload(Invitation.sender))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def sent_invitations(ctx: Ctx, member: Member, req: PageRequest) -> Page[Invitation]:
    """The member's invitations that read pending to them (ignored ones too)."""
    stmt = (
        select(Invitation)
        .where(Invitation.sender_id == member.id, reads_pending_to_sender(_cutoff(ctx)))
        .options(selectinload(Invitation.recipient))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


#: SQL: how many invitations wait for the answer of the member ``member_id`` (built
#: once: the header's badge asks it on every page, with the other counts).
PENDING_RECEIVED: Select[int] = (
    select(func.count())
    .select_from(Invitation)
    .where(
        Invitation.recipient_id == bindparam("member_id", type_=Invitation.recipient_id.type),
        Invitation.status == "pending",
        Invitation.created_at > bindparam("pending_cutoff", type_=Invitation.created_at.type),
    )
)


def pending_received_params(ctx: Ctx, _member: Member) -> dict[str, Any]:
    """The parameters of :data:`PENDING_RECEIVED` besides ``member_id``."""
    return {"pending_cutoff": expiry_cutoff(ctx.clock.now(), ctx.settings.invitation_expiry_days)}


def pending_received_count(ctx: Ctx, member: Member) -> int:
    params = {"member_id": member.id, **pending_received_params(ctx, member)}
    return int(ctx.session.scalar(PENDING_RECEIVED, params) or 0)


@dataclass
class ConnectionEntry:
    member: Member
    connection: Connection


def can_see_connections(ctx: Ctx, viewer: Member | None, owner: Member) -> bool:
    """Whether ``viewer`` may see ``owner``'s connection list (their own always; another
    member's only as their connection, unless they keep the list to themselves)."""
    if viewer is not None and viewer.id == owner.id:
        return True
    if not _list_open(owner) or viewer is None:
        return False
    return connection_between(ctx.session, viewer.id, owner.id) is not None


class ListOwner(Protocol):
    """A member as far as the connection-list rule needs: an id and the list's setting."""

    @property
    def id(self) -> int: ...

    @property
    def connections_visibility(self) -> str: ...


def _list_open(owner: ListOwner) -> bool:
    """Whether ``owner`` shows their connection list to their connections."""
    return owner.connections_visibility != "only_me"


def lists_open_to(viewer: Member, connections: Iterable[ListOwner]) -> set[int]:
    """The ids of those among ``connections`` (members known to be ``viewer``'s
    connections) whose connection list ``viewer`` may see: the rule of
    :func:`can_see_connections`, for many members without a query each."""
    return {m.id for m in connections if m.id == viewer.id or _list_open(m)}


def list_connections(
    ctx: Ctx,
    viewer: Member,
    owner: Member,
    req: PageRequest,
    *,
    sort: ConnectionSort = "recent",
    query: str = "",
) -> Page[ConnectionEntry]:
    """``owner``'s connections as ``viewer`` may see them (one's own always; another
    member's only for their connections, unless they keep the list to themselves)."""
    if sort not in ("recent", "name"):
        raise Invalid("Sort connections by 'recent' or 'name'.", code="invalid_sort")
    if not can_see_connections(ctx, viewer, owner):
        raise Forbidden(
            f"{owner.name} keeps their connections private.", code="connections_private"
        )
    other = aliased(Member)
    stmt = (
        select(other, Connection)
        .join(
            Connection,
            or_(
                and_(Connection.member_lo_id == owner.id, Connection.member_hi_id == other.id),
                and_(Connection.member_hi_id == owner.id, Connection.member_lo_id == other.id),
            ),
        )
        .where(other.is_active.is_(True))
    )
    if viewer.id != owner.id:
        stmt = stmt.where(~block_exists(viewer.id, other.id))
    if query.strip():
        # What was typed is literal: % and _ match themselves.
        text = query.strip().lower()
        stmt = stmt.where(
            or_(
                func.lower(other.first_name + " " + other.last_name).contains(
                    text, autoescape=True
                ),
                func.lower(other.headline).contains(text, autoescape=True),
            )
        )
    if sort == "recent":
        stmt = stmt.order_by(Connection.created_at.desc(), Connection.id.desc())
    else:
        stmt = stmt.order_by(func.lower(other.last_name), func.lower(other.first_name), other.id)
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([ConnectionEntry(r[0], r[1]) for r in rows], total, req.page, req.per_page)


def remove_connection(ctx: Ctx, member: Member, other: Member) -> None:
    """Remove a connection silently, with the follows both ways."""
    lock_members(ctx.session, member.id, other.id)
    connection = connection_between(ctx.session, member.id, other.id)
    if connection is None:
        raise NotFound(f"You are not connected to {other.name}.", code="not_connected")
    drop_connection(ctx, connection)


def drop_connection(ctx: Ctx, connection: Connection) -> None:
    """Delete a connection and the follows both ways (used by removal and by blocks)."""
    a, b = connection.member_lo_id, connection.member_hi_id
    ctx.session.delete(connection)
    ctx.session.execute(
        delete(Follow).where(
            or_(
                and_(Follow.follower_id == a, Follow.followee_id == b),
                and_(Follow.follower_id == b, Follow.followee_id == a),
            )
        )
    )
    record_outbox(ctx, "disconnect", a, b)
    ctx.session.flush()


def expire_invitations(ctx: Ctx) -> int:
    """Sweep: store 'expired' on open invitations past their expiry date. Optional —
    expiry is always decided from timestamps — but keeps the table tidy."""
    cutoff = expiry_cutoff(ctx.clock.now(), ctx.settings.invitation_expiry_days)
    rows = ctx.session.scalars(
        select(Invitation).where(
            Invitation.status.in_(OPEN_STATUSES), Invitation.created_at <= cutoff
        )
    ).all()
    for invitation in rows:
        _expire_if_due(ctx, invitation)
    return len(rows)


@dataclass
class Relationship:
    """How ``viewer`` stands with another member: drives the profile's actions."""

    connection: Connection | None
    sent: Invitation | None  # viewer's open invitation to them (as the viewer sees it)
    received: Invitation | None  # their pending invitation to the viewer
    following: bool
    followed_by: bool

    @property
    def connected(self) -> bool:
        return self.connection is not None


#: The open invitation ``other`` sent the viewer (built once: every profile asks it).
_RECEIVED = select(Invitation).where(
    Invitation.sender_id == bindparam("sender_id", type_=Integer),
    Invitation.recipient_id == bindparam("recipient_id", type_=Integer),
    Invitation.status.in_(OPEN_STATUSES),
    Invitation.created_at > bindparam("cutoff", type_=Invitation.created_at.type),
)


def relationship(ctx: Ctx, viewer: Member, other: Member) -> Relationship:
    sent = pending_from(ctx.session, viewer.id, other.id, _cutoff(ctx))
    cutoff = expiry_cutoff(ctx.clock.now(), ctx.settings.invitation_expiry_days)
    received = ctx.session.scalar(
        _RECEIVED, {"sender_id": other.id, "recipient_id": viewer.id, "cutoff": cutoff}
    )
    following, followed_by = follows_between(ctx.session, viewer.id, other.id)
    return Relationship(
        connection=connection_between(ctx.session, viewer.id, other.id),
        sent=sent,
        received=received,
        following=following,
        followed_by=followed_by,
    )


def connect_through_introduction(
    ctx: Ctx, requester: Member, target: Member, context: str
) -> Connection:
    """``target`` accepts an introduction to ``requester``: the connection is made as
    if ``target`` accepted ``requester``'s invitation (the same checks: blocks, an
    existing connection, the connection cap), with ``context`` ("Introduced by ...")
    on both sides. An open invitation between the two is answered by it."""
    lock_members(ctx.session, requester.id, target.id)
    if (
        not requester.is_active
        or not target.is_active
        or blocked_between(ctx.session, requester.id, target.id)
    ):
        raise Conflict("This introduction is no longer open.", code="introduction_closed")
    existing = connection_between(ctx.session, requester.id, target.id)
    if existing is not None:
        return existing
    _check_capacity(ctx, target, requester)
    invitation = _expire_if_due(ctx, open_invitation(ctx.session, requester.id, target.id))
    if invitation is None:
        invitation = _expire_if_due(ctx, open_invitation(ctx.session, target.id, requester.id))
    if invitation is not None:
        invitation.status = "accepted"
        invitation.responded_at = ctx.clock.now()
    context = " ".join(context.split())[: ctx.settings.invitation_context_max]
    return _connect(ctx, requester, target, invitation, context)
