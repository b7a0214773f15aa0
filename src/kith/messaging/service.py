"""Messaging: who may write to whom, conversations, read state and unread counts.

Rules (DESIGN "Messaging"): 1st-degree connections message freely; current
coworkers (a current position at the same company) and fellow members of a group
(:func:`kith.groups.lists.shared_groups`) may send a message request,
which the recipient accepts (or answers, which accepts it) or declines; nobody
else can message. Blocks, either way, stop messaging. A sender may send
``messages_per_hour`` messages per rolling hour and ``message_requests_per_day``
new requests per rolling day.

A member who deleted their account stays in their conversations as "Former member":
the other side keeps their own messages (the former member's are emptied) and can
read but not answer.

Concurrency: sending locks both members (in id order, as the connection service
does) and then the conversation row, so two messages sent at once to the same
conversation are both stored, numbered one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.orm import aliased

from kith.clock import moment_text
from kith.connections.queries import (
    active_block,
    block_exists,
    connection_between,
    lock_members,
    pair,
)
from kith.errors import Conflict, Forbidden, Invalid, KithError, LimitReached, NotFound
from kith.groups.lists import shared_groups
from kith.live import Event
from kith.mail.notices import mail_message
from kith.models import (
    Company,
    Connection,
    Conversation,
    FollowUp,
    Group,
    GroupMember,
    Member,
    Message,
    Position,
)
from kith.names import fold_name
from kith.pagination import Page, PageRequest, paginate_rows
from kith.relationships.interactions import record_message_interaction
from kith.uow import Ctx

Box = Literal["inbox", "requests"]
# Conversation states in which both members may write (given no block).
WRITABLE = ("open", "accepted")


def _day(when: datetime) -> str:
    return moment_text(when)


def shared_current_company(ctx: Ctx, a: int, b: int) -> Company | None:
    """A company where ``a`` and ``b`` both hold a current position, if any."""
    pa, pb = aliased(Position), aliased(Position)
    stmt = (
        select(Company)
        .join(pa, pa.company_id == Company.id)
        .join(pb, pb.company_id == Company.id)
        .where(
            pa.member_id == a,
            pb.member_id == b,
            pa.end_year.is_(None),
            pb.end_year.is_(None),
        )
        .order_by(Company.name)
        .limit(1)
    )
    return ctx.session.scalar(stmt)


def _shown(member: Any) -> ColumnElement[bool]:
    """SQL: a conversation partner that is listed: active, or a former member."""
    return or_(member.is_active.is_(True), member.deleted_at.is_not(None))


def is_blocked(ctx: Ctx, a: int, b: int) -> bool:
    return bool(ctx.session.scalar(select(block_exists(a, literal(b)))))


def _refuse_blocked(ctx: Ctx, sender: Member, recipient: Member) -> None:
    if is_blocked(ctx, sender.id, recipient.id):
        if active_block(ctx.session, sender.id, recipient.id) is not None:
            raise Conflict(
                f"You have blocked {recipient.name}. Unblock them first.", code="member_blocked"
            )
        raise NotFound("There is no such member.", code="member_not_found")


def conversation_between(ctx: Ctx, a: int, b: int, *, lock: bool = False) -> Conversation | None:
    lo, hi = pair(a, b)
    stmt = select(Conversation).where(
        Conversation.member_lo_id == lo, Conversation.member_hi_id == hi
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return ctx.session.scalar(stmt)


def _check_body(ctx: Ctx, body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("Write something before sending.", code="empty_message")
    limit = ctx.settings.message_max
    if len(body) > limit:
        raise Invalid(
            f"A message can be at most {limit:,} characters (yours has {len(body):,}).",
            code="message_too_long",
        )
    return body


def _check_rate(ctx: Ctx, sender: Member, now: datetime) -> None:
    window = timedelta(hours=1)
    limit = ctx.settings.messages_per_hour
    sent = ctx.session.execute(
        select(func.count(), func.min(Message.created_at)).where(
            Message.sender_id == sender.id, Message.created_at > now - window
        )
    ).one()
    if int(sent[0] or 0) >= limit:
        oldest = sent[1] or now
        retry = max(1, int((oldest + window - now).total_seconds()) + 1)
        raise LimitReached(
            f"You have sent {limit} messages in the last hour, the most allowed. "
            f"You can send more from {_day(oldest + window)}.",
            code="message_limit",
            headers={"Retry-After": str(retry)},
        )


def _check_request_rate(ctx: Ctx, sender: Member, now: datetime) -> None:
    window = timedelta(days=1)
    limit = ctx.settings.message_requests_per_day
    made = ctx.session.execute(
        select(func.count(), func.min(Conversation.created_at)).where(
            Conversation.requested_by_id == sender.id, Conversation.created_at > now - window
        )
    ).one()
    if int(made[0] or 0) >= limit:
        oldest = made[1] or now
        retry = max(1, int((oldest + window - now).total_seconds()) + 1)
        raise LimitReached(
            f"You have sent {limit} message requests in the last day, the most allowed. "
            f"You can send more from {_day(oldest + window)}.",
            code="message_request_limit",
            headers={"Retry-After": str(retry)},
        )


@dataclass(frozen=True)
class Permission:
    """How ``sender`` may write to a member: ``message`` freely, or only a ``request``."""

    kind: Literal["message", "request"]
    company: Company | None = None  # the shared current company, for a request
    group: Group | None = None  # or a group both belong to


def permission(
    ctx: Ctx, sender: Member, recipient: Member, conversation: Conversation | None
) -> Permission:
    """Whether ``sender`` may write to ``recipient`` now, or the refusal (raised)."""
    if sender.id == recipient.id:
        raise Invalid("You can't send a message to yourself.", code="self_message")
    if recipient.deleted_at is not None:
        raise Forbidden(
            "This member has deleted their account. Your conversation stays for you to "
            "read, but it can't be answered.",
            code="former_member",
        )
    if not recipient.is_active:
        raise NotFound("There is no such member.", code="member_not_found")
    _refuse_blocked(ctx, sender, recipient)
    if connection_between(ctx.session, sender.id, recipient.id) is not None:
        return Permission("message")
    if conversation is not None:
        if conversation.status == "accepted":
            return Permission("message")
        if conversation.status in ("request", "declined"):
            if conversation.requested_by_id == sender.id:
                # A declined request stays silent: the sender still sees it pending.
                raise Conflict(
                    f"Your message request to {recipient.name} is waiting for their answer; "
                    "you can write again once they accept it.",
                    code="request_pending",
                )
            return Permission("message")  # answering their request accepts it
    company = shared_current_company(ctx, sender.id, recipient.id)
    if company is not None:
        return Permission("request", company)
    fellow = shared_groups(ctx, sender.id, recipient.id, limit=1)
    if fellow:
        return Permission("request", group=fellow[0])
    raise Forbidden(
        f"You can message {recipient.name} once you are connected. Members can message "
        "their connections, and send a message request to current coworkers and fellow "
        "group members.",
        code="message_not_allowed",
    )


def send_message(ctx: Ctx, sender: Member, recipient: Member, body: str) -> Message:
    """Send ``body`` to ``recipient``: into the conversation between them, starting it
    (or a message request, for a coworker who is not a connection) if needed."""
    body = _check_body(ctx, body)
    now = ctx.clock.now()
    if sender.id != recipient.id:
        lock_members(ctx.session, sender.id, recipient.id)
    conversation = conversation_between(ctx, sender.id, recipient.id, lock=True)
    allowed = permission(ctx, sender, recipient, conversation)
    _check_rate(ctx, sender, now)
    if allowed.kind == "request":
        _check_request_rate(ctx, sender, now)
    lo, hi = pair(sender.id, recipient.id)
    if conversation is None:
        conversation = Conversation(
            member_lo_id=lo, member_hi_id=hi, status="open", created_at=now, last_seq=0
        )
        ctx.session.add(conversation)
    if allowed.kind == "request":
        conversation.status = "request"
        conversation.requested_by_id = sender.id
        conversation.created_at = now
    elif connection_between(ctx.session, sender.id, recipient.id) is not None:
        conversation.status = "open"
    elif conversation.status in ("request", "declined"):
        conversation.status = "accepted"  # the recipient of the request answered
    conversation.last_seq = (conversation.last_seq or 0) + 1
    conversation.last_message_at = now
    if sender.id == lo:
        conversation.lo_read_seq = conversation.last_seq
    else:
        conversation.hi_read_seq = conversation.last_seq
    ctx.session.flush()
    message = Message(
        conversation_id=conversation.id,
        seq=conversation.last_seq,
        sender_id=sender.id,
        body=body,
        created_at=now,
    )
    ctx.session.add(message)
    record_message_interaction(ctx, sender.id, recipient.id, now)
    record_message_interaction(ctx, recipient.id, sender.id, now)
    ctx.session.execute(
        update(FollowUp)
        .where(
            FollowUp.owner_id == sender.id,
            FollowUp.other_id == recipient.id,
            FollowUp.closed_at.is_(None),
        )
        .values(closed_at=now, outcome="messaged")
    )
    ctx.session.flush()
    mail_message(ctx, sender, recipient, conversation.id, body)  # if they are away
    _announce(ctx, conversation, sender.id, recipient.id)
    return message


def _announce(ctx: Ctx, conversation: Conversation, *members: int) -> None:
    """Tell the open streams of ``members`` that ``conversation`` changed (after commit)."""
    ctx.announce(Event("conversation", members, {"conversation": conversation.id}))


def _participant(ctx: Ctx, member: Member, conversation_id: int) -> Conversation:
    conversation = ctx.session.get(Conversation, conversation_id)
    if (
        conversation is None
        or member.id not in (conversation.member_lo_id, conversation.member_hi_id)
        or is_blocked(ctx, member.id, conversation.other_id(member.id))
    ):
        raise NotFound("There is no such conversation.", code="conversation_not_found")
    other = ctx.session.get(Member, conversation.other_id(member.id))
    if other is None or not (other.is_active or other.deleted_at is not None):
        raise NotFound("There is no such conversation.", code="conversation_not_found")
    if conversation.status == "declined" and conversation.requested_by_id != member.id:
        raise NotFound("There is no such conversation.", code="conversation_not_found")
    return conversation


def get_conversation(ctx: Ctx, member: Member, conversation_id: int) -> Conversation:
    """A conversation ``member`` takes part in (404 for anyone else, and once declined
    or blocked)."""
    return _participant(ctx, member, conversation_id)


def _pending_request_to(ctx: Ctx, member: Member, conversation_id: int) -> Conversation:
    lock = ctx.session.get(Conversation, conversation_id)
    if lock is not None:
        lock_members(ctx.session, lock.member_lo_id, lock.member_hi_id)
    conversation = _participant(ctx, member, conversation_id)
    ctx.session.refresh(conversation)
    if conversation.status != "request" or conversation.requested_by_id == member.id:
        raise Conflict("This message request is no longer open.", code="request_closed")
    return conversation


def accept_request(ctx: Ctx, member: Member, conversation_id: int) -> Conversation:
    """Accept a message request: both may then write freely."""
    conversation = _pending_request_to(ctx, member, conversation_id)
    conversation.status = "accepted"
    ctx.session.flush()
    _announce(ctx, conversation, conversation.member_lo_id, conversation.member_hi_id)
    return conversation


def decline_request(ctx: Ctx, member: Member, conversation_id: int) -> Conversation:
    """Decline silently: the request leaves your list; the sender can't write again."""
    conversation = _pending_request_to(ctx, member, conversation_id)
    conversation.status = "declined"
    if member.id == conversation.member_lo_id:
        conversation.lo_read_seq = conversation.last_seq
    else:
        conversation.hi_read_seq = conversation.last_seq
    ctx.session.flush()
    _announce(ctx, conversation, member.id)  # silent: only the decliner's own pages hear
    return conversation


