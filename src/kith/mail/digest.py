"""The weekly digest: who is due to reconnect, moments among one's connections
(work anniversaries, new positions) and invitations waiting, mailed every
``digest_days`` to each member who wants it (verified address, digest on).

The worker calls :func:`send_due_digests` every ``digest_check_minutes``. Each
member's digest is written in its own transaction with the member's
``digest_sent_at``, so two workers, or a worker that stops half-way, send each digest
once. A week with nothing to tell sends nothing (and waits another week).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select

from kith.clock import as_utc
from kith.config import Settings
from kith.connections.service import pending_received_count
from kith.mail.outbox import absolute, enqueue
from kith.models import MailSettings, Member
from kith.pagination import PageRequest
from kith.relationships.reconnect import due_to_reconnect, moments
from kith.uow import Ctx

LISTED = 5  # people named in each section


class Units(Protocol):
    settings: Settings

    def uow(self, *, write: bool = True) -> AbstractContextManager[Ctx]: ...


def digest_content(ctx: Ctx, member: Member) -> dict[str, Any] | None:
    """What the member's digest says, or None when there is nothing to tell."""
    due = due_to_reconnect(ctx, member, PageRequest(1, LISTED))
    found = moments(ctx, member, limit=LISTED)
    waiting = pending_received_count(ctx, member)
    if not due.total and not found and not waiting:
        return None
    return {
        "name": member.first_name,
        "due": [
            {"name": e.display_name, "overdue_days": e.overdue_days, "tier": e.tier or ""}
            for e in due.items
        ],
        "due_total": due.total,
        "moments": [
            {
                "name": m.member.name,
                "url": absolute(ctx, f"/in/{m.member.handle}"),
                "what": (
                    f"{m.years} year{'s' if m.years != 1 else ''} at {m.company}"
                    if m.kind == "anniversary"
                    else f"started as {m.title} at {m.company}"
                ),
            }
            for m in found
        ],
        "waiting": waiting,
        "reconnect_url": absolute(ctx, "/relationships"),
        "invitations_url": absolute(ctx, "/mynetwork"),
    }


def due_members(ctx: Ctx, limit: int) -> list[int]:
    """Members whose digest is due: verified, digest on, none sent this period."""
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.digest_days)
    return list(
        ctx.session.scalars(
            select(MailSettings.member_id)
            .join(Member, Member.id == MailSettings.member_id)
            .where(
                MailSettings.digest.is_(True),
                MailSettings.email_verified_at.is_not(None),
                or_(MailSettings.digest_sent_at.is_(None), MailSettings.digest_sent_at <= cutoff),
                Member.is_active.is_(True),
            )
            .order_by(MailSettings.member_id)
            .limit(limit)
        )
    )


def send_digest(ctx: Ctx, member_id: int) -> bool:
    """Write the member's digest if it is still due (checked under the row's lock);
    True if a mail was written."""
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.digest_days)
    stmt = select(MailSettings).where(MailSettings.member_id == member_id)
    if ctx.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    row = ctx.session.scalar(stmt)
    if row is None or not row.digest or row.email_verified_at is None:
        return False
    if row.digest_sent_at is not None and as_utc(row.digest_sent_at) > cutoff:
        return False
    member = ctx.session.get(Member, member_id)
    if member is None or not member.is_active:
        return False
    row.digest_sent_at = ctx.clock.now()
    content = digest_content(ctx, member)
    if content is None:
        return False
    enqueue(
        ctx,
        "digest",
        to=member.email,
        member_id=member.id,
        category="digest",
        ref=f"digest:{ctx.clock.now().date().isoformat()}",
        context=content,
    )
    return True


def send_due_digests(units: Units, *, batch: int = 200) -> int:
    """Write every due digest, one member per transaction; returns how many mails."""
    written = 0
    seen: set[int] = set()
    while True:
        with units.uow(write=False) as ctx:
            due = [m for m in due_members(ctx, batch) if m not in seen]
        if not due:
            return written
        for member_id in due:
            seen.add(member_id)
            with units.uow() as ctx:
                written += send_digest(ctx, member_id)
