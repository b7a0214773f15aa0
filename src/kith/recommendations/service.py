"""Written recommendations: ask for one, write it, answer it.

The rules, each refused with a stable code and a sentence:

- only members who are connected now ask and write (``not_connected``); one open
  request per pair and direction (``recommendation_already_requested``);
- the relationship is one of a fixed list (``invalid_relationship``); the position or
  school is the recipient's own (``position_not_found``);
- a request's message is at most 1,000 characters, a recommendation at most
  ``KITH_RECOMMENDATION_MAX_LENGTH`` (``recommendation_too_long``), a revision note
  at most 1,000; no NUL characters (``invalid_text``); sending needs text
  (``recommendation_empty``);
- anything the caller may not see is ``recommendation_not_found``; an action its
  state does not allow is ``recommendation_closed``; only the writer edits it
  (``not_recommendation_author``) and only the recipient answers it
  (``not_recommendation_recipient``).

A decline is silent: the writer reads a declined recommendation exactly as one still
waiting (:mod:`kith.recommendations.states`), and can edit or withdraw it as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from kith.connections.queries import blocked_between, connection_between, lock_members
from kith.errors import Conflict, Forbidden, Invalid, NotFound
from kith.members.service import view_member
from kith.models import (
    RECOMMENDATION_RELATIONSHIPS,
    Education,
    Member,
    Notification,
    Position,
    Recommendation,
)
from kith.notifications.service import notify
from kith.recommendations.states import GONE_FOR_RECIPIENT, GONE_FOR_WRITER
from kith.recommendations.visibility import shown
from kith.uow import Ctx
from kith.web.params import id_in_range

__all__ = [
    "MESSAGE_MAX",
    "NOT_FOUND",
    "About",
    "accept",
    "ask_revision",
    "decline",
    "edit",
    "find",
    "request",
    "set_hidden",
    "withdraw",
    "write",
]

MESSAGE_MAX = 1000
NOT_FOUND = "There is no such recommendation."
RELATION_REFUSAL = (
    "Choose how you know each other: managed_directly, same_team, reported_to, client, "
    "studied_together or mentored."
)


@dataclass(frozen=True, slots=True)
class About:
    """Which of the recipient's positions or schools a recommendation is about."""

    position_id: int | None = None
    education_id: int | None = None


# -- checks --------------------------------------------------------------------------


def _text(value: str, most: int, what: str, *, code: str) -> str:
    if "\x00" in value:
        raise Invalid("Text may not contain a NUL character (\\u0000).", code="invalid_text")
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(value) > most:
        raise Invalid(
            f"{what} can be at most {most:,} characters; this one has {len(value):,}.",
            code=code,
        )
    return value


def check_body(ctx: Ctx, body: str) -> str:
    """A recommendation's text as stored."""
    most = ctx.settings.recommendation_max_length
    return _text(body, most, "A recommendation", code="recommendation_too_long")


def check_message(message: str) -> str:
    return _text(message, MESSAGE_MAX, "A message", code="message_too_long")


def check_relation(relation: str) -> str:
    if relation not in RECOMMENDATION_RELATIONSHIPS:
        raise Invalid(RELATION_REFUSAL, code="invalid_relationship")
    return relation


def check_about(ctx: Ctx, recipient: Member, about: About) -> About:
    """``about`` when it names one of ``recipient``'s own positions or schools."""
    if about.position_id is not None and about.education_id is not None:
        raise Invalid("Choose one position or one school, not both.", code="position_not_found")
    if about.position_id is None and about.education_id is None:
        return about
    row: Position | Education | None
    if about.position_id is not None:
        ok = id_in_range(about.position_id)
        row = ctx.session.get(Position, about.position_id) if ok else None
    else:
        ok = about.education_id is not None and id_in_range(about.education_id)
        row = ctx.session.get(Education, about.education_id) if ok else None
    if row is None or row.member_id != recipient.id:
        raise NotFound(
            f"That is not one of {recipient.first_name}'s positions or schools; choose one "
            "from the profile.",
            code="position_not_found",
        )
    return about


