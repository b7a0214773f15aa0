"""Warm introductions (DESIGN "Introductions"): every rule, one function per action.

Three members take part: the *requester* asks the *intermediary* (their
connection) to introduce them to the *target* (the intermediary's connection). The
intermediary forwards the request with a note of their own or declines silently;
the target accepts (the connection is made, "Introduced by ...") or declines
silently.

Silent means silent. What each member reads of a request is decided in
:mod:`kith.introductions.rules` from what is stored and from the clock only:

- the requester reads "waiting" until the request lapses and then "not forwarded",
  whether the intermediary declined, ignored it, lost a connection to either side, or
  a block between two of the three ended it; once forwarded, "forwarded" and then
  "no reply", whether the target declined, ignored it, said they don't know the
  requester, or never received it;
- the target sees nothing of a request before it is forwarded.

A request whose three members are no longer all there for it (a block between two
of them, a deactivated account, and before forwarding a removed connection with the
intermediary) has *ended*: it leaves the lists of the intermediary and the target and
can no longer be acted on, and to the requester it reads exactly as a silent decline.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update

from kith.clock import day_text
from kith.connections.queries import (
    active_block,
    blocked_between,
    connection_between,
    lock_members,
)
from kith.connections.service import connect_through_introduction, needs_email, policy_refusal
from kith.errors import Conflict, Forbidden, Invalid, LimitReached, NotFound
from kith.introductions.rules import (
    IR,
    OPEN_AFTER,
    OPEN_BEFORE,
    accepts_requests,
    blocked_with,
    ended,
    get,
    intermediary_status,
    lapse,
    not_found,
    opted_out,
    reported_by,
    requester_status,
    set_accepts_requests,
    target_status,
)
from kith.messaging.service import send_message
from kith.models import (
    Connection,
    IntroductionOptOut,
    IntroductionRequest,
    Invitation,
    Member,
    Message,
    Notification,
)
from kith.notifications.service import notify
from kith.relationships.interactions import record_introduction_interaction
from kith.uow import Ctx

# -- asking ----------------------------------------------------------------------------


def _clean(text: str | None, limit: int, code: str, what: str) -> str:
    text = (text or "").strip()
    if "\x00" in text:
        raise Invalid(f"{what} can't contain a NUL character.", code="invalid_text")
    if len(text) > limit:
        raise Invalid(
            f"{what} can be at most {limit:,} characters (yours has {len(text):,}).", code=code
        )
    return text


def _refuse_blocked(ctx: Ctx, requester: Member, other: Member) -> None:
    """As invitations do: a member the requester blocked is named; one who blocked the
    requester does not exist for them."""
    if not blocked_between(ctx.session, requester.id, other.id):
        return
    if active_block(ctx.session, requester.id, other.id) is not None:
        raise Conflict(f"You have blocked {other.name}. Unblock them first.", code="member_blocked")
    raise NotFound("There is no such member.", code="member_not_found")


def open_request_to(ctx: Ctx, requester: Member, target_id: int) -> IntroductionRequest | None:
    """The requester's request that still reads open to them ("waiting" or
    "forwarded") for ``target_id``, as the one to meet or the one to reach in the end."""
    cutoff = ctx.clock.now() - lapse(ctx)
    return ctx.session.scalar(
        select(IR)
        .where(
            IR.requester_id == requester.id,
            or_(IR.target_id == target_id, IR.final_target_id == target_id),
            IR.status.not_in(("accepted", "withdrawn")),
            or_(
                and_(IR.forwarded_at.is_(None), IR.created_at > cutoff),
                IR.forwarded_at > cutoff,
            ),
        )
        .order_by(IR.created_at.desc())
        .limit(1)
    )


def _check_limit(ctx: Ctx, requester: Member, now: datetime) -> None:
    settings = ctx.settings
    window = timedelta(days=settings.introduction_window_days)
    since = now - window
    made, oldest = ctx.session.execute(
        select(func.count(), func.min(IR.created_at)).where(
            IR.requester_id == requester.id, IR.created_at > since
        )
    ).one()
    if made < settings.introductions_per_week:
        return
    free_at = (oldest or now) + window
    retry = max(int((free_at - now).total_seconds()) + 1, 1)
    raise LimitReached(
        f"You have asked for {settings.introductions_per_week} introductions in the last "
        f"{settings.introduction_window_days} days, the most allowed. "
        f"You can ask again from {day_text(free_at)}.",
        code="introduction_limit",
        headers={"Retry-After": str(retry)},
    )


def _check_final(ctx: Ctx, requester: Member, target: Member, final: Member) -> None:
    s = ctx.session
    if (
        final.id in (requester.id, target.id)
        or not final.is_active
        or blocked_between(s, requester.id, final.id)
        or connection_between(s, requester.id, final.id) is not None
        or connection_between(s, target.id, final.id) is None
    ):
        raise Invalid(
            f"{target.name} is not on the way to that member; pick a path from their profile.",
            code="not_on_the_way",
        )


def _check_people(
    ctx: Ctx,
    requester: Member,
    intermediary: Member,
    target: Member,
    final_target: Member | None,
) -> Member | None:
    """Blocks, connections and the intermediary's setting; the final target, if any
    (None when it is the target itself)."""
    _refuse_blocked(ctx, requester, intermediary)
    _refuse_blocked(ctx, requester, target)
    if connection_between(ctx.session, requester.id, target.id) is not None:
        raise Conflict(f"You are already connected to {target.name}.", code="already_connected")
    if (
        connection_between(ctx.session, requester.id, intermediary.id) is None
        or connection_between(ctx.session, intermediary.id, target.id) is None
        or blocked_between(ctx.session, intermediary.id, target.id)
    ):
        raise Forbidden(
            f"{intermediary.name} can introduce you to {target.name} only while connected "
            "to both of you.",
            code="not_an_intermediary",
        )
    if final_target is not None and final_target.id == target.id:
        final_target = None
    if final_target is not None:
        _refuse_blocked(ctx, requester, final_target)
        _check_final(ctx, requester, target, final_target)
    if not accepts_requests(ctx, intermediary):
        raise Forbidden(
            f"{intermediary.name} doesn't take introduction requests.", code="introductions_off"
        )
    return final_target


def _check_open(ctx: Ctx, requester: Member, target: Member, final_target: Member | None) -> None:
    """One open request per member to meet (or to reach in the end)."""
    for wanted in {target.id, final_target.id if final_target else target.id}:
        mine = open_request_to(ctx, requester, wanted)
        if mine is not None:
            raise Conflict(
                f"You asked {mine.intermediary.name} for this introduction on "
                f"{day_text(mine.created_at)}; that request is still open.",
                code="introduction_pending",
            )


def _check_email(ctx: Ctx, requester: Member, target: Member, email: str | None) -> None:
    """The target's "who can invite me": a shared connection is what an introduction
    is; an email address must be supplied as with an invitation (also by a requester
    restricted after "I don't know this person" reports)."""
    if not needs_email(ctx, requester, target):
        return
    refusal = policy_refusal(ctx, requester, target, email, mutual=1)
    if refusal is None and not email:
        refusal = Forbidden(
            "Several members recently said they don't know you. For now you need to "
            "enter the email address of the member you want to meet.",
            code="email_required",
        )
    elif refusal is None and (email or "").strip().lower() != target.email:
        refusal = Forbidden(f"That is not {target.name}'s email address.", code="email_mismatch")
    if refusal is not None:
        raise refusal


def ask(
    ctx: Ctx,
    requester: Member,
    intermediary: Member,
    target: Member,
    *,
    final_target: Member | None = None,
    note: str = "",
    message: str = "",
    email: str | None = None,
) -> IntroductionRequest:
    """Ask ``intermediary`` to introduce ``requester`` to ``target`` (and, for a
    3rd-degree member, on towards ``final_target``). Every refusal names its reason
    (docs/api.md)."""
    settings = ctx.settings
    now = ctx.clock.now()
    note = _clean(note, settings.introduction_note_max, "note_too_long", "A note")
    message = _clean(message, settings.invitation_note_max, "note_too_long", "A message")
    if target.id == requester.id:
        raise Invalid("You can't ask to be introduced to yourself.", code="self_introduction")
    if intermediary.id in (requester.id, target.id):
        raise Invalid("Ask someone you both know to introduce you.", code="not_an_intermediary")
    for member in (intermediary, target, final_target):
        if member is not None and not member.is_active:
            raise NotFound("There is no such member.", code="member_not_found")
    lock_members(ctx.session, requester.id, intermediary.id, target.id)
    final_target = _check_people(ctx, requester, intermediary, target, final_target)
    _check_open(ctx, requester, target, final_target)
    _check_email(ctx, requester, target, email)
    _check_limit(ctx, requester, now)
    req = IntroductionRequest(
        requester_id=requester.id,
        intermediary_id=intermediary.id,
        target_id=target.id,
        final_target_id=final_target.id if final_target else None,
        note=note,
        message=message,
        forward_note="",
        status="pending",
        created_at=now,
    )
    ctx.session.add(req)
    ctx.session.flush()
    notify(
        ctx,
        intermediary.id,
        "introduction_request",
        actor_id=requester.id,
        introduction_id=req.id,
        detail=target.name,
    )
    return req


def withdraw(ctx: Ctx, requester: Member, request_id: int) -> IntroductionRequest:
    """Take back one's own open request (before or after it was forwarded)."""
    req = _mine(ctx, requester, request_id, "requester")
    if req.status == "withdrawn":
        return req
    if requester_status(ctx, req) not in ("waiting", "forwarded"):
        raise Conflict("This introduction request is no longer open.", code="introduction_closed")
    req.status = "withdrawn"
    req.answered_at = ctx.clock.now()
    ctx.session.flush()
    return req


