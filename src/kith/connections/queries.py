"""Plain questions about a pair of members, shared by the services. No rules here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Exists,
    Integer,
    and_,
    bindparam,
    exists,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from kith.models import (
    OPEN_STATUSES,
    SENDER_PENDING_STATUSES,
    Block,
    Connection,
    Follow,
    IntroductionRequest,
    Invitation,
    Member,
)


def said_unknown(session: Session, reporter_id: int, other_id: int) -> bool:
    """Whether ``reporter_id`` ever said they don't know ``other_id``, on an invitation
    or on an introduction: ``other_id``'s invitations and introductions never reach
    them again, silently (unless the reporter invites them: crossing invitations
    connect the two)."""
    invited = select(Invitation.id).where(
        Invitation.sender_id == other_id,
        Invitation.recipient_id == reporter_id,
        Invitation.reported_at.is_not(None),
    )
    introduced = select(IntroductionRequest.id).where(
        IntroductionRequest.requester_id == other_id,
        IntroductionRequest.target_id == reporter_id,
        IntroductionRequest.status == "reported",
    )
    return bool(session.scalar(select(invited.exists() | introduced.exists())))


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def lock_members(session: Session, *member_ids: int, deleting: bool = False) -> None:
    """Serialize actions on these members: row locks on PostgreSQL, taken in id order,
    the one order every path uses, so that two actions on the same members never
    deadlock (SQLite write transactions are already serialized by ``BEGIN IMMEDIATE``).

    The lock is ``FOR NO KEY UPDATE``: it excludes the same lock from another
    transaction but not the ``KEY SHARE`` locks that PostgreSQL takes on member rows
    for every inserted row that refers to them (a follow, a notification, a message).
    Those are taken in no particular order, so a lock that conflicted with them
    (``FOR UPDATE``) could deadlock against a transaction that inserted first and
    locked second. Deleting an account takes ``FOR UPDATE`` (``deleting=True``), as
    the delete itself would.
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    for member_id in sorted(set(member_ids)):
        stmt = select(Member.id).where(Member.id == member_id)
        # key_share=True renders FOR NO KEY UPDATE on PostgreSQL.
        session.execute(stmt.with_for_update(key_share=not deleting))


_A = bindparam("a", type_=Integer)
_B = bindparam("b", type_=Integer)
_LO = bindparam("lo", type_=Integer)
_HI = bindparam("hi", type_=Integer)

# The questions about one pair that every profile, invitation and message asks, built
# once (building a statement and its cache key for each call cost more than running
# it): the pair's values are bound at execution.
_BLOCKED_BETWEEN = select(
    exists().where(
        Block.unblocked_at.is_(None),
        or_(
            and_(Block.blocker_id == _A, Block.blocked_id == _B),
            and_(Block.blocker_id == _B, Block.blocked_id == _A),
        ),
    )
)
_CONNECTION_BETWEEN = select(Connection).where(
    Connection.member_lo_id == _LO, Connection.member_hi_id == _HI
)
_FOLLOWS_BETWEEN = select(Follow.follower_id).where(
    or_(
        and_(Follow.follower_id == _A, Follow.followee_id == _B),
        and_(Follow.follower_id == _B, Follow.followee_id == _A),
    )
)


def blocked_between(session: Session, a: int, b: int) -> bool:
    return bool(session.scalar(_BLOCKED_BETWEEN, {"a": a, "b": b}))


def block_exists(
    viewer_id: int | ColumnElement[int], other: ColumnElement[Any] | InstrumentedAttribute[Any]
) -> Exists:
    """SQL: the member in column ``other`` blocked ``viewer_id`` (a member's id, or a
    bound parameter for one) or was blocked by them.

    Negate it (``~block_exists(...)``) to keep only members the viewer may see.
    """
    return (
        select(Block.id)
        .where(
            Block.unblocked_at.is_(None),
            or_(
                and_(Block.blocker_id == viewer_id, Block.blocked_id == other),
                and_(Block.blocked_id == viewer_id, Block.blocker_id == other),
            ),
        )
        .exists()
    )