def mark_read(ctx: Ctx, member: Member, conversation: Conversation) -> None:
    """Mark the conversation read for ``member`` (their other open pages hear of it)."""
    if conversation.unread(member.id) == 0:
        return
    if member.id == conversation.member_lo_id:
        conversation.lo_read_seq = conversation.last_seq
    else:
        conversation.hi_read_seq = conversation.last_seq
    ctx.session.flush()
    _announce(ctx, conversation, member.id)


def messages_after(ctx: Ctx, conversation: Conversation, seq: int, limit: int) -> list[Message]:
    """Messages of ``conversation`` numbered after ``seq``, oldest first (at most
    ``limit``, the most recent ones)."""
    stmt = (
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.seq > seq)
        .order_by(Message.seq.desc())
        .limit(limit)
    )
    return list(reversed(ctx.session.scalars(stmt).all()))


def recipients(
    ctx: Ctx, sender: Member, query: str, *, limit: int = 20
) -> list[tuple[Member, Permission]]:
    """Members ``sender`` may write to now, whose name or handle holds ``query``, by
    name, each with how (a message or a request). Candidates are connections, current
    coworkers, members whose request waits for an answer and, for a search by name,
    fellow members of the sender's groups; :func:`permission`, the
    one rule, decides for each."""
    lo = select(Connection.member_hi_id.label("id")).where(Connection.member_lo_id == sender.id)
    hi = select(Connection.member_lo_id.label("id")).where(Connection.member_hi_id == sender.id)
    mine, theirs = aliased(Position), aliased(Position)
    coworkers = (
        select(theirs.member_id.label("id"))
        .join(mine, mine.company_id == theirs.company_id)
        .where(mine.member_id == sender.id, mine.end_year.is_(None), theirs.end_year.is_(None))
    )
    asked = select(Conversation.requested_by_id.label("id")).where(
        or_(Conversation.member_lo_id == sender.id, Conversation.member_hi_id == sender.id),
        Conversation.status == "request",
        Conversation.requested_by_id != sender.id,
    )
    words = query.strip()[:100]
    parts = [lo, hi, coworkers, asked]
    if words:
        mine_groups = select(GroupMember.group_id).where(
            GroupMember.member_id == sender.id, GroupMember.status == "member"
        )
        parts.append(
            select(GroupMember.member_id.label("id")).where(
                GroupMember.group_id.in_(mine_groups), GroupMember.status == "member"
            )
        )
    candidates = union(*parts).subquery()
    stmt = select(Member).where(
        Member.id.in_(select(candidates.c.id)),
        Member.id != sender.id,
        Member.is_active.is_(True),
        Member.deleted_at.is_(None),
        ~block_exists(sender.id, Member.id),
    )
    if words:
        stmt = stmt.where(
            or_(
                Member.name_key.contains(fold_name(words), autoescape=True),
                Member.handle.contains(words.lower(), autoescape=True),
            )
        )
    stmt = stmt.order_by(Member.first_name, Member.last_name, Member.id).limit(limit * 2)
    found: list[tuple[Member, Permission]] = []
    for member in ctx.session.scalars(stmt):
        try:
            allowed = permission(
                ctx, sender, member, conversation_between(ctx, sender.id, member.id)
            )
        except KithError:
            continue
        found.append((member, allowed))
        if len(found) == limit:
            break
    return found


