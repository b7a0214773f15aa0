"""Signed tokens for mailed links.

An unsubscribe token is signed (itsdangerous, with ``KITH_SECRET_KEY``) and needs no
row: it names the member and what to stop. A verification or reset link carries a
signed random nonce whose digest is an :class:`~kith.models.EmailLink` row: the row
makes it single-use and expiring. A token that fails its signature is refused before
the database is asked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select, update

from kith.clock import as_utc
from kith.config import Settings
from kith.errors import KithError
from kith.models import EmailLink
from kith.security import token_digest
from kith.uow import Ctx

TOKEN_MAX = 400  # characters: longer is refused as invalid before anything else


class LinkRefused(KithError):
    """A mailed link that cannot be used: forged or mistyped (``*_link_invalid``),
    expired (``*_link_expired``) or already used (``*_link_used``)."""

    status = 400
    code = "verification_link_invalid"


def _serializer(settings: Settings, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=f"kith-mail-{salt}")


def sign(settings: Settings, salt: str, payload: dict[str, Any]) -> str:
    return str(_serializer(settings, salt).dumps(payload))


def unsign(settings: Settings, salt: str, token: str) -> dict[str, Any] | None:
    """The payload of a token signed with ``salt``, or None if forged or mangled."""
    if not token or len(token) > TOKEN_MAX:
        return None
    try:
        payload = _serializer(settings, salt).loads(token)
    except BadData:
        return None
    return payload if isinstance(payload, dict) else None


# What each kind of link says when refused.
WORDS = {
    "verify": ("verification", "Ask for a new one from your email settings."),
    "reset": ("password reset", "Ask for a new one on the “Forgot password” page."),
}


def _refuse(purpose: str, state: str, sentence: str) -> LinkRefused:
    again = WORDS[purpose][1]
    message = f"{sentence} {again}"
    if purpose == "reset":
        if state == "used":
            return LinkRefused(message, code="reset_link_used", status=410)
        if state == "expired":
            return LinkRefused(message, code="reset_link_expired", status=410)
        return LinkRefused(message, code="reset_link_invalid")
    if state == "used":
        return LinkRefused(message, code="verification_link_used", status=410)
    if state == "expired":
        return LinkRefused(message, code="verification_link_expired", status=410)
    return LinkRefused(message, code="verification_link_invalid")


def issue_link(ctx: Ctx, member_id: int, purpose: str, email: str, lifetime: timedelta) -> str:
    """A new single-use link token of ``purpose`` for ``member_id``, about ``email``."""
    nonce = secrets.token_urlsafe(24)
    now = ctx.clock.now()
    ctx.session.add(
        EmailLink(
            member_id=member_id,
            purpose=purpose,
            digest=token_digest(nonce),
            email=email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    ctx.session.flush()
    return sign(ctx.settings, purpose, {"n": nonce})


@dataclass(frozen=True)
class Redeemed:
    member_id: int
    email: str


def check_link(ctx: Ctx, token: str, purpose: str, *, use: bool) -> Redeemed:
    """The link behind ``token`` if it can be used now; with ``use``, marked used (in
    this transaction: a link used at the same moment twice is used once)."""
    what = WORDS[purpose][0]
    payload = unsign(ctx.settings, purpose, token)
    nonce = payload.get("n") if payload else None
    if not isinstance(nonce, str):
        raise _refuse(purpose, "invalid", f"This {what} link is not valid.")
    link = ctx.session.scalar(
        select(EmailLink).where(
            EmailLink.digest == token_digest(nonce), EmailLink.purpose == purpose
        )
    )
    if link is None:
        raise _refuse(purpose, "invalid", f"This {what} link is not valid.")
    now = ctx.clock.now()
    if link.used_at is not None:
        raise _refuse(purpose, "used", f"This {what} link was already used.")
    if as_utc(link.expires_at) <= now:
        raise _refuse(purpose, "expired", f"This {what} link has expired.")
    if use:
        done = ctx.session.execute(
            update(EmailLink)
            .where(EmailLink.id == link.id, EmailLink.used_at.is_(None))
            .values(used_at=now)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            raise _refuse(purpose, "used", f"This {what} link was already used.")
    return Redeemed(link.member_id, link.email)


def retire_links(ctx: Ctx, member_id: int, purpose: str) -> None:
    """Make every unused link of ``purpose`` of the member unusable (marked used)."""
    ctx.session.execute(
        update(EmailLink)
        .where(
            EmailLink.member_id == member_id,
            EmailLink.purpose == purpose,
            EmailLink.used_at.is_(None),
        )
        .values(used_at=ctx.clock.now())
    )