def active_block(session: Session, blocker: int, blocked: int) -> Block | None:
    return session.scalar(
        select(Block).where(
            Block.blocker_id == blocker, Block.blocked_id == blocked, Block.unblocked_at.is_(None)
        )
    )


def connection_between(session: Session, a: int, b: int) -> Connection | None:
    lo, hi = pair(a, b)
    return session.scalar(_CONNECTION_BETWEEN, {"lo": lo, "hi": hi})


def stored_connection_count(session: Session, member_id: int) -> int:
    """Every connection row of ``member_id``, the other side's state aside: what the
    connection limit counts, and what deleting or suspending a member has to visit."""
    lo = select(func.count()).where(Connection.member_lo_id == member_id).scalar_subquery()
    hi = select(func.count()).where(Connection.member_hi_id == member_id).scalar_subquery()
    return int(session.scalar(select(lo + hi)) or 0)


_member = bindparam("member_id", type_=Integer)


def _active_count(model: Any, other: Any, where: ColumnElement[bool]) -> Any:
    """How many rows match ``where`` whose member in ``other`` is active: a deactivated,
    suspended or deleted member is counted nowhere, as they are listed nowhere. Read as
    "every row but those of an inactive member": the rows come from ``where``'s index,
    and the few inactive members from a partial index (``ix_members_inactive``), never
    the members table."""
    inactive = aliased(Member)
    gone = exists().where(inactive.id == other, not_(inactive.is_active))
    return select(func.count()).select_from(model).where(where, ~gone).scalar_subquery()


_CONNECTIONS = _active_count(
    Connection, Connection.member_hi_id, Connection.member_lo_id == _member
) + _active_count(Connection, Connection.member_lo_id, Connection.member_hi_id == _member)
#: SQL: the connections ``member_id`` has with active members (built once).
_CONNECTION_COUNT = select(_CONNECTIONS)
#: SQL: a member's followers, the members they follow, and their connections, active
#: members only (built once: every profile asks it).
_PROFILE_COUNTS = select(
    _active_count(Follow, Follow.follower_id, Follow.followee_id == _member),
    _active_count(Follow, Follow.followee_id, Follow.follower_id == _member),
    _CONNECTIONS,
)


def connection_count(session: Session, member_id: int) -> int:
    """How many connections ``member_id`` has, as their list shows them: with active
    members only."""
    return int(session.scalar(_CONNECTION_COUNT, {"member_id": member_id}) or 0)


def profile_counts(session: Session, member_id: int) -> tuple[int, int, int]:
    """(followers, following, connections) of ``member_id`` among active members, in
    one statement."""
    row = session.execute(_PROFILE_COUNTS, {"member_id": member_id}).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def share_a_connection(session: Session, a: int, b: int) -> bool:
    """Whether ``a`` and ``b`` have at least one connection in common."""
    ca, cb = aliased(Connection), aliased(Connection)
    a_friend = func.coalesce(
        func.nullif(ca.member_lo_id, a), ca.member_hi_id
    )  # the other end of a's connection
    b_friend = func.coalesce(func.nullif(cb.member_lo_id, b), cb.member_hi_id)
    stmt = select(
        exists()
        .where(or_(ca.member_lo_id == a, ca.member_hi_id == a))
        .where(or_(cb.member_lo_id == b, cb.member_hi_id == b))
        .where(a_friend == b_friend)
    )
    return bool(session.scalar(stmt))


def open_invitation(session: Session, sender: int, recipient: int) -> Invitation | None:
    """The invitation from ``sender`` to ``recipient`` that is still open in the database
    (pending or ignored); the caller decides whether it has expired."""
    lo, hi = pair(sender, recipient)
    return session.scalar(
        select(Invitation).where(
            Invitation.pair_lo == lo,
            Invitation.pair_hi == hi,
            Invitation.sender_id == sender,
            Invitation.status.in_(OPEN_STATUSES),
        )
    )