def _connected(ctx: Ctx, me: Member, other: Member) -> None:
    if me.id == other.id:
        raise Invalid("You cannot recommend yourself.", code="not_connected")
    if connection_between(ctx.session, me.id, other.id) is None:
        raise NotFound(
            f"You are not connected to {other.name}: only connections ask for and write "
            "recommendations.",
            code="not_connected",
        )


# -- finding -------------------------------------------------------------------------


def _not_found() -> NotFound:
    return NotFound(NOT_FOUND, code="recommendation_not_found")


def may_see(ctx: Ctx, viewer: Member, rec: Recommendation) -> bool:
    """Whether ``viewer`` may see ``rec`` at all (as its writer, its recipient, or a
    reader of a profile it is shown on)."""
    if viewer.id in (rec.author_id, rec.recipient_id):
        if blocked_between(ctx.session, rec.author_id, rec.recipient_id):
            return False
        if viewer.id == rec.author_id:
            return rec.status not in GONE_FOR_WRITER
        if rec.status in GONE_FOR_RECIPIENT:
            return False
        return rec.asked or rec.status not in ("requested", "draft", "dismissed")
    if blocked_between(ctx.session, viewer.id, rec.author_id) or blocked_between(
        ctx.session, viewer.id, rec.recipient_id
    ):
        return False
    return bool(
        ctx.session.scalar(select(Recommendation.id).where(Recommendation.id == rec.id, shown()))
    )


def find(ctx: Ctx, viewer: Member, rec_id: int, *, lock: bool = False) -> Recommendation:
    """The recommendation ``viewer`` may see, else ``recommendation_not_found``."""
    if not id_in_range(rec_id):
        raise _not_found()
    rec = ctx.session.get(Recommendation, rec_id, with_for_update=lock or None)
    if rec is None or not may_see(ctx, viewer, rec):
        raise _not_found()
    return rec


def _as_writer(ctx: Ctx, writer: Member, rec_id: int) -> Recommendation:
    rec = find(ctx, writer, rec_id, lock=True)
    if rec.author_id != writer.id:
        raise Forbidden(
            "Only the writer of a recommendation can change it.", code="not_recommendation_author"
        )
    return rec


def _as_recipient(ctx: Ctx, recipient: Member, rec_id: int) -> Recommendation:
    rec = find(ctx, recipient, rec_id, lock=True)
    if rec.recipient_id != recipient.id:
        raise Forbidden(
            "Only the member a recommendation is about can answer it.",
            code="not_recommendation_recipient",
        )
    return rec


def _closed(sentence: str) -> Conflict:
    return Conflict(sentence, code="recommendation_closed")


# -- asking and writing --------------------------------------------------------------

_OPEN_FOR_ASKER = ("requested", "draft", "dismissed", "pending", "revision")
# What reads open to the writer: a declined one reads pending.
_OPEN_FOR_WRITER = ("requested", "draft", "revision", "pending", "declined")


def _open_between(ctx: Ctx, author: Member, recipient: Member, statuses: tuple[str, ...]) -> bool:
    return (
        ctx.session.scalar(
            select(Recommendation.id)
            .where(
                Recommendation.author_id == author.id,
                Recommendation.recipient_id == recipient.id,
                Recommendation.status.in_(statuses),
            )
            .limit(1)
        )
        is not None
    )