def dismiss_thanks(ctx: Ctx, requester: Member, request_id: int) -> IntroductionRequest:
    """Close the prompt to thank the intermediary of an introduction that connected."""
    req = _mine(ctx, requester, request_id, "requester")
    if req.status != "accepted":
        raise Conflict("This introduction has not led to a connection.", code="introduction_closed")
    if req.thanked_at is None:
        req.thanked_at = ctx.clock.now()
        ctx.session.flush()
    return req


# -- the intermediary ------------------------------------------------------------------


def _mine(ctx: Ctx, member: Member, request_id: int, role: str) -> IntroductionRequest:
    req = get(ctx, request_id)
    if req is None or getattr(req, f"{role}_id") != member.id:
        raise not_found()
    return req


def asked_of(ctx: Ctx, intermediary: Member, request_id: int) -> IntroductionRequest:
    """A request made of ``intermediary`` that they may still see (not ended)."""
    req = _mine(ctx, intermediary, request_id, "intermediary")
    if (
        req.status == "ended"
        or blocked_with(ctx, intermediary.id, req.requester_id, req.target_id)
        or (req.status == "pending" and ended(ctx, req))
    ):
        raise not_found()
    return req


def _open_for_intermediary(ctx: Ctx, intermediary: Member, request_id: int) -> IntroductionRequest:
    req = get(ctx, request_id)
    if req is None or req.intermediary_id != intermediary.id:
        raise not_found()
    lock_members(ctx.session, req.requester_id, req.intermediary_id, req.target_id)
    ctx.session.refresh(req)
    if req.status == "ended":
        raise not_found()
    if req.status == "pending" and ended(ctx, req):
        raise not_found()
    if intermediary_status(ctx, req) != "pending":
        words = {
            "lapsed": "has lapsed",
            "declined": "was declined",
            "withdrawn": "was withdrawn",
            "forwarded": "was already forwarded",
            "connected": "has already led to a connection",
        }
        raise Conflict(
            f"This introduction request {words[intermediary_status(ctx, req)]}.",
            code="introduction_closed",
        )
    return req