def reads_pending_to_sender(cutoff: datetime | ColumnElement[Any]) -> ColumnElement[bool]:
    """SQL: the invitation reads "pending" to its sender (see ``status_for``): not
    withdrawn, not past its expiry date (``cutoff`` from :func:`expiry_cutoff`), and
    pending, ignored, declined as unknown or undelivered. Every list, count and button
    the sender sees uses this one test, so ignoring and "I don't know this person"
    can't be told apart."""
    return and_(
        Invitation.status.in_(SENDER_PENDING_STATUSES),
        Invitation.withdrawn_at.is_(None),
        Invitation.created_at > cutoff,
    )


_PENDING_FROM = (
    select(Invitation)
    .where(
        Invitation.pair_lo == _LO,
        Invitation.pair_hi == _HI,
        Invitation.sender_id == _A,
        reads_pending_to_sender(bindparam("cutoff", type_=Invitation.created_at.type)),
    )
    .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    .limit(1)
)


def pending_from(
    session: Session, sender: int, recipient: int, cutoff: datetime
) -> Invitation | None:
    """The invitation from ``sender`` to ``recipient`` that reads pending to its sender."""
    lo, hi = pair(sender, recipient)
    return session.scalar(_PENDING_FROM, {"lo": lo, "hi": hi, "a": sender, "cutoff": cutoff})


def sent_after_a_report() -> Exists:
    """SQL: an earlier invitation from the same sender to the same recipient was
    answered "I don't know this person", so this one was never delivered (it was
    stored ``undelivered``; a block may since have cancelled it)."""
    earlier = aliased(Invitation)
    return (
        select(earlier.id)
        .where(
            earlier.sender_id == Invitation.sender_id,
            earlier.recipient_id == Invitation.recipient_id,
            earlier.id < Invitation.id,
            earlier.reported_at.is_not(None),
        )
        .exists()
    )


def never_delivered(session: Session, invitation: Invitation) -> bool:
    """Whether ``invitation`` never reached its recipient (see :func:`sent_after_a_report`)."""
    if invitation.status == "undelivered":
        return True
    if invitation.status != "cancelled":
        return False
    found = session.scalar(
        select(Invitation.id).where(Invitation.id == invitation.id, sent_after_a_report())
    )
    return found is not None


def closed_by_block_of(session: Session, invitation: Invitation) -> int | None:
    """Who closed a cancelled invitation by blocking the other member: the blocker of
    the last block between the two made when it was cancelled (None if no block did,
    as when an account was deleted)."""
    if invitation.status != "cancelled" or invitation.responded_at is None:
        return None
    a, b = invitation.sender_id, invitation.recipient_id
    return session.scalar(
        select(Block.blocker_id)
        .where(
            or_(
                and_(Block.blocker_id == a, Block.blocked_id == b),
                and_(Block.blocker_id == b, Block.blocked_id == a),
            ),
            Block.created_at <= invitation.responded_at,
        )
        .order_by(Block.created_at.desc(), Block.id.desc())
        .limit(1)
    )


def invitations_sent_since(session: Session, sender: int, since: datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Invitation)
            .where(Invitation.sender_id == sender, Invitation.created_at > since)
        )
        or 0
    )


def is_following(session: Session, follower: int, followee: int) -> bool:
    return session.get(Follow, {"follower_id": follower, "followee_id": followee}) is not None


def follows_between(session: Session, a: int, b: int) -> tuple[bool, bool]:
    """(``a`` follows ``b``, ``b`` follows ``a``), in one statement."""
    followers = set(session.scalars(_FOLLOWS_BETWEEN, {"a": a, "b": b}))
    return a in followers, b in followers


def expiry_cutoff(now: datetime, days: int) -> datetime:
    """Invitations created at or before this instant have expired."""
    return now - timedelta(days=days)
