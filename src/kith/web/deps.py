"""FastAPI dependencies shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, select

from kith.errors import NotAuthenticated
from kith.models import AuthToken, Member
from kith.runtime import Kith
from kith.uow import Ctx

SESSION_COOKIE = "kith_session"
CSRF_COOKIE = "kith_csrf"


def get_kith(request: Request) -> Kith:
    kith = request.app.state.kith
    assert isinstance(kith, Kith)
    return kith


KithDep = Annotated[Kith, Depends(get_kith)]

_bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/v1/auth/token")


class TokenLookup(Protocol):
    def __call__(
        self, ctx: Ctx, token: str | None, *, kind: str
    ) -> tuple[AuthToken, Member] | None: ...


@dataclass(frozen=True)
class Credentials:
    """How the secret of a session or API token resolves to its live token and active
    member, and how the token's use is noted. The accounts domain owns these; they are
    registered where the app is assembled (``web/`` imports no domain)."""

    lookup: TokenLookup
    seen_long_ago: Callable[[Ctx, AuthToken], bool]
    mark_seen: Callable[[Ctx, int], None]
    # Raises when the member may not make a request to this path yet (an
    # administrator who must first set up two-factor sign-in).
    admit: Callable[[Ctx, Member, str], None] = lambda _ctx, _member, _path: None


_credentials: list[Credentials] = []


def register_credentials(credentials: Credentials) -> None:
    _credentials[:] = [credentials]


def credentials() -> Credentials:
    if not _credentials:
        raise RuntimeError("No credentials registered: build the app with kith.app.create_app")
    return _credentials[0]


def token_member(ctx: Ctx, token: str | None, *, kind: str) -> Member | None:
    """The active member behind a session or API token secret, if it is live."""
    found = credentials().lookup(ctx, token, kind=kind)
    return found[1] if found else None


def signed_in_member_id(kith: Kith, token: str | None, *, kind: str, path: str = "") -> int | None:
    """The member behind a session or API token secret, if admitted to ``path``; notes
    the token's use (at most every few minutes, in a write of its own)."""
    found_in = credentials()
    with kith.uow(write=False) as ctx:
        found = found_in.lookup(ctx, token, kind=kind)
        if found is None:
            return None
        row, member = found
        found_in.admit(ctx, member, path)
        stale = found_in.seen_long_ago(ctx, row)
    if stale:
        with kith.uow() as ctx:
            found_in.mark_seen(ctx, row.id)
    return member.id


def api_member_id(
    request: Request,
    kith: KithDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> int:
    """The member behind the bearer token, or 401."""
    token = credentials.credentials if credentials else None
    member_id = signed_in_member_id(kith, token, kind="api", path=request.url.path)
    if member_id is None:
        raise NotAuthenticated(
            "Sign in first: send 'Authorization: Bearer <token>' with a token from "
            "POST /api/v1/auth/token."
        )
    return member_id


ApiMemberId = Annotated[int, Depends(api_member_id)]


def page_member_id(request: Request, kith: KithDep) -> int | None:
    """The member signed in through the session cookie, if any."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return signed_in_member_id(kith, token, kind="session", path=request.url.path)


PageMemberId = Annotated[int | None, Depends(page_member_id)]


#: Built once: every page and API call signed in asks it.
_ME = select(Member).where(Member.id == bindparam("member_id"), Member.is_active.is_(True))


def me(ctx: Ctx, member_id: int) -> Member:
    """Load the signed-in member into this unit of work's session."""
    member = ctx.session.scalar(_ME, {"member_id": member_id})
    if member is None:
        raise NotAuthenticated("Your account is no longer active.")
    return member


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def user_agent(request: Request) -> str:
    """The client's own name (``User-Agent``), kept with its session for Settings."""
    return request.headers.get("user-agent", "")


def bearer_secret(request: Request) -> str | None:
    """The API token this request was made with (after ``ApiMemberId`` checked it)."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None