def forward(ctx: Ctx, intermediary: Member, request_id: int, note: str = "") -> IntroductionRequest:
    """Forward the request to its target with a note of one's own. The intermediary
    must still be connected to both sides. Counts as an interaction with both in the
    intermediary's private log."""
    note = _clean(note, ctx.settings.introduction_note_max, "note_too_long", "A note")
    req = _open_for_intermediary(ctx, intermediary, request_id)
    now = ctx.clock.now()
    req.forward_note = note
    req.forwarded_at = now
    silenced = reported_by(ctx, req.target_id, req.requester_id)
    req.status = "undelivered" if silenced else "forwarded"
    requester, target = req.requester, req.target
    record_introduction_interaction(
        ctx, intermediary.id, requester.id, now, f"Introduced {requester.name} to {target.name}"
    )
    record_introduction_interaction(
        ctx, intermediary.id, target.id, now, f"Introduced {requester.name} to {target.name}"
    )
    ctx.session.flush()
    if not silenced:
        notify(
            ctx,
            target.id,
            "introduction_received",
            actor_id=intermediary.id,
            introduction_id=req.id,
            detail=requester.name,
        )
    return req


def reply(ctx: Ctx, intermediary: Member, request_id: int, body: str) -> Message:
    """Reply privately to the requester: a message in the conversation between the
    two (the messaging rules apply). The request stays as it is, for the intermediary
    to forward or decline."""
    req = asked_of(ctx, intermediary, request_id)
    return send_message(ctx, intermediary, req.requester, body)


