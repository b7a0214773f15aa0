"""Sending the outbox: claim due mails, send them, record the outcome.

Claiming is a short write transaction that marks up to ``mail_batch`` due rows as
claimed until ``mail_claim_seconds`` from now: on PostgreSQL the rows are chosen
with ``SELECT ... FOR UPDATE SKIP LOCKED``, so two workers never pick the same row;
on SQLite a write transaction runs alone (``BEGIN IMMEDIATE``), so the claim is made
by a single writer. Mail is sent outside every transaction; a failure (the server
down, refusing, timing out) schedules the next try after a doubling wait
(``mail_retry_seconds`` up to ``mail_retry_max_seconds``); after
``mail_max_attempts`` the mail is marked ``failed``. A worker that dies after
claiming leaves rows that another worker claims when the claim lapses.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol, TextIO

from sqlalchemy import or_, select, update

from kith.config import Settings
from kith.models import MailOutbox, Member
from kith.uow import Ctx

log = logging.getLogger("kith.mail")


class Units(Protocol):
    settings: Settings

    def uow(self, *, write: bool = True) -> AbstractContextManager[Ctx]: ...


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    to_address: str
    subject: str
    text_body: str
    html_body: str
    unsubscribe_url: str
    message_id: str
    created_at: datetime


def build_message(settings: Settings, mail: Claimed) -> EmailMessage:
    """The MIME message: plain text and HTML as ``multipart/alternative``, with the
    one-click unsubscribe headers (RFC 8058) when the mail has them."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id
    if mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    return message


class Transport(Protocol):
    """Where mail goes: opened once per batch, then one ``send`` per mail."""

    def open(self) -> None: ...

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """An SMTP server (``KITH_SMTP_*``): TLS from the start, or STARTTLS, or neither."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.smtp_tls:
            smtp = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=context
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            if s.smtp_starttls:
                smtp.starttls(context=context)
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
        self._smtp = smtp

    def send(self, message: EmailMessage) -> None:
        assert self._smtp is not None
        self._smtp.send_message(message)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class ConsoleTransport:
    """Development without a mail server: each mail's headers and text part, printed."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def open(self) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        text = message.get_body(preferencelist=("plain",))
        body = text.get_content() if text is not None else ""
        heads = "".join(f"{k}: {v}\n" for k, v in message.items() if k != "Content-Type")
        self.stream.write(f"\n----- mail -----\n{heads}\n{body}----- end of mail -----\n")
        self.stream.flush()

    def close(self) -> None:
        return None


def transport_for(settings: Settings) -> Transport:
    return SmtpTransport(settings) if settings.smtp_host else ConsoleTransport()


def _due(now: datetime) -> list[object]:
    return [
        MailOutbox.status == "pending",
        MailOutbox.next_attempt_at <= now,
        or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until <= now),
    ]


def claim(ctx: Ctx, limit: int) -> list[Claimed]:
    """Claim up to ``limit`` due mails for this worker (see the module's text). Mail
    to a member who is gone is dropped instead."""
    now = ctx.clock.now()
    stmt = (
        select(MailOutbox)
        .where(*_due(now))  # type: ignore[arg-type]
        .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
        .limit(limit)
    )
    if ctx.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list(ctx.session.scalars(stmt))
    if not rows:
        return []
    member_ids = {r.member_id for r in rows if r.member_id is not None}
    active = set(
        ctx.session.scalars(
            select(Member.id).where(Member.id.in_(member_ids), Member.is_active.is_(True))
        )
    )
    until = now + timedelta(seconds=ctx.settings.mail_claim_seconds)
    claimed = []
    for row in rows:
        if row.member_id is not None and row.member_id not in active:
            row.status = "dropped"
            continue
        row.claimed_until = until
        claimed.append(
            Claimed(
                row.id,
                row.attempts,
                row.to_address,
                row.subject,
                row.text_body,
                row.html_body,
                row.unsubscribe_url,
                row.message_id,
                row.created_at,
            )
        )
    ctx.session.flush()
    return claimed


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: doubling, capped."""
    seconds = settings.mail_retry_seconds * 2 ** min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(seconds, settings.mail_retry_max_seconds))


def record_sent(ctx: Ctx, mail_id: int) -> None:
    ctx.session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == mail_id)
        .values(status="sent", sent_at=ctx.clock.now(), claimed_until=None, last_error="")
    )


def record_failure(ctx: Ctx, mail: Claimed, error: str) -> None:
    attempts = mail.attempts + 1
    gave_up = attempts >= ctx.settings.mail_max_attempts
    ctx.session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == mail.id)
        .values(
            attempts=attempts,
            status="failed" if gave_up else "pending",
            next_attempt_at=ctx.clock.now() + retry_delay(ctx.settings, attempts),
            claimed_until=None,
            last_error=error[:500],
        )
    )


def _deliver(units: Units, transport: Transport, batch: Sequence[Claimed]) -> tuple[int, int]:
    sent = failed = 0
    try:
        transport.open()
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("the mail server cannot be reached (%s); %d mails wait", exc, len(batch))
        with units.uow() as ctx:
            for mail in batch:
                record_failure(ctx, mail, f"connect: {exc}")
        return 0, len(batch)
    try:
        for mail in batch:
            try:
                transport.send(build_message(units.settings, mail))
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                log.warning("mail %d was not sent (%s); it will be tried again", mail.id, exc)
                with units.uow() as ctx:
                    record_failure(ctx, mail, str(exc))
                failed += 1
                continue
            with units.uow() as ctx:
                record_sent(ctx, mail.id)
            sent += 1
    finally:
        transport.close()
    return sent, failed


def send_due(units: Units, transport: Transport) -> tuple[int, int]:
    """Send every mail due now, batch by batch: (sent, failed) counts."""
    sent = failed = 0
    while True:
        with units.uow() as ctx:
            batch = claim(ctx, ctx.settings.mail_batch)
        if not batch:
            return sent, failed
        done, refused = _deliver(units, transport, batch)
        sent, failed = sent + done, failed + refused
        if refused:  # the server is struggling: the rest waits for the next round
            return sent, failed
