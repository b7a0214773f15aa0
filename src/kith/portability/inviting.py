"""Inviting the members an import found: who can be invited now, and the invitations
themselves (each under the usual invitation rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, or_, select

from kith.clock import day_text
from kith.connections.queries import (
    invitations_sent_since,
    lock_members,
    reads_pending_to_sender,
)
from kith.connections.service import policy_refusal, send_invitation
from kith.errors import Invalid, KithError, LimitReached, NotFound
from kith.idlists import id_in
from kith.models import OPEN_STATUSES, Block, Contact, Invitation, Member
from kith.pagination import Page, PageRequest, paginate_rows
from kith.portability.reports import CONFIDENCE, HOW, ImportReport, get_import, report_of
from kith.uow import Ctx

__all__ = [
    "INVITE_BATCH_MAX",
    "ImportedMatch",
    "InviteOutcome",
    "imported_matches",
    "invitation_context",
    "invitations_left",
    "invite_matches",
]

INVITE_BATCH_MAX = 500  # people invited from a report at once (pages, API, CLI)


@dataclass(frozen=True, slots=True)
class ImportedMatch:
    """A private contact recognised as a member, and where the owner stands with them.

    ``state``: ``invite`` (can be invited now), ``pending`` (the owner's invitation is
    waiting), ``invited_you`` (they invited the owner: accept it on their profile) or
    ``refused`` (``detail`` says why an invitation would be refused).
    """

    contact: Contact
    member: Member
    state: str
    detail: str = ""

    @property
    def confidence(self) -> str:
        return CONFIDENCE.get(self.contact.match or "", "")

    @property
    def how(self) -> str:
        return HOW.get(self.contact.match or "", "")

    @property
    def context(self) -> str:
        return invitation_context(self.contact)


def invitation_context(contact: Contact) -> str:
    """The "how do you know each other" an invitation from an import carries."""
    if contact.connected_elsewhere_on is not None:
        return f"Connected on LinkedIn since {day_text(contact.connected_elsewhere_on)}"
    return "From LinkedIn"


def imported_matches(
    ctx: Ctx,
    owner: Member,
    req: PageRequest,
    *,
    import_id: int | None = None,
    report: ImportReport | None = None,
) -> Page[ImportedMatch]:
    """The owner's private contacts that are members (surest first, then by name), each
    with whether an invitation can go to them now. ``import_id`` keeps those of one run
    (``report``, that run's report when the caller has already read it)."""
    blocked = select(Block.blocked_id).where(
        Block.blocker_id == owner.id, Block.unblocked_at.is_(None)
    )
    blocking = select(Block.blocker_id).where(
        Block.blocked_id == owner.id, Block.unblocked_at.is_(None)
    )
    stmt = (
        select(Contact, Member)
        .join(Member, Member.id == Contact.matched_member_id)
        .where(
            Contact.owner_id == owner.id,
            Contact.other_id.is_(None),
            Member.is_active.is_(True),
            Member.id.not_in(blocked),
            Member.id.not_in(blocking),
        )
    )
    if import_id is not None:
        if report is None or report.id != import_id:
            report = report_of(get_import(ctx, owner, import_id))
        ids = [r.contact_id for r in report.rows if r.contact_id is not None]
        stmt = stmt.where(id_in(ctx, Contact.id, ids))  # up to a whole export's rows
    order = case(
        {"url": 0, "email": 0, "handle": 1, "name_company": 1}, value=Contact.match, else_=2
    )
    stmt = stmt.order_by(order, Member.last_name, Member.first_name, Contact.id)
    rows, total = paginate_rows(ctx.session, stmt, req)
    members = [m for _, m in rows]
    open_from_me: set[int] = set()
    open_to_me: set[int] = set()
    if members:
        ids = [m.id for m in members]
        cutoff = ctx.clock.now() - timedelta(days=ctx.settings.invitation_expiry_days)
        for sender, recipient in ctx.session.execute(
            select(Invitation.sender_id, Invitation.recipient_id).where(
                or_(
                    (Invitation.sender_id == owner.id)
                    & Invitation.recipient_id.in_(ids)
                    & reads_pending_to_sender(cutoff),
                    (Invitation.recipient_id == owner.id)
                    & Invitation.sender_id.in_(ids)
                    & Invitation.status.in_(OPEN_STATUSES)
                    & (Invitation.created_at > cutoff),
                ),
            )
        ):
            (open_from_me if sender == owner.id else open_to_me).add(
                int(recipient if sender == owner.id else sender)
            )
    items = []
    for contact, member in rows:
        if member.id in open_from_me:
            items.append(ImportedMatch(contact, member, "pending"))
        elif member.id in open_to_me:
            items.append(ImportedMatch(contact, member, "invited_you"))
        else:
            refusal = policy_refusal(ctx, owner, member, contact.email or None)
            if refusal is None:
                items.append(ImportedMatch(contact, member, "invite"))
            else:
                items.append(ImportedMatch(contact, member, "refused", refusal.message))
    return Page(items, total, req.page, req.per_page)


@dataclass(frozen=True, slots=True)
class InviteOutcome:
    """``status``: ``sent``, ``connected`` (they had invited the owner: now connected)
    or ``refused`` (``detail`` is the reason, as the invitation rules say it)."""

    contact_id: int
    name: str
    handle: str
    status: str
    detail: str = ""


def invite_matches(ctx: Ctx, owner: Member, contact_ids: Sequence[int]) -> list[InviteOutcome]:
    """Invite the members behind these private contacts, in order, each with the
    context "Connected on LinkedIn since …". Every invitation follows the usual rules;
    a refusal is reported and the rest go on, except the weekly limit, which stops the
    remaining ones (reported as not sent, with the date more can be sent)."""
    wanted = list(dict.fromkeys(contact_ids))
    if not wanted:
        return []
    if len(wanted) > INVITE_BATCH_MAX:
        raise Invalid(
            f"Invite at most {INVITE_BATCH_MAX} people at a time "
            f"(you chose {len(wanted):,}); you can send "
            f"{ctx.settings.invitations_per_week} a week.",
            code="too_many_selected",
        )
    found = {
        c.id: (c, m)
        for c, m in ctx.session.execute(
            select(Contact, Member)
            .join(Member, Member.id == Contact.matched_member_id)
            .where(Contact.owner_id == owner.id, Contact.id.in_(wanted))
        )
    }
    # Every row lock up front, in id order (invitation by invitation they would be
    # taken in the order chosen, and could cross another action's locks).
    lock_members(ctx.session, owner.id, *(m.id for _, m in found.values()))
    out: list[InviteOutcome] = []
    stop: LimitReached | None = None
    for cid in wanted:
        if cid not in found:
            raise NotFound("There is no such contact.", code="contact_not_found")
        contact, member = found[cid]
        if stop is not None:
            out.append(InviteOutcome(cid, member.name, member.handle, "refused", stop.message))
            continue
        try:
            with ctx.session.begin_nested():
                result = send_invitation(
                    ctx,
                    owner,
                    member,
                    context=invitation_context(contact),
                    email=contact.email or None,
                )
        except LimitReached as exc:
            stop = exc
            out.append(InviteOutcome(cid, member.name, member.handle, "refused", exc.message))
            continue
        except KithError as exc:
            out.append(InviteOutcome(cid, member.name, member.handle, "refused", exc.message))
            continue
        status = "connected" if result.connection is not None else "sent"
        out.append(InviteOutcome(cid, member.name, member.handle, status))
    return out


def invitations_left(ctx: Ctx, owner: Member) -> int:
    """How many more invitations ``owner`` may send in the current rolling week."""
    s = ctx.settings
    since = ctx.clock.now() - timedelta(days=s.invitation_window_days)
    return max(0, s.invitations_per_week - invitations_sent_since(ctx.session, owner.id, since))