def _answered(
    ctx: Ctx, request_id: int, role: str, member: Member, status: str
) -> IntroductionRequest | None:
    """The request, if ``member`` in ``role`` (``intermediary`` or ``target``) already
    gave it ``status``: answering again changes nothing and reads as the first time."""
    req = get(ctx, request_id)
    done = req is not None and getattr(req, f"{role}_id") == member.id and req.status == status
    return req if done else None


def _answer(ctx: Ctx, req: IntroductionRequest, status: str) -> IntroductionRequest:
    req.status = status
    req.answered_at = ctx.clock.now()
    ctx.session.flush()
    return req


def decline(ctx: Ctx, intermediary: Member, request_id: int) -> IntroductionRequest:
    """Decline silently: the requester reads "waiting" until the request lapses."""
    if (done := _answered(ctx, request_id, "intermediary", intermediary, "declined")) is not None:
        return done
    return _answer(ctx, _open_for_intermediary(ctx, intermediary, request_id), "declined")


# -- the target ------------------------------------------------------------------------


def received(ctx: Ctx, target: Member, request_id: int) -> IntroductionRequest:
    """An introduction forwarded to ``target`` that they may see; any other request,
    as every request before it is forwarded, does not exist for them."""
    req = get(ctx, request_id)
    if (
        req is None
        or req.target_id != target.id
        or req.forwarded_at is None
        or req.status in ("undelivered", "ended", "withdrawn")
        or blocked_with(ctx, target.id, req.requester_id, req.intermediary_id)
        or (req.status == "forwarded" and ended(ctx, req))
    ):
        raise not_found()
    return req


def _open_for_target(ctx: Ctx, target: Member, request_id: int) -> IntroductionRequest:
    req = received(ctx, target, request_id)
    lock_members(ctx.session, req.requester_id, req.intermediary_id, req.target_id)
    ctx.session.refresh(req)
    if req.status in ("undelivered", "ended", "withdrawn") or ended(ctx, req):
        raise not_found()
    if target_status(ctx, req) != "pending":
        words = {"expired": "has expired", "accepted": "was already accepted"}
        raise Conflict(
            f"This introduction {words.get(target_status(ctx, req), 'was declined')}.",
            code="introduction_closed",
        )
    return req


