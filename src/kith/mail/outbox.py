"""Writing mail: a row of ``mail_outbox`` in the same transaction as the action.

The worker (:mod:`kith.mail.sender`) sends it later, with retries; nothing here
talks to a mail server, so an action never waits for one and never fails because
one is down.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from kith.mail.preferences import CATEGORIES, UNSUBSCRIBE_WHAT, unsubscribe_token
from kith.mail.render import render_mail
from kith.models import MailOutbox
from kith.uow import Ctx

#: Where a runtime keeps its running mail worker (``Kith.services``), to wake it.
WORKER = "mail_worker"


def absolute(ctx: Ctx, path: str) -> str:
    """``path`` on this community's site (``KITH_BASE_URL``)."""
    return ctx.settings.base_url.rstrip("/") + path


def _message_id(ctx: Ctx) -> str:
    host = urlsplit(ctx.settings.base_url).hostname or "kith.invalid"
    return f"<{uuid.uuid4().hex}@{host}>"


def _wake_worker(ctx: Ctx) -> None:
    worker = ctx.kept.get(WORKER)
    wake = getattr(worker, "wake", None)
    if wake is not None:
        ctx.on_commit(wake)


def enqueue(
    ctx: Ctx,
    kind: str,
    *,
    to: str,
    context: dict[str, Any],
    member_id: int | None = None,
    category: str | None = None,
    ref: str = "",
) -> MailOutbox:
    """Write the mail ``kind`` (its template, rendered with ``context``) to ``to``.

    A mail of a ``category`` (notifications, the digest) carries a one-click
    unsubscribe link for it (RFC 8058)."""
    page_url = header_url = ""
    if category is not None:
        assert category in CATEGORIES, category
        assert member_id is not None
        token = unsubscribe_token(ctx, member_id, category)
        page_url = absolute(ctx, f"/unsubscribe/{token}")
        header_url = absolute(ctx, f"/api/v1/unsubscribe/{token}")
    full = {
        "community": ctx.settings.community_name,
        "base_url": ctx.settings.base_url.rstrip("/"),
        "unsubscribe_url": page_url,
        "unsubscribe_what": UNSUBSCRIBE_WHAT.get(category or "", ""),
        **context,
    }
    mail = render_mail(kind, full)
    now = ctx.clock.now()
    row = MailOutbox(
        member_id=member_id,
        kind=kind,
        to_address=to,
        subject=mail.subject[:300],
        text_body=mail.text,
        html_body=mail.html,
        unsubscribe_url=header_url,
        message_id=_message_id(ctx),
        ref=ref[:80],
        status="pending",
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    _wake_worker(ctx)
    return row


def enqueue_request(ctx: Ctx, kind: str, *, to: str) -> MailOutbox:
    """Write a request for a mail that the worker prepares (a password reset: the
    same row whether or not an account has the address ``to``)."""
    now = ctx.clock.now()
    row = MailOutbox(
        member_id=None,
        kind=kind,
        to_address=to,
        subject="",
        text_body="",
        html_body="",
        unsubscribe_url="",
        message_id=_message_id(ctx),
        ref="",
        status="request",
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    _wake_worker(ctx)
    return row


def fill(ctx: Ctx, row: MailOutbox, *, member_id: int, context: dict[str, Any]) -> None:
    """Turn a request row into the mail ``row.kind`` for ``member_id``, ready to send."""
    full = {
        "community": ctx.settings.community_name,
        "base_url": ctx.settings.base_url.rstrip("/"),
        "unsubscribe_url": "",
        "unsubscribe_what": "",
        **context,
    }
    mail = render_mail(row.kind, full)
    row.member_id = member_id
    row.subject = mail.subject[:300]
    row.text_body = mail.text
    row.html_body = mail.html
    row.status = "pending"
    row.next_attempt_at = ctx.clock.now()
