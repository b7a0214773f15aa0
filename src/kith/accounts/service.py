"""Account actions: signing up, and the tokens behind sessions.

Signing in and changing a password check argon2 hashes, which are slow: they live in
:mod:`kith.accounts.credentials`, which runs them outside every write transaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from kith.community.joining import admit
from kith.config import Settings
from kith.emails import normalize_email
from kith.errors import Conflict, Invalid, NotAuthenticated
from kith.models import AuthToken, JoinRequest, Member
from kith.relationships.linking import match_new_member
from kith.security import hash_password, new_token, token_digest
from kith.uow import Ctx

USER_AGENT_MAX = 300

HANDLE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")
RESERVED_HANDLES = frozenset({"me", "admin", "api", "new", "edit", "settings", "static"})
ROLES = ("member", "admin")
AWAITING_APPROVAL = (
    "Thank you: your request to join was sent to the community's administrators. "
    "You can sign in once one of them approves it."
)


class SigninFailed(NotAuthenticated):
    """Wrong email or password (the attempt was recorded before the check)."""

    code = "invalid_credentials"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def validate_handle(handle: str) -> str:
    handle = handle.strip().lower()
    if not HANDLE_RE.match(handle) or "--" in handle:
        raise Invalid(
            "A handle has 3 to 60 letters, digits or single hyphens, "
            "and starts and ends with a letter or digit.",
            code="invalid_handle",
        )
    if handle in RESERVED_HANDLES:
        raise Invalid(f"The handle '{handle}' is reserved.", code="invalid_handle")
    return handle


def suggest_handle(ctx: Ctx, first_name: str, last_name: str) -> str:
    base = _slug(f"{first_name} {last_name}")[:50].strip("-") or "member"
    if len(base) < 3:
        base = f"{base}-member"
    taken = set(
        ctx.session.scalars(
            select(Member.handle).where((Member.handle == base) | Member.handle.like(f"{base}-%"))
        )
    )
    if base not in taken and base not in RESERVED_HANDLES:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def validate_password(settings: Settings, password: str) -> None:
    if len(password) < settings.password_min_length:
        raise Invalid(
            f"Choose a password of at least {settings.password_min_length} characters.",
            code="weak_password",
        )
    if len(password) > 1024:
        raise Invalid("That password is too long.", code="weak_password")


@dataclass(frozen=True)
class NewPassword:
    """A valid new password, already hashed: made before the write transaction begins,
    so that no slow argon2 work holds the database's write lock."""

    hash: str

    @classmethod
    def of(cls, settings: Settings, password: str) -> NewPassword:
        validate_password(settings, password)
        return cls(hash_password(password, settings))


def _clean_name(value: str, what: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise Invalid(f"Please give your {what}.", code="invalid_name")
    if len(value) > 100:
        raise Invalid(f"Your {what} can be at most 100 characters.", code="invalid_name")
    return value


def sign_up(
    ctx: Ctx,
    *,
    email: str,
    password: str | NewPassword | None,
    first_name: str,
    last_name: str,
    handle: str | None = None,
    role: str = "member",
    invitation: str | None = None,
    operator: bool = False,
) -> Member:
    """Create an account. The email and handle must be free, and the community must
    admit the address (:func:`kith.community.joining.admit`: its join mode, or the
    ``invitation`` code given, whose use is counted here). ``operator``: an operator
    creates the account (the command line), which no join mode refuses.

    In ``approval`` mode the account is created inactive with a pending
    :class:`~kith.models.JoinRequest`: it cannot sign in until an administrator
    approves it (``member.is_active`` tells the caller which happened).

    The API and the pages hash the password first (:meth:`NewPassword.of`); given as
    text (the CLI, the demo), it is hashed here. None: an account made at a first sign-in
    through the identity provider, without a password (kith.accounts.oidc)."""
    email = normalize_email(email)
    first_name = _clean_name(first_name, "first name")
    last_name = _clean_name(last_name, "last name")
    if isinstance(password, str):
        validate_password(ctx.settings, password)
    if role not in ROLES:
        raise Invalid(f"Unknown role '{role}'.", code="invalid_role")
    if ctx.session.scalar(select(Member.id).where(Member.email == email)) is not None:
        raise Conflict("An account with this email address already exists.", code="email_taken")
    if handle:
        handle = validate_handle(handle)
        if ctx.session.scalar(select(Member.id).where(Member.handle == handle)) is not None:
            raise Conflict(f"The handle '{handle}' is taken.", code="handle_taken")
    else:
        handle = suggest_handle(ctx, first_name, last_name)
    admission = admit(ctx, email=email, code=invitation, operator=operator)
    member = Member(
        email=email,
        handle=handle,
        password_hash=(
            password.hash
            if isinstance(password, NewPassword)
            else ""  # no password: signs in through the identity provider only
            if password is None
            else hash_password(password, ctx.settings)
        ),
        role=role,
        is_active=admission.active,
        first_name=first_name,
        last_name=last_name,
        headline="",
        about="",
        location="",
        industry="",
        invite_policy="everyone",
        follow_policy="everyone",
        connections_visibility="connections",
        follow_primary=False,
        created_at=ctx.clock.now(),
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.add(member)
    except IntegrityError as exc:  # the same email or handle, signed up at the same moment
        if ctx.session.scalar(select(Member.id).where(Member.email == email)) is not None:
            raise Conflict(
                "An account with this email address already exists.", code="email_taken"
            ) from exc
        raise Conflict(f"The handle '{handle}' is taken.", code="handle_taken") from exc
    if admission.active:
        match_new_member(ctx, member)  # recognised in others' private contacts by address
    else:
        ctx.session.add(
            JoinRequest(
                member_id=member.id,
                email=email,
                name=member.name,
                status="pending",
                created_at=member.created_at,
                reason="",
            )
        )
        ctx.session.flush()
    return member


def issue_token(ctx: Ctx, member: Member, *, kind: str, user_agent: str = "") -> str:
    """Create a session (``kind='session'``) or API token (``kind='api'``) for the client
    ``user_agent``; returns the secret."""
    assert kind in ("session", "api")
    days = ctx.settings.session_days if kind == "session" else ctx.settings.token_days
    token = new_token()
    now = ctx.clock.now()
    ctx.session.add(
        AuthToken(
            member_id=member.id,
            kind=kind,
            digest=token_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
            revoked=False,
            user_agent=user_agent[:USER_AGENT_MAX],
            last_seen_at=now,
        )
    )
    ctx.session.flush()
    return token


#: The live token of a digest and kind, with its active member (built once: every
#: request signed in asks it).
TOKEN_IN_USE = (
    select(AuthToken, Member)
    .join(Member, Member.id == AuthToken.member_id)
    .where(
        AuthToken.digest == bindparam("digest", type_=AuthToken.digest.type),
        AuthToken.kind == bindparam("kind", type_=AuthToken.kind.type),
        AuthToken.revoked.is_(False),
        AuthToken.expires_at > bindparam("now", type_=AuthToken.expires_at.type),
        Member.is_active.is_(True),
    )
)


def token_in_use(ctx: Ctx, token: str | None, *, kind: str) -> tuple[AuthToken, Member] | None:
    """The live token behind the secret ``token`` and its (active) member."""
    if not token:
        return None
    params = {"digest": token_digest(token), "kind": kind, "now": ctx.clock.now()}
    row = ctx.session.execute(TOKEN_IN_USE, params).first()
    return (row[0], row[1]) if row else None


def revoke_token(ctx: Ctx, token: str) -> None:
    ctx.session.execute(
        update(AuthToken).where(AuthToken.digest == token_digest(token)).values(revoked=True)
    )