def accept(ctx: Ctx, target: Member, request_id: int) -> Connection:
    """Accept an introduction: the connection is made ("Introduced by ..." on both
    sides); the requester is told and prompted to thank the intermediary."""
    req = get(ctx, request_id)
    if req is not None and req.target_id == target.id and req.status == "accepted":
        found = connection_between(ctx.session, req.requester_id, target.id)
        if found is not None:
            return found
    req = _open_for_target(ctx, target, request_id)
    intermediary, requester = req.intermediary, req.requester
    connection = connect_through_introduction(
        ctx, requester, target, f"Introduced by {intermediary.name}"
    )
    req.status = "accepted"
    req.answered_at = ctx.clock.now()
    ctx.session.flush()
    notify(
        ctx,
        requester.id,
        "introduction_accepted",
        actor_id=target.id,
        introduction_id=req.id,
        detail=intermediary.name,
    )
    notify(
        ctx,
        intermediary.id,
        "introduction_made",
        actor_id=requester.id,
        introduction_id=req.id,
        detail=target.name,
    )
    return connection


def ignore(ctx: Ctx, target: Member, request_id: int) -> IntroductionRequest:
    """Decline silently: the requester reads "forwarded" until it lapses."""
    if (done := _answered(ctx, request_id, "target", target, "ignored")) is not None:
        return done
    return _answer(ctx, _open_for_target(ctx, target, request_id), "ignored")


def report_unknown(ctx: Ctx, target: Member, request_id: int) -> IntroductionRequest:
    """ "I don't know this person", as for invitations: a silent decline after which
    the requester never reaches the target again, and a report that counts towards
    the requester's restriction."""
    if (done := _answered(ctx, request_id, "target", target, "reported")) is not None:
        return done
    req = _answer(ctx, _open_for_target(ctx, target, request_id), "reported")
    now = ctx.clock.now()
    settings = ctx.settings
    since = now - timedelta(days=settings.unknown_reports_window_days)
    invitations = ctx.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.sender_id == req.requester_id, Invitation.reported_at > since)
    )
    introductions = ctx.session.scalar(
        select(func.count())
        .select_from(IR)
        .where(IR.requester_id == req.requester_id, IR.status == "reported", IR.answered_at > since)
    )
    if (invitations or 0) + (introductions or 0) >= settings.unknown_reports_threshold:
        req.requester.invite_restricted_until = now + timedelta(days=settings.restriction_days)
        ctx.session.flush()
    return req


# -- account deletion ------------------------------------------------------------------


def forget_member(ctx: Ctx, member_id: int) -> None:
    """A deleted account: every open request involving the member ends silently (to
    the others it reads as a silent decline), and every request loses its notes."""
    theirs = or_(
        IR.requester_id == member_id,
        IR.intermediary_id == member_id,
        IR.target_id == member_id,
        IR.final_target_id == member_id,
    )
    now = ctx.clock.now()
    ctx.session.execute(
        update(IR)
        .where(theirs, IR.status.in_((*OPEN_BEFORE, *OPEN_AFTER)))
        .values(status="ended", ended_at=now)
    )
    ctx.session.execute(update(IR).where(theirs).values(note="", message="", forward_note=""))
    ctx.session.execute(
        delete(Notification).where(Notification.introduction_id.in_(select(IR.id).where(theirs)))
    )
    ctx.session.execute(delete(IntroductionOptOut).where(IntroductionOptOut.member_id == member_id))


def view(ctx: Ctx, member: Member, request_id: int) -> IntroductionRequest:
    """A request as ``member`` may see it, whichever their part in it."""
    req = get(ctx, request_id)
    if req is None:
        raise not_found()
    if req.requester_id == member.id:
        return req
    if req.intermediary_id == member.id:
        return asked_of(ctx, member, request_id)
    return received(ctx, member, request_id)


__all__ = [
    "accept",
    "accepts_requests",
    "ask",
    "asked_of",
    "decline",
    "dismiss_thanks",
    "forget_member",
    "forward",
    "ignore",
    "intermediary_status",
    "open_request_to",
    "opted_out",
    "received",
    "reply",
    "report_unknown",
    "requester_status",
    "set_accepts_requests",
    "target_status",
    "view",
    "withdraw",
]