def request(
    ctx: Ctx,
    asker: Member,
    writer_handle: str,
    relation: str,
    about: About = About(),
    message: str = "",
    *,
    source_text: str = "",
    source_date: date | None = None,
) -> Recommendation:
    """``asker`` asks a connection for a recommendation about one of their own
    positions or schools. ``source_text`` and ``source_date``: one the writer wrote on
    LinkedIn, offered to them to confirm."""
    writer = view_member(ctx, asker, writer_handle)
    relation = check_relation(relation)
    message = check_message(message)
    _connected(ctx, asker, writer)
    about = check_about(ctx, asker, about)
    lock_members(ctx.session, asker.id, writer.id)
    if _open_between(ctx, writer, asker, _OPEN_FOR_ASKER):
        raise Conflict(
            f"You have already asked {writer.name} for a recommendation; it is in your "
            "sent requests.",
            code="recommendation_already_requested",
        )
    rec = Recommendation(
        author_id=writer.id,
        recipient_id=asker.id,
        asked=True,
        relation=relation,
        position_id=about.position_id,
        education_id=about.education_id,
        message=message,
        body=check_body(ctx, source_text) if source_text else "",
        revision_note="",
        status="requested",
        hidden=False,
        source="linkedin" if source_text else "",
        source_date=source_date,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(rec)
    ctx.session.flush()
    notify(ctx, writer.id, "recommendation_requested", actor_id=asker.id, recommendation_id=rec.id)
    return rec


def write(
    ctx: Ctx,
    writer: Member,
    recipient_handle: str,
    relation: str,
    body: str,
    about: About = About(),
    *,
    send: bool = True,
) -> Recommendation:
    """``writer`` writes a recommendation for a connection who did not ask: sent
    (waiting for their approval) or kept as a draft."""
    recipient = view_member(ctx, writer, recipient_handle)
    relation = check_relation(relation)
    body = check_body(ctx, body)
    _connected(ctx, writer, recipient)
    about = check_about(ctx, recipient, about)
    if send and not body:
        raise Invalid("Write the recommendation before sending it.", code="recommendation_empty")
    lock_members(ctx.session, writer.id, recipient.id)
    if _open_between(ctx, writer, recipient, _OPEN_FOR_WRITER):
        raise Conflict(
            f"You already have a recommendation for {recipient.name} in progress; open it "
            "from your recommendations.",
            code="recommendation_already_requested",
        )
    now = ctx.clock.now()
    rec = Recommendation(
        author_id=writer.id,
        recipient_id=recipient.id,
        asked=False,
        relation=relation,
        position_id=about.position_id,
        education_id=about.education_id,
        message="",
        body=body,
        revision_note="",
        status="pending" if send else "draft",
        hidden=False,
        source="",
        created_at=now,
        written_at=now,
    )
    ctx.session.add(rec)
    ctx.session.flush()
    if send:
        notify(
            ctx,
            recipient.id,
            "recommendation_written",
            actor_id=writer.id,
            recommendation_id=rec.id,
        )
    return rec


def edit(
    ctx: Ctx,
    writer: Member,
    rec_id: int,
    *,
    body: str | None = None,
    relation: str | None = None,
    send: bool = True,
) -> Recommendation:
    """The writer writes, edits or sends their recommendation.

    A request or a draft becomes a draft (``send=False``) or is sent; a sent one stays
    waiting; an accepted one that is edited waits for the recipient's approval again.
    A declined one behaves exactly as one waiting, and nobody is told."""
    rec = _as_writer(ctx, writer, rec_id)
    new_body = rec.body if body is None else check_body(ctx, body)
    new_relation = rec.relation if relation is None else check_relation(relation)
    before = rec.status
    if not send and before in ("pending", "declined", "accepted"):
        raise _closed("A sent recommendation cannot go back to being a draft; edit and send it.")
    _connected(ctx, writer, rec.recipient)
    if send and not new_body:
        raise Invalid("Write the recommendation before sending it.", code="recommendation_empty")
    rec.body, rec.relation = new_body, new_relation
    rec.written_at = ctx.clock.now()
    if not send:
        rec.status = "draft"
        ctx.session.flush()
        return rec
    if before != "declined":
        rec.status = "pending"
        kind = (
            "recommendation_written"
            if before in ("requested", "draft")
            else "recommendation_revised"
        )
        ctx.session.execute(
            delete(Notification).where(
                Notification.recommendation_id == rec.id,
                Notification.member_id == rec.recipient_id,
                Notification.read_at.is_(None),
            )
        )
        notify(ctx, rec.recipient_id, kind, actor_id=writer.id, recommendation_id=rec.id)
    ctx.session.flush()
    return rec


# -- answering -----------------------------------------------------------------------


def accept(ctx: Ctx, recipient: Member, rec_id: int) -> Recommendation:
    """The recipient accepts it: it shows on both profiles while the two are connected."""
    rec = _as_recipient(ctx, recipient, rec_id)
    if rec.status != "pending":
        raise _closed("Only a recommendation waiting for your approval can be accepted.")
    rec.status = "accepted"
    rec.hidden = False
    rec.revision_note = ""
    rec.accepted_at = ctx.clock.now()
    ctx.session.flush()
    notify(
        ctx,
        rec.author_id,
        "recommendation_accepted",
        actor_id=recipient.id,
        recommendation_id=rec.id,
    )
    return rec


def ask_revision(ctx: Ctx, recipient: Member, rec_id: int, note: str) -> Recommendation:
    """The recipient asks the writer to change it, saying what."""
    rec = _as_recipient(ctx, recipient, rec_id)
    note = _text(note, MESSAGE_MAX, "A note", code="message_too_long")
    if not note:
        raise Invalid("Say what you would like changed.", code="note_empty")
    if rec.status != "pending":
        raise _closed("Only a recommendation waiting for your approval can be sent back.")
    rec.status = "revision"
    rec.revision_note = note
    ctx.session.flush()
    notify(
        ctx,
        rec.author_id,
        "recommendation_revision",
        actor_id=recipient.id,
        recommendation_id=rec.id,
    )
    return rec


def decline(ctx: Ctx, recipient: Member, rec_id: int) -> None:
    """The recipient declines it, silently: the writer still reads it as sent, and
    nobody is told."""
    rec = _as_recipient(ctx, recipient, rec_id)
    if rec.status != "pending":
        raise _closed("Only a recommendation waiting for your approval can be declined.")
    rec.status = "declined"
    ctx.session.execute(
        delete(Notification).where(
            Notification.recommendation_id == rec.id, Notification.member_id == recipient.id
        )
    )
    ctx.session.flush()


def set_hidden(ctx: Ctx, recipient: Member, rec_id: int, hidden: bool) -> Recommendation:
    """The recipient hides an accepted recommendation from their profile, or shows it
    again."""
    rec = _as_recipient(ctx, recipient, rec_id)
    if rec.status != "accepted":
        raise _closed("Only an accepted recommendation can be hidden or shown.")
    rec.hidden = hidden
    ctx.session.flush()
    return rec


def withdraw(ctx: Ctx, member: Member, rec_id: int) -> None:
    """The writer takes their recommendation back (a request they set aside still
    reads as asked to the one who asked), or the one who asked takes back a request
    not yet answered."""
    rec = find(ctx, member, rec_id, lock=True)
    if member.id == rec.author_id:
        unwritten = rec.status in ("requested", "draft")
        rec.status = "dismissed" if unwritten and rec.asked else "withdrawn"
        other = rec.recipient_id
    else:
        if member.id != rec.recipient_id:
            raise _not_found()
        if rec.status not in ("requested", "draft", "dismissed"):
            raise _closed("Only a request that has not been answered can be withdrawn.")
        rec.status = "withdrawn"
        other = rec.author_id
    # What either side was told about it goes with it (the one who asked keeps theirs
    # while a request set aside still reads as asked to them).
    told = [member.id, other] if rec.status == "withdrawn" else [member.id]
    ctx.session.execute(
        delete(Notification).where(
            Notification.recommendation_id == rec.id, Notification.member_id.in_(told)
        )
    )
    ctx.session.flush()