def messages(
    ctx: Ctx, member: Member, conversation: Conversation, req: PageRequest
) -> Page[Message]:
    """A page of the conversation, newest page first, messages oldest first within it."""
    stmt = (
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.seq.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in reversed(rows)], total, req.page, req.per_page)


def _mine(member_id: int | ColumnElement[int]):  # type: ignore[no-untyped-def]
    other = case(
        (Conversation.member_lo_id == member_id, Conversation.member_hi_id),
        else_=Conversation.member_lo_id,
    )
    visible = or_(Conversation.member_lo_id == member_id, Conversation.member_hi_id == member_id)
    return other, visible


def _box_filter(member_id: int | ColumnElement[int], box: Box):  # type: ignore[no-untyped-def]
    if box == "requests":
        return and_(Conversation.status == "request", Conversation.requested_by_id != member_id)
    return or_(
        Conversation.status.in_(WRITABLE),
        and_(
            Conversation.status.in_(("request", "declined")),
            Conversation.requested_by_id == member_id,
        ),
    )


@dataclass
class ConversationEntry:
    conversation: Conversation
    other: Member
    last: Message | None
    unread: int


def list_conversations(
    ctx: Ctx, member: Member, req: PageRequest, *, box: Box = "inbox"
) -> Page[ConversationEntry]:
    """Conversations, most recent first: the inbox, or message requests waiting for you."""
    if box not in ("inbox", "requests"):
        raise Invalid("Choose the inbox or requests.", code="invalid_box")
    other_col, visible = _mine(member.id)
    other = aliased(Member)
    stmt = (
        select(Conversation, other)
        .join(other, other.id == other_col)
        .where(
            visible,
            _box_filter(member.id, box),
            _shown(other),
            ~block_exists(member.id, other.id),
        )
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    conversations = [r[0] for r in rows]
    last: dict[int, Message] = {}
    if conversations:
        keys = [(c.id, c.last_seq) for c in conversations]
        found = ctx.session.scalars(
            select(Message).where(
                or_(*(and_(Message.conversation_id == i, Message.seq == s) for i, s in keys))
            )
        )
        last = {m.conversation_id: m for m in found}
    items = [ConversationEntry(c, o, last.get(c.id), c.unread(member.id)) for c, o in rows]
    return Page(items, total, req.page, req.per_page)


def _unread() -> Select[int]:
    """SQL: unread messages of the member ``member_id`` across the inbox, plus message
    requests waiting for their answer."""
    member_id = bindparam("member_id", type_=Conversation.member_lo_id.type)
    other_col, visible = _mine(member_id)
    behind = case(
        (
            Conversation.member_lo_id == member_id,
            Conversation.last_seq - Conversation.lo_read_seq,
        ),
        else_=Conversation.last_seq - Conversation.hi_read_seq,
    )
    return select(func.coalesce(func.sum(behind), 0)).where(
        visible,
        or_(_box_filter(member_id, "inbox"), _box_filter(member_id, "requests")),
        ~block_exists(member_id, other_col),
        exists().where(Member.id == other_col, _shown(Member)),
    )


#: Built once: the header's badge asks it on every page, with the other counts.
UNREAD = _unread()


def unread_count(ctx: Ctx, member: Member) -> int:
    """Unread messages across the inbox, plus message requests waiting for an answer."""
    return int(ctx.session.scalar(UNREAD, {"member_id": member.id}) or 0)


def request_count(ctx: Ctx, member: Member) -> int:
    other_col, visible = _mine(member.id)
    stmt = (
        select(func.count())
        .select_from(Conversation)
        .where(
            visible,
            _box_filter(member.id, "requests"),
            ~block_exists(member.id, other_col),
        )
    )
    return int(ctx.session.scalar(stmt) or 0)


def partner(ctx: Ctx, member: Member, handle: str) -> Member:
    """Whom a conversation page is with: a member ``member`` may see, or a former
    member they had a conversation with (anyone else is ``member_not_found``)."""
    from kith.members.service import view_member

    try:
        return view_member(ctx, member, handle)
    except NotFound:
        former = ctx.session.scalar(
            select(Member).where(Member.handle == handle.lower(), Member.deleted_at.is_not(None))
        )
        if former is None or conversation_between(ctx, member.id, former.id) is None:
            raise
        return former


def forget_sender(ctx: Ctx, member_id: int) -> None:
    """Account deletion: empty every message the member sent, keep the conversations.

    The other side keeps their own messages, has nothing unread from a former
    member, and a message request from them that was never answered leaves the
    recipient's requests (declined: only its sender would ever see it)."""
    ctx.session.execute(update(Message).where(Message.sender_id == member_id).values(body=""))
    ctx.session.execute(
        update(Conversation)
        .where(Conversation.member_lo_id == member_id)
        .values(hi_read_seq=Conversation.last_seq)
    )
    ctx.session.execute(
        update(Conversation)
        .where(Conversation.member_hi_id == member_id)
        .values(lo_read_seq=Conversation.last_seq)
    )
    ctx.session.execute(
        update(Conversation)
        .where(Conversation.requested_by_id == member_id, Conversation.status == "request")
        .values(status="declined")
    )


def conversation_entry(ctx: Ctx, member: Member, conversation: Conversation) -> ConversationEntry:
    """One row of ``member``'s conversation list (the conversation must be theirs)."""
    other = ctx.session.get_one(Member, conversation.other_id(member.id))
    last = ctx.session.scalar(
        select(Message).where(
            Message.conversation_id == conversation.id, Message.seq == conversation.last_seq
        )
    )
    return ConversationEntry(conversation, other, last, conversation.unread(member.id))


def box_of(member: Member, conversation: Conversation) -> Box:
    """Where ``member`` finds the conversation: a request waiting for them, or the inbox."""
    waiting = conversation.status == "request" and conversation.requested_by_id != member.id
    return "requests" if waiting else "inbox"
