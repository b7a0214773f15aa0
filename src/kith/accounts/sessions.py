"""One's active sessions and API tokens: listing them, revoking one, and ending all.

A browser session (cookie) and an API token are both rows of ``auth_tokens``; each
is listed with the client that signed in, when, and when it was last used.
:func:`end_sessions` is the one way to sign out everywhere: a password change calls
it keeping the current session, and a password reset will call it keeping none.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update

from kith.clock import as_utc
from kith.errors import NotFound
from kith.models import AuthToken, Member
from kith.security import token_digest
from kith.uow import Ctx

# A session's last use is written at most this often (a write per request would be
# a write lock per request on SQLite).
LAST_SEEN_EVERY = timedelta(minutes=5)


def _live(ctx: Ctx, member_id: int) -> list[object]:
    return [
        AuthToken.member_id == member_id,
        AuthToken.revoked.is_(False),
        AuthToken.expires_at > ctx.clock.now(),
    ]


def list_sessions(ctx: Ctx, member: Member) -> list[AuthToken]:
    """The member's sessions and API tokens that still work, most recently used first."""
    return list(
        ctx.session.scalars(
            select(AuthToken)
            .where(*_live(ctx, member.id))  # type: ignore[arg-type]
            .order_by(AuthToken.last_seen_at.desc(), AuthToken.id.desc())
        )
    )


def revoke_session(ctx: Ctx, member: Member, session_id: int) -> None:
    """End one of the member's sessions or API tokens."""
    row = ctx.session.scalar(
        select(AuthToken).where(AuthToken.id == session_id, *_live(ctx, member.id))  # type: ignore[arg-type]
    )
    if row is None:
        raise NotFound("There is no such session.", code="session_not_found")
    row.revoked = True
    ctx.session.flush()


def end_sessions(ctx: Ctx, member: Member, *, keep: str | None = None) -> int:
    """Sign ``member`` out everywhere: revoke every session and API token, except the
    one whose secret is ``keep`` (the one making the request). Returns how many ended."""
    stmt = update(AuthToken).where(*_live(ctx, member.id))  # type: ignore[arg-type]
    if keep:
        stmt = stmt.where(AuthToken.digest != token_digest(keep))
    result = ctx.session.execute(stmt.values(revoked=True))
    return int(result.rowcount)  # type: ignore[attr-defined]


def seen_long_ago(ctx: Ctx, token: AuthToken) -> bool:
    """Whether the token's last use is older than :data:`LAST_SEEN_EVERY`."""
    last = token.last_seen_at
    return last is None or as_utc(last) <= ctx.clock.now() - LAST_SEEN_EVERY


def mark_seen(ctx: Ctx, token_id: int) -> None:
    """Record a use of the token now (if no other request did meanwhile)."""
    now = ctx.clock.now()
    ctx.session.execute(
        update(AuthToken)
        .where(
            AuthToken.id == token_id,
            or_(AuthToken.last_seen_at.is_(None), AuthToken.last_seen_at <= now - LAST_SEEN_EVERY),
        )
        .values(last_seen_at=now)
    )
